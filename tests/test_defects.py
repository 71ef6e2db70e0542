"""The planted-defect suite: copy the real package, plant one defect, and prove `validate` rejects it precisely.

Each case names the defect class, how it is planted, and what the report must name: the error code, the table
(or file) and, for row-level defects, the field and a row number.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from vostochny_summit.build import fixity
from vostochny_summit.validate import validate


# ---- planting helpers --------------------------------------------------------------------------------------------


def read_rows(root: Path, table: str) -> list[dict]:
    with open(root / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_rows(root: Path, table: str, rows: list[dict], header: list[str] | None = None) -> None:
    header = header or list(rows[0].keys())
    buf = io.StringIO()
    w = csv.DictWriter(buf, header, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    (root / "data" / f"{table}.csv").write_text(buf.getvalue(), encoding="utf-8")


def find(rows, pred=lambda r: True) -> int:
    return next(i for i, r in enumerate(rows) if pred(r))


def set_cell(table: str, field: str, value, pred=lambda r: True):
    """Planter: set `field` of the first row matching pred to value (a callable gets the row)."""
    def plant(root: Path) -> int:
        rows = read_rows(root, table)
        i = find(rows, pred)
        rows[i][field] = value(rows[i]) if callable(value) else value
        write_rows(root, table, rows)
        return i + 1
    return plant


def append_row(table: str, make: Callable[[list[dict]], dict]):
    def plant(root: Path) -> int:
        rows = read_rows(root, table)
        rows.append(make(rows))
        write_rows(root, table, rows)
        return len(rows)
    return plant


def edit_bytes(rel: str, edit: Callable[[bytes], bytes]):
    def plant(root: Path):
        p = root / rel
        p.write_bytes(edit(p.read_bytes()))
    return plant


def edit_json(rel: str, edit: Callable[[dict], None]):
    def plant(root: Path):
        p = root / rel
        d = json.loads(p.read_text(encoding="utf-8"))
        edit(d)
        p.write_text(json.dumps(d, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return plant


def resource(name):
    def get(d):
        return next(r for r in d["resources"] if r["name"] == name)
    return get


def text_of(root: Path, source_id: str) -> str:
    src = {r["source_id"]: r for r in read_rows(root, "sources")}
    return (root / src[source_id]["text_path"]).read_text(encoding="utf-8")


def shift_span(root: Path) -> int:
    rows = read_rows(root, "quotes")
    rows[0]["char_start"] = str(int(rows[0]["char_start"]) + 1)
    write_rows(root, "quotes", rows)
    return 1


def straighten_apostrophe(root: Path) -> int:
    rows = read_rows(root, "quotes")
    i = find(rows, lambda r: "’" in r["text"])
    rows[i]["text"] = rows[i]["text"].replace("’", "'", 1)
    write_rows(root, "quotes", rows)
    return i + 1


def replace_nbsp(root: Path) -> int:
    for table in ("claim_evidence", "event_evidence", "excluded_spans"):
        rows = read_rows(root, table)
        hits = [i for i, r in enumerate(rows) if "\u00a0" in r["text"]]
        if hits:
            rows[hits[0]]["text"] = rows[hits[0]]["text"].replace("\u00a0", " ")
            write_rows(root, table, rows)
            return hits[0] + 1
    pytest.fail("no span with a non-breaking space to plant the defect in")


def past_end(root: Path) -> int:
    rows = read_rows(root, "claim_evidence")
    n = len(text_of(root, rows[0]["source_id"]))
    rows[0]["char_end"] = str(n + 5)
    write_rows(root, "claim_evidence", rows)
    return 1


def two_speakers(root: Path) -> int:
    rows = read_rows(root, "quotes")
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        if r["utterance_id"]:
            groups.setdefault(r["utterance_id"], []).append(i)
    i = next(g for g in groups.values() if len(g) > 1)[1]
    other = "kim-jong-un" if rows[i]["speaker_person_id"] != "kim-jong-un" else "vladimir-putin"
    rows[i]["speaker_person_id"], rows[i]["speaker_org_id"] = other, ""
    write_rows(root, "quotes", rows)
    return i + 1


def quote_outside_marks(root: Path) -> int:
    rows = read_rows(root, "quotes")
    mentions = read_rows(root, "mentions")
    m = next(m for m in mentions if m["source_id"] == rows[0]["source_id"])
    rows[0].update(char_start=m["char_start"], char_end=m["char_end"], text=m["text"])
    write_rows(root, "quotes", rows)
    return 1


def add_column(root: Path):
    rows = read_rows(root, "claims")
    for r in rows:
        r["extra"] = "x"
    write_rows(root, "claims", rows)


def drop_column(root: Path):
    rows = read_rows(root, "claims")
    header = list(rows[0].keys())[:-1]
    for r in rows:
        r.pop(list(r.keys())[-1])
    write_rows(root, "claims", rows, header)


def stale_parquet(root: Path) -> None:
    """A valid CSV edit without a rebuild; the descriptor hash is refreshed so only Parquet is stale."""
    set_cell("people", "description", "An edited description that Parquet does not have yet.")(root)

    def refresh(d):
        resource("people")(d).update(fixity(root / "data" / "people.csv"))

    edit_json("datapackage.json", refresh)(root)


def schema_without_enum(root: Path) -> int:
    """frictionless ignores `categories`: drop the enum and plant a value outside the categories."""
    def edit(s):
        f = next(f for f in s["fields"] if f["name"] == "claim_type")
        del f["constraints"]["enum"]
    edit_json("schemas/claims.schema.json", edit)(root)
    return set_cell("claims", "claim_type", "gossip")(root)


def edit_text(root: Path):
    src = read_rows(root, "sources")[0]
    p = root / src["text_path"]
    data = p.read_bytes()
    p.write_bytes(data.replace(b"Putin", b"Putim", 1))


def two_event_cycle(root: Path) -> int:
    """Two events that are each other's parent (a cycle the own-parent check alone would not see)."""
    rows = read_rows(root, "events")
    a, b = [i for i, r in enumerate(rows) if not r["parent_event_id"]][:2]
    rows[a]["parent_event_id"], rows[b]["parent_event_id"] = rows[b]["event_id"], rows[a]["event_id"]
    write_rows(root, "events", rows)
    return a + 1


