"""`export sqlite OUT.db`: the package as one SQLite database, typed and keyed from the Table Schemas.

- Column types from the schema (TEXT, INTEGER, REAL; booleans as 0/1, dates as ISO text), enforced with CHECK
  constraints on typeof(), enums and date validity, NOT NULL for required fields.
- Primary keys and foreign keys (REFERENCES) from the schema. SQLite enforces foreign keys on connections that run
  `PRAGMA foreign_keys = ON`; the export itself checks `PRAGMA foreign_key_check` and fails if anything dangles.
- Full-text search (FTS5, external content) over quote text, claim statements, evidence text, event titles and
  summaries, in tables named `<table>_fts` (the convention Datasette detects).
- Two views for the common joins (VIEWS).

Byte-identical for the same input and the same SQLite library: the same statements run in the same order on a fresh
file, with no VACUUM (it would renumber the rowids the FTS indexes point at). The file header records the writing
library's version (bytes 96-99), so a different SQLite version gives a different file with the same contents.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from ..model import RESOURCES as _RESOURCES
from ..model import TYPES
from ..package import Package, Table
from ..sql import ident as _q
from ..sql import literal
from . import Format

# table -> its searchable prose columns (the model's `searchable` fields): one FTS5 table each
FTS = {name: [f.name for f in res.fields if f.searchable] for name, res in _RESOURCES.items()
       if any(f.searchable for f in res.fields)}

VIEWS = {
    "claim_evidence_sources": {
        "description": "Each claim with each piece of its evidence, the article it is in and who in the text asserts it.",
        "columns": {"source_title": "Headline of the article the evidence is in (sources.title).",
                    "evidence_text": "The evidence span, verbatim (claim_evidence.text).",
                    "attributed_person": "Name of the person the article says asserts it (people.name).",
                    "attributed_org": "Name of the organization the article says asserts it (organizations.name)."},
        "sql": """SELECT c.claim_id, c.statement, c.claim_type, c.topic, c.status, ce.stance, ce.source_id,
       s.title AS source_title, s.publisher, s.origin, s.independence_group, ce.char_start, ce.char_end,
       ce.text AS evidence_text, ce.attributed_person_id, pe.name AS attributed_person, ce.attributed_org_id,
       o.name AS attributed_org, ce.attributed_description
FROM claims c
JOIN claim_evidence ce USING (claim_id)
JOIN sources s ON s.source_id = ce.source_id
LEFT JOIN people pe ON pe.person_id = ce.attributed_person_id
LEFT JOIN organizations o ON o.org_id = ce.attributed_org_id""",
    },
    "quotes_with_speakers": {
        "description": "Each quotation with its speaker's name, the outlet relaying it and the event it was said at.",
        "columns": {"speaker": "The speaker: the person's or organization's name, else the article's description.",
                    "event_title": "Title of the event the quote was said at (events.title).",
                    "event_date": "Date of that event, EDTF (events.date).",
                    "relayed_by": "The outlet the article relays the quote from (its name, else its description)."},
        "sql": """SELECT q.quote_id, q.source_id, q.text, coalesce(p.name, o.name, q.speaker_description) AS speaker,
       q.speaker_person_id, q.speaker_org_id, q.utterance_id, q.event_id, e.title AS event_title, e.date AS event_date,
       q.quote_kind, coalesce(v.name, q.via_description) AS relayed_by, q.char_start, q.char_end
FROM quotes q
LEFT JOIN people p ON p.person_id = q.speaker_person_id
LEFT JOIN organizations o ON o.org_id = q.speaker_org_id
LEFT JOIN events e ON e.event_id = q.event_id
LEFT JOIN organizations v ON v.org_id = q.via_org_id""",
    },
}




def column_sql(f) -> str:
    parts = [_q(f.name), TYPES[f.type]["sqlite"]]
    if f.required:
        parts.append("NOT NULL")
    col = _q(f.name)
    checks = [f"typeof({col}) = '{TYPES[f.type]['sqlite_typeof']}'"]
    if f.type == "boolean":
        checks.append(f"{col} IN (0, 1)")
    if f.type == "date":
        checks.append(f"date({col}) IS {col}")
    if f.categories:
        checks.append(f"{col} IN ({', '.join(literal(c) for c in f.categories)})")
    parts.append(f"CHECK ({col} IS NULL OR ({' AND '.join(checks)}))")
    return " ".join(parts)


def create_table_sql(t: Table) -> str:
    lines = [column_sql(f) for f in t.fields]
    lines.append(f"PRIMARY KEY ({', '.join(_q(k) for k in t.primary_key)})")
    for fk in t.foreign_keys:
        ref = fk["reference"]
        cols = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        rcols = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        lines.append(f"FOREIGN KEY ({', '.join(map(_q, cols))}) REFERENCES {_q(ref.get('resource') or t.name)} "
                     f"({', '.join(map(_q, rcols))})")
    return f"CREATE TABLE {_q(t.name)} (\n  " + ",\n  ".join(lines) + "\n)"


def _rows(t: Table):
    import pyarrow.parquet as pq

    data = pq.ParquetFile(t.parquet_path).read()  # typed, sorted by primary key
    kinds = [f.type for f in t.fields]
    for row in zip(*(data.column(f.name).to_pylist() for f in t.fields), strict=True):
        yield tuple(v.isoformat() if k == "date" and v is not None else int(v) if k == "boolean" and v is not None else v
                    for v, k in zip(row, kinds, strict=True))


def export_sqlite(out: str | Path, pkg: Package) -> Path:
    """Write the database to `out` (replacing it); raise ValueError if a foreign key dangles."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".db", dir=out.parent)
    os.close(fd)
    os.unlink(tmp)
    con = sqlite3.connect(tmp)
    try:
        with con:
            for t in pkg.tables.values():
                con.execute(create_table_sql(t))
                marks = ", ".join("?" for _ in t.fields)
                con.executemany(f"INSERT INTO {_q(t.name)} VALUES ({marks})", _rows(t))
            for name, cols in FTS.items():
                con.execute(f'CREATE VIRTUAL TABLE {_q(name + "_fts")} USING fts5({", ".join(map(_q, cols))}, '
                            f'content="{name}", content_rowid="rowid")')
                con.execute(f'INSERT INTO {_q(name + "_fts")}({_q(name + "_fts")}) VALUES (\'rebuild\')')
            for name, view in VIEWS.items():
                con.execute(f"CREATE VIEW {_q(name)} AS\n{view['sql']}")
        dangling = con.execute("PRAGMA foreign_key_check").fetchall()
        if dangling:
            raise ValueError(f"foreign keys that point nowhere (table, rowid, parent, fk): {dangling[:10]}")
    except BaseException:
        con.close()
        Path(tmp).unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, out)
    return out


def write(pkg: Package, out: Path) -> list[Path]:
    """The database, and its Datasette metadata beside it (`<stem>.metadata.json`)."""
    from .datasette_metadata import write_metadata

    db = export_sqlite(out, pkg)
    return [db, write_metadata(pkg, db)]


FORMAT = Format("sqlite", "one SQLite database (typed, keyed, full-text search, views) and its Datasette metadata",
                "file", ".db", write, example="vostochny-summit.db")
