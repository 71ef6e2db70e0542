"""The SQLite export: types, keys, enforced foreign keys, full-text search, views, Datasette metadata, canned queries."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from vostochny_summit.exports.datasette_metadata import datasette_metadata
from vostochny_summit.exports.queries import QUERIES
from vostochny_summit.exports.sqlite import FTS, VIEWS, export_sqlite
from vostochny_summit.model import TYPES
from vostochny_summit.package import Package

from .helpers import ROOT, read_csv


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    out = tmp_path_factory.mktemp("sqlite") / "vostochny-summit.db"
    done = subprocess.run([sys.executable, "-m", "vostochny_summit.cli", "export", "sqlite", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture
def con(db):
    c = sqlite3.connect(db)
    yield c
    c.rollback()
    c.close()


def csv_count(t) -> int:
    return len(read_csv(t.csv_path))


def test_tables_have_the_schema_types_keys_and_rows(pkg, con):
    for name, t in pkg.tables.items():
        info = con.execute(f'PRAGMA table_info("{name}")').fetchall()  # cid, name, type, notnull, default, pk
        assert [(c[1], c[2], bool(c[3])) for c in info] == [(f.name, TYPES[f.type]["sqlite"], f.required) for f in t.fields]
        assert [c[1] for c in sorted((c for c in info if c[5]), key=lambda c: c[5])] == t.primary_key
        fks = {(r[3], r[2], r[4]) for r in con.execute(f'PRAGMA foreign_key_list("{name}")')}  # from, table, to
        assert fks == {(fk["fields"][0], fk["reference"]["resource"], fk["reference"]["fields"][0]) for fk in t.foreign_keys}
        assert con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == csv_count(t)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []


def test_values_equal_the_parquet_files(pkg, con):
    for name, t in pkg.tables.items():
        want = [tuple(v.isoformat() if hasattr(v, "isoformat") else int(v) if isinstance(v, bool) else v for v in row.values())
                for row in pq.read_table(t.parquet_path).to_pylist()]
        got = con.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
        assert got == want, name


def test_foreign_keys_and_types_are_enforced(con):
    con.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        con.execute("UPDATE claims SET event_id = 'no-such-event' WHERE rowid = 1")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        con.execute("UPDATE quotes SET char_start = 'twelve' WHERE rowid = 1")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        con.execute("UPDATE claims SET status = 'true' WHERE rowid = 1")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        con.execute("UPDATE events SET date_earliest = '13 Sep 2023' WHERE rowid = 1")


def test_full_text_search_finds_every_row_by_a_word_of_it(con):
    for name, cols in FTS.items():
        rows = con.execute(f'SELECT rowid, {", ".join(cols)} FROM "{name}"').fetchall()
        assert rows, name
        for rowid, *texts in rows:
            text = next(x for x in texts if x)
            word = max(re.findall(r"[A-Za-z]{4,}", text) or [text.split()[0]], key=len)
            hits = {r[0] for r in con.execute(f'SELECT rowid FROM "{name}_fts" WHERE "{name}_fts" MATCH ?', [f'"{word}"'])}
            assert rowid in hits, (name, rowid, word)


def test_views_join_without_losing_or_multiplying_rows(con):
    count = "SELECT count(*) FROM {}"
    assert con.execute(count.format("claim_evidence_sources")).fetchone() == con.execute(count.format("claim_evidence")).fetchone()
    assert con.execute("SELECT count(*) FROM quotes_with_speakers").fetchone() == con.execute("SELECT count(*) FROM quotes").fetchone()
    unnamed = "speaker IS NULL AND (speaker_person_id IS NOT NULL OR speaker_org_id IS NOT NULL)"
    assert con.execute(f"SELECT count(*) FROM quotes_with_speakers WHERE {unnamed}").fetchone()[0] == 0
    named = con.execute("SELECT count(*) FROM claim_evidence_sources WHERE attributed_person_id IS NOT NULL AND attributed_person IS NULL")
    assert named.fetchone()[0] == 0
    assert set(VIEWS) <= {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}


def test_readme_shows_each_canned_query_and_duckdb_agrees(con):
    import vostochny_summit as vs

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)\n```", readme, flags=re.S)
    duck = vs.connect()
    for name, q in QUERIES.items():
        assert q["sql"] in blocks, f"README's SQL for {name!r} differs from queries.py"
        assert q["title"] in readme
        lite = con.execute(q["sql"]).fetchall()
        assert lite, name
        duck_rows = duck.sql(q["sql"].rstrip(";")).fetchall()  # ORDER BY leaves ties, in either engine: compare as sets
        assert sorted(tuple(map(str, r)) for r in lite) == sorted(tuple(map(str, r)) for r in duck_rows), name


def test_datasette_metadata_comes_from_the_schemas(pkg, db):
    meta = json.loads((db.with_name("vostochny-summit.metadata.json")).read_text(encoding="utf-8"))
    assert meta == datasette_metadata(pkg, "vostochny-summit")
    assert meta["license_url"] == "https://creativecommons.org/licenses/by/4.0/" and meta["source"] and meta["title"]
    tables = meta["databases"]["vostochny-summit"]["tables"]
    for name, t in pkg.tables.items():
        assert tables[name]["description"] == t.schema["description"]
        assert tables[name]["columns"] == {f.name: f.description for f in t.fields}
        assert set(tables[name]["facets"]) >= {f.name for f in t.fields if f.categories}
    for name in VIEWS:
        con = sqlite3.connect(db)
        cols = [d[0] for d in con.execute(f"SELECT * FROM {name} LIMIT 0").description]
        con.close()
        assert list(tables[name]["columns"]) == cols and all(tables[name]["columns"].values())
    assert set(meta["databases"]["vostochny-summit"]["queries"]) == set(QUERIES)


def test_export_is_byte_identical(db, tmp_path):
    again = export_sqlite(tmp_path / "again.db", Package(ROOT))
    assert again.read_bytes() == db.read_bytes()