def rename_person_everywhere(root: Path) -> int:
    """A person id that breaks the id pattern, renamed consistently in every table: foreign keys still hold, so the
    pattern must be caught in the referring tables too (their pattern check otherwise leans on the parent's)."""
    old = read_rows(root, "people")[0]["person_id"]
    new = old.replace("-", "_").upper()
    first_mention = None
    for table in ("people", "mentions", "event_participants", "quotes", "claim_evidence"):
        rows = read_rows(root, table)
        for i, r in enumerate(rows):
            for k in r:
                if r[k] == old and (k == "person_id" or k.endswith("_person_id")):
                    r[k] = new
                    if table == "mentions" and first_mention is None:
                        first_mention = i + 1
        write_rows(root, table, rows)
    return first_mention


def swap_qid(root: Path) -> int:
    people = read_rows(root, "people")
    qid = next(r["wikidata_qid"] for r in people if r["wikidata_qid"])
    return set_cell("places", "wikidata_qid", qid, lambda r: not r["wikidata_qid"])(root)


# ---- the defect classes --------------------------------------------------------------------------------------------


@dataclass
class Defect:
    name: str
    plant: Callable[[Path], object]
    code: str
    where: str  # table name, or a file path fragment
    field: str | None = None
    row_level: bool = True


DEFECTS = [
    Defect("duplicate-primary-key", append_row("people", lambda rows: dict(rows[0])), "primary-key", "people", "person_id"),
    Defect("duplicate-link-row", append_row("event_participants", lambda rows: dict(rows[0])), "primary-key", "event_participants", "event_id,person_id,org_id,place_id,role"),
    Defect("dangling-foreign-key", set_cell("mentions", "person_id", "nobody-at-all", lambda r: r["person_id"]), "foreign-key", "mentions", "person_id"),
    Defect("dangling-self-reference", set_cell("events", "parent_event_id", "no-such-event"), "foreign-key", "events", "parent_event_id"),
    Defect("span-shifted-by-one", shift_span, "span-text", "quotes", "text"),
    Defect("span-past-the-end", past_end, "span-bounds", "claim_evidence", "char_end"),
    Defect("negative-start", set_cell("mentions", "char_start", "-1"), "minimum", "mentions", "char_start"),
    Defect("end-before-start", set_cell("event_evidence", "char_end", lambda r: str(int(r["char_start"]) - 1)), "span-order", "event_evidence", "char_end"),
    Defect("curly-apostrophe-straightened", straighten_apostrophe, "span-text", "quotes", "text"),
    Defect("nbsp-replaced-by-space", replace_nbsp, "span-text", "", "text"),
    Defect("quote-outside-quotation-marks", quote_outside_marks, "quote-marks", "quotes", "char_start"),
    Defect("invalid-month", set_cell("events", "date", "2023-13", lambda r: r["date"]), "pattern", "events", "date"),
    Defect("impossible-day", set_cell("events", "date", "2023-02-30", lambda r: r["date"]), "edtf", "events", "date"),
    Defect("interval-ends-before-start", set_cell("events", "date", "2019/2018", lambda r: r["date"]), "edtf", "events", "date"),
    Defect("wrong-date-format", set_cell("sources", "published", "13/09/2023", lambda r: r["published"]), "type", "sources", "published"),
    Defect("enum-typo", set_cell("claims", "claim_type", "fakt"), "enum", "claims", "claim_type"),
    Defect("categories-only-vocabulary", schema_without_enum, "categories", "claims", "claim_type"),
    Defect("empty-required-cell", set_cell("claims", "statement", ""), "required", "claims", "statement"),
    Defect("quoted-empty-string", edit_bytes("data/organizations.csv", lambda b: b.replace(b",,", b',"",', 1)), "empty-string", "organizations"),
    Defect("padded-value", set_cell("people", "name", lambda r: " " + r["name"]), "whitespace", "people", "name"),
    Defect("formula-cell", set_cell("claims", "statement", '=HYPERLINK("http://x")'), "formula-cell", "claims", "statement"),
    Defect("malformed-qid", set_cell("people", "wikidata_qid", "Q07747", lambda r: r["wikidata_qid"]), "pattern", "people", "wikidata_qid"),
    Defect("unverified-identifier", set_cell("people", "wikidata_qid", "Q123", lambda r: r["wikidata_qid"]), "unverified-identifier", "people", "wikidata_qid"),
    Defect("qid-shared-by-two-entities", swap_qid, "qid-shared", "places", "wikidata_qid"),
    Defect("country-name-instead-of-code", set_cell("people", "country", "Russia", lambda r: r["country"]), "pattern", "people", "country"),
    Defect("country-code-not-real", set_cell("people", "country", "XX", lambda r: r["country"]), "country-code", "people", "country"),
    Defect("latitude-out-of-range", set_cell("places", "latitude", "123", lambda r: r["latitude"]), "maximum", "places", "latitude"),
    Defect("dangling-id-with-spaces", set_cell("mentions", "person_id", "nobody at all", lambda r: r["person_id"]), "pattern", "mentions", "person_id"),
    Defect("renamed-id-breaks-pattern", rename_person_everywhere, "pattern", "mentions", "person_id"),
    Defect("id-with-spaces", set_cell("claims", "claim_id", "talks lasted long"), "pattern", "claims", "claim_id"),
    Defect("utterance-with-two-speakers", two_speakers, "utterance-speakers", "quotes", "utterance_id"),
    Defect("event-is-its-own-parent", set_cell("events", "parent_event_id", lambda r: r["event_id"]), "event-cycle", "events", "parent_event_id"),
    Defect("two-events-each-others-parent", two_event_cycle, "event-cycle", "events", "parent_event_id"),
    Defect("stale-derived-plover-type", set_cell("events", "plover_type", lambda r: "AGREE" if r["plover_type"] != "AGREE" else "CONSULT"), "derived-plover", "events", "plover_type"),
    Defect("integer-with-plus-sign", set_cell("mentions", "char_start", lambda r: "+" + r["char_start"]), "not-canonical", "mentions", None, False),
    Defect("two-entities-in-one-mention", set_cell("mentions", "place_id", "russia", lambda r: r["person_id"]), "exactly-one", "mentions", "person_id/org_id/place_id"),
    Defect("stale-derived-claim-status", set_cell("claims", "status", lambda r: "contested" if r["status"] != "contested" else "single-source"), "derived-claim-status", "claims", "status"),
    Defect("stale-derived-date-bounds", set_cell("events", "date_earliest", "1900-01-01", lambda r: r["date"]), "derived-date-bounds", "events", "date_earliest/date_latest"),
    Defect("date-with-unknown-basis", set_cell("events", "date_basis", "unknown", lambda r: r["date"]), "date-basis", "events", "date_basis"),
    Defect("published-despite-rejected-date", set_cell("sources", "published", "2023-11-13", lambda r: r["published_basis"] != "printed-dateline"), "published-basis", "sources", "published"),
    Defect("entity-never-mentioned", append_row("people", lambda rows: dict(rows[0], person_id="nobody-mentioned")), "unmentioned-entity", "people", "person_id"),
    Defect("claim-without-evidence", append_row("claims", lambda rows: dict(rows[0], claim_id="claim-with-no-evidence")), "no-evidence", "claims", "claim_id"),
    Defect("uncovered-sentence", lambda root: write_rows(root, "excluded_spans", [r for r in read_rows(root, "excluded_spans") if r["reason"] != "boilerplate"]), "uncovered-sentence", "data/texts", None, False),
    Defect("edited-article-text", edit_text, "fixity", "sources", "text_sha256"),
    Defect("wrong-sha256", set_cell("sources", "text_sha256", "0" * 64), "fixity", "sources", "text_sha256"),
    Defect("wrong-char-count", set_cell("sources", "char_count", lambda r: str(int(r["char_count"]) + 1)), "char-count", "sources", "char_count"),
    Defect("extra-column", add_column, "header", "claims", None, False),
    Defect("missing-column", drop_column, "header", "claims", None, False),
    Defect("byte-order-mark", edit_bytes("data/quotes.csv", lambda b: b"\xef\xbb\xbf" + b), "bom", "data/quotes.csv", None, False),
    Defect("crlf-line-endings", edit_bytes("data/quotes.csv", lambda b: b.replace(b"\n", b"\r\n")), "line-ending", "data/quotes.csv", None, False),
    Defect("ragged-row", edit_bytes("data/people.csv", lambda b: b + b"too,few,cells\n"), "ragged-row", "people", None),
    Defect("invalid-utf8", edit_bytes("data/people.csv", lambda b: b.replace(b"Putin", b"Put\xffin", 1)), "encoding", "data/people.csv", None, False),
    Defect("closing-quote-inside-a-cell", edit_bytes("data/claims.csv", lambda b: b.replace(b'family, supports."', b'family," supports.', 1)),
           "not-canonical", "claims", None, False),
    Defect("not-canonical-order", lambda root: write_rows(root, "people", list(reversed(read_rows(root, "people")))), "not-canonical", "people", None, False),
    Defect("unsafe-path-parent", edit_json("datapackage.json", lambda d: resource("people")(d).update(path="../people.csv")), "unsafe-path", "datapackage.json", None, False),
    Defect("unsafe-path-absolute", edit_json("datapackage.json", lambda d: resource("people")(d).update(path="/etc/passwd")), "unsafe-path", "datapackage.json", None, False),
    Defect("unsafe-path-hidden", edit_json("datapackage.json", lambda d: resource("people")(d).update(path="data/.hidden/people.csv")), "unsafe-path", "datapackage.json", None, False),
    Defect("stale-descriptor-hash", edit_json("datapackage.json", lambda d: resource("quotes")(d).update(hash="sha256:" + "0" * 64)), "stale-hash", "datapackage.json", None, False),
    Defect("stale-descriptor-bytes", edit_json("datapackage.json", lambda d: resource("quotes")(d).update(bytes=1)), "stale-bytes", "datapackage.json", None, False),
    Defect("wrong-sha1-hash", edit_json("datapackage.json", lambda d: resource("quotes")(d).update(hash="sha1:" + "0" * 40)), "stale-hash", "datapackage.json", None, False),
    Defect("missing-version", edit_json("datapackage.json", lambda d: d.pop("version")), "descriptor-version", "datapackage.json", None, False),
    Defect("stale-parquet", stale_parquet, "parquet-stale", "people", None, False),
    Defect("missing-parquet", lambda root: (root / "data/parquet/claims.parquet").unlink(), "parquet-missing", "claims", None, False),
    Defect("duplicate-unique-key", append_row("mentions", lambda rows: dict(rows[0], mention_id=rows[0]["mention_id"] + "-copy")), "unique-key", "mentions", "source_id,char_start,char_end"),
]


def test_there_are_at_least_35_defect_classes():
    assert len({d.name for d in DEFECTS}) == len(DEFECTS) >= 35
    assert len({d.code for d in DEFECTS}) >= 35


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_validate_rejects_planted_defect(defect, package_copy):
    planted_row = defect.plant(package_copy)
    problems = validate(package_copy)
    hits = [p for p in problems if p.code == defect.code and defect.where in ((p.table or "") + " " + p.file)]
    assert hits, f"{defect.name}: no [{defect.code}] error naming {defect.where!r}; got:\n" + "\n".join(p.line() for p in problems[:30])
    if defect.field:
        assert any(p.field == defect.field for p in hits), [p.line() for p in hits]
    if defect.row_level:
        assert any(p.row is not None and p.row >= 1 for p in hits), [p.line() for p in hits]
        if isinstance(planted_row, int):
            assert planted_row in {p.row for p in hits}, (planted_row, [p.line() for p in hits])
    for p in hits:
        assert p.line(), "every problem renders as one line"


def test_build_then_validate_passes_on_a_clean_copy(package_copy):
    from vostochny_summit.build import build

    build(package_copy)
    assert validate(package_copy) == []
