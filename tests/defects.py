"""The planted-defect catalogue: every class of defect the suite plants in a copy of the package, how it is planted,
and what `validate` must report for it (the error code, the table or file, the field and the row).

A data module: tests/test_defects.py runs each class, and scripts/defect_matrix.py renders docs/error-codes.md and
docs/defect-classes.md from it (loading this file and tests/helpers.py by path, never through the test package). To
add a class, append a Defect to DEFECTS; its planter gets the package folder and returns the planted data row (1-based)
when the defect is row-level.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from vostochny_summit.derive import edtf_bounds
from vostochny_summit.seal import fixity
from vostochny_summit.validation.catalogue import CODES

from .helpers import read_rows, write_rows

# ---- planting helpers --------------------------------------------------------------------------------------------


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
    raise AssertionError("no span with a non-breaking space to plant the defect in")


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


def cut_word_at_start(root: Path) -> int:
    """A mention that starts one letter into its word: still verbatim, but it cuts the word."""
    rows = read_rows(root, "mentions")
    i = find(rows, lambda r: len(r["text"]) > 3 and r["text"][:2].isalpha())
    rows[i]["char_start"], rows[i]["text"] = str(int(rows[i]["char_start"]) + 1), rows[i]["text"][1:]
    write_rows(root, "mentions", rows)
    return i + 1


def cut_word_at_end(root: Path) -> int:
    rows = read_rows(root, "claim_evidence")
    i = find(rows, lambda r: r["text"][-2:].isalnum() and len(r["text"]) > 3)
    rows[i]["char_end"], rows[i]["text"] = str(int(rows[i]["char_end"]) - 1), rows[i]["text"][:-1]
    write_rows(root, "claim_evidence", rows)
    return i + 1


def half_quotation(root: Path) -> int:
    """A span that keeps the opening quotation mark but drops the closing one."""
    rows = read_rows(root, "claim_evidence")
    i = find(rows, lambda r: r["text"].endswith("”") and "“" in r["text"])
    rows[i]["char_end"], rows[i]["text"] = str(int(rows[i]["char_end"]) - 1), rows[i]["text"][:-1]
    write_rows(root, "claim_evidence", rows)
    return i + 1


def sub_event_outside_parent(root: Path) -> int:
    """A dated sub-event moved years before its dated parent, its derived bounds kept current."""
    rows = read_rows(root, "events")
    by_id = {r["event_id"]: r for r in rows}
    i = find(rows, lambda r: r["date"] and r["parent_event_id"] and by_id[r["parent_event_id"]]["date"])
    lo, hi = edtf_bounds(by_id[rows[i]["parent_event_id"]]["date"])
    year = str(lo.year - 3)
    rows[i]["date"] = year
    rows[i]["date_earliest"], rows[i]["date_latest"] = (d.isoformat() for d in edtf_bounds(year))
    write_rows(root, "events", rows)
    return i + 1


def speaker_asserts_speech_act(root: Path) -> int:
    """The speaker named as the asserter of a `statement` claim's evidence (the reporter asserts that it was said)."""
    kinds = {r["claim_id"]: r["claim_type"] for r in read_rows(root, "claims")}
    return set_cell("claim_evidence", "attributed_person_id", "kim-jong-un",
                    lambda r: kinds[r["claim_id"]] == "statement" and not r["attributed_org_id"])(root)


def two_attributions(root: Path) -> int:
    org = read_rows(root, "organizations")[0]["org_id"]
    return set_cell("claim_evidence", "attributed_org_id", org, lambda r: r["attributed_person_id"])(root)


def swap_date_bounds(root: Path) -> int:
    """An event whose date_earliest is after its date_latest (an interval, so the two differ)."""
    def swap(r):
        r["date_earliest"], r["date_latest"] = r["date_latest"], r["date_earliest"]
    rows = read_rows(root, "events")
    i = find(rows, lambda r: r["date"] and r["date_earliest"] != r["date_latest"])
    swap(rows[i])
    write_rows(root, "events", rows)
    return i + 1


def edit_schema(table: str, field: str, **constraints):
    def edit(s):
        f = next(f for f in s["fields"] if f["name"] == field)
        f.setdefault("constraints", {}).update(constraints)
    return edit_json(f"schemas/{table}.schema.json", edit)


def parquet_without_metadata(root: Path) -> None:
    import pyarrow.parquet as pq

    p = root / "data/parquet/claims.parquet"
    pq.write_table(pq.read_table(p).replace_schema_metadata(None), p)


def text_not_utf8(root: Path) -> None:
    src = read_rows(root, "sources")[0]
    p = root / src["text_path"]
    p.write_bytes(p.read_bytes().replace(b"Putin", b"Put\xffn", 1))


def duplicate_resource(d: dict) -> None:
    d["resources"].append(dict(resource("people")(d)))


# ---- the defect classes --------------------------------------------------------------------------------------------


@dataclass
class Defect:
    name: str
    plant: Callable[[Path], object]
    code: str
    where: str  # table name, or a file path fragment
    field: str | None = None
    row_level: bool = True
    also: tuple[str, ...] = ()  # codes that follow from the defect itself (and may be reported beside it)


DEFECTS = [
    Defect("duplicate-primary-key", append_row("people", lambda rows: dict(rows[0])), "primary-key", "people", "person_id", also=("not-canonical", "unique", "unique-key", "qid-shared")),
    Defect("duplicate-link-row", append_row("event_participants", lambda rows: dict(rows[0])), "primary-key", "event_participants", "event_id,person_id,org_id,place_id,role", also=("not-canonical",)),
    Defect("dangling-foreign-key", set_cell("mentions", "person_id", "nobody-at-all", lambda r: r["person_id"]), "foreign-key", "mentions", "person_id"),
    Defect("dangling-self-reference", set_cell("events", "parent_event_id", "no-such-event"), "foreign-key", "events", "parent_event_id"),
    Defect("span-shifted-by-one", shift_span, "span-text", "quotes", "text", also=("quote-marks",)),
    Defect("span-past-the-end", past_end, "span-bounds", "claim_evidence", "char_end"),
    Defect("negative-start", set_cell("mentions", "char_start", "-1"), "minimum", "mentions", "char_start"),
    # a span table that cannot be typed: coverage reads its offsets as text, the other span tables' typed
    Defect("span-start-not-a-number", set_cell("claim_evidence", "char_start", lambda r: r["char_start"] + "x"), "type", "claim_evidence", "char_start"),
    Defect("end-before-start", set_cell("event_evidence", "char_end", lambda r: str(int(r["char_start"]) - 1)), "span-order", "event_evidence", "char_end"),
    Defect("curly-apostrophe-straightened", straighten_apostrophe, "span-text", "quotes", "text"),
    Defect("nbsp-replaced-by-space", replace_nbsp, "span-text", "", "text"),
    Defect("quote-outside-quotation-marks", quote_outside_marks, "quote-marks", "quotes", "char_start", also=("quote-event",)),
    Defect("invalid-month", set_cell("events", "date", "2023-13", lambda r: r["date"]), "pattern", "events", "date", also=("edtf",)),
    Defect("impossible-day", set_cell("events", "date", "2023-02-30", lambda r: r["date"]), "edtf", "events", "date"),
    Defect("interval-ends-before-start", set_cell("events", "date", "2019/2018", lambda r: r["date"]), "edtf", "events", "date"),
    Defect("wrong-date-format", set_cell("sources", "published", "13/09/2023", lambda r: r["published"]), "type", "sources", "published"),
    Defect("enum-typo", set_cell("claims", "claim_type", "fakt"), "enum", "claims", "claim_type", also=("categories",)),
    Defect("categories-only-vocabulary", schema_without_enum, "categories", "claims", "claim_type", also=("schema-stale",)),
    Defect("empty-required-cell", set_cell("claims", "statement", ""), "required", "claims", "statement"),
    Defect("quoted-empty-string", edit_bytes("data/organizations.csv", lambda b: b.replace(b",,", b',"",', 1)), "empty-string", "organizations", also=("pattern", "country-code", "not-canonical")),
    Defect("padded-value", set_cell("people", "name", lambda r: " " + r["name"]), "whitespace", "people", "name"),
    Defect("formula-cell", set_cell("claims", "statement", '=HYPERLINK("http://x")'), "formula-cell", "claims", "statement"),
    Defect("malformed-qid", set_cell("people", "wikidata_qid", "Q07747", lambda r: r["wikidata_qid"]), "pattern", "people", "wikidata_qid", also=("unverified-identifier",)),
    Defect("unverified-identifier", set_cell("people", "wikidata_qid", "Q123", lambda r: r["wikidata_qid"]), "unverified-identifier", "people", "wikidata_qid"),
    Defect("qid-shared-by-two-entities", swap_qid, "qid-shared", "places", "wikidata_qid", also=("qid-confidence", "unverified-identifier")),
    Defect("country-name-instead-of-code", set_cell("people", "country", "Russia", lambda r: r["country"]), "pattern", "people", "country", also=("country-code",)),
    Defect("country-code-not-real", set_cell("people", "country", "XX", lambda r: r["country"]), "country-code", "people", "country"),
    Defect("latitude-out-of-range", set_cell("places", "latitude", "123", lambda r: r["latitude"]), "maximum", "places", "latitude", also=("unverified-identifier",)),
    Defect("dangling-id-with-spaces", set_cell("mentions", "person_id", "nobody at all", lambda r: r["person_id"]), "pattern", "mentions", "person_id", also=("foreign-key",)),
    Defect("renamed-id-breaks-pattern", rename_person_everywhere, "pattern", "mentions", "person_id"),
    Defect("id-with-spaces", set_cell("claims", "claim_id", "talks lasted long"), "pattern", "claims", "claim_id", also=("foreign-key", "no-evidence", "not-canonical")),
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
    Defect("entity-never-mentioned", append_row("people", lambda rows: dict(rows[0], person_id="nobody-mentioned")), "unmentioned-entity", "people", "person_id", also=("not-canonical", "qid-shared", "unique-key")),
    Defect("claim-without-evidence", append_row("claims", lambda rows: dict(rows[0], claim_id="claim-with-no-evidence")), "no-evidence", "claims", "claim_id", also=("not-canonical",)),
    Defect("uncovered-sentence", lambda root: write_rows(root, "excluded_spans", [r for r in read_rows(root, "excluded_spans") if r["reason"] != "boilerplate"]), "uncovered-sentence", "data/texts", None, False),
    Defect("edited-article-text", edit_text, "fixity", "sources", "text_sha256", also=("span-text",)),
    Defect("wrong-sha256", set_cell("sources", "text_sha256", "0" * 64), "fixity", "sources", "text_sha256"),
    Defect("wrong-char-count", set_cell("sources", "char_count", lambda r: str(int(r["char_count"]) + 1)), "char-count", "sources", "char_count"),
    Defect("extra-column", add_column, "header", "claims", None, False),
    Defect("missing-column", drop_column, "header", "claims", None, False),
    Defect("byte-order-mark", edit_bytes("data/quotes.csv", lambda b: b"\xef\xbb\xbf" + b), "bom", "data/quotes.csv", None, False, also=("not-canonical",)),
    Defect("missing-final-line-end", edit_bytes("data/people.csv", lambda b: b[:-1]), "not-canonical", "data/people.csv", None, False),
    Defect("blank-line-inside", edit_bytes("data/organizations.csv", lambda b: b"\n".join(b.split(b"\n")[:3] + [b""] + b.split(b"\n")[3:])),
           "not-canonical", "data/organizations.csv", None, False),
    Defect("crlf-line-endings", edit_bytes("data/quotes.csv", lambda b: b.replace(b"\n", b"\r\n")), "line-ending", "data/quotes.csv", None, False, also=("not-canonical",)),
    Defect("ragged-row", edit_bytes("data/people.csv", lambda b: b + b"too,few,cells\n"), "ragged-row", "people", None, also=("not-canonical",)),
    Defect("invalid-utf8", edit_bytes("data/people.csv", lambda b: b.replace(b"Putin", b"Put\xffin", 1)), "encoding", "data/people.csv", None, False),
    Defect("closing-quote-inside-a-cell", edit_bytes("data/claims.csv", lambda b: b.replace(b', qualifies."', b'," qualifies.', 1)),
           "not-canonical", "claims", None, False),
    Defect("not-canonical-order", lambda root: write_rows(root, "people", list(reversed(read_rows(root, "people")))), "not-canonical", "people", None, False),
    Defect("unsafe-path-parent", edit_json("datapackage.json", lambda d: resource("people")(d).update(path="../people.csv")), "unsafe-path", "datapackage.json", None, False, also=("profile-error",)),
    Defect("unsafe-path-absolute", edit_json("datapackage.json", lambda d: resource("people")(d).update(path="/etc/passwd")), "unsafe-path", "datapackage.json", None, False, also=("profile-error",)),
    Defect("unsafe-path-hidden", edit_json("datapackage.json", lambda d: resource("people")(d).update(path="data/.hidden/people.csv")), "unsafe-path", "datapackage.json", None, False),
    Defect("stale-descriptor-hash", edit_json("datapackage.json", lambda d: resource("quotes")(d).update(hash="sha256:" + "0" * 64)), "stale-hash", "datapackage.json", None, False),
    Defect("stale-descriptor-bytes", edit_json("datapackage.json", lambda d: resource("quotes")(d).update(bytes=1)), "stale-bytes", "datapackage.json", None, False),
    Defect("wrong-sha1-hash", edit_json("datapackage.json", lambda d: resource("quotes")(d).update(hash="sha1:" + "0" * 40)), "stale-hash", "datapackage.json", None, False),
    Defect("missing-version", edit_json("datapackage.json", lambda d: d.pop("version")), "descriptor-version", "datapackage.json", None, False, also=("parquet-schema",)),
    Defect("stale-parquet", stale_parquet, "parquet-stale", "people", None, False),
    Defect("missing-parquet", lambda root: (root / "data/parquet/claims.parquet").unlink(), "parquet-missing", "claims", None, False),
    Defect("duplicate-unique-key", append_row("mentions", lambda rows: dict(rows[0], mention_id=rows[0]["mention_id"] + "-copy")), "unique-key", "mentions", "source_id,char_start,char_end", also=("not-canonical",)),
    Defect("nul-in-a-name", set_cell("people", "name", lambda r: r["name"][:3] + "\x00" + r["name"][3:]), "invisible-character", "people", "name"),
    Defect("zero-width-space-in-a-statement", set_cell("claims", "statement", lambda r: r["statement"].replace(" ", "\u200b ", 1)), "invisible-character", "claims", "statement"),
    Defect("bidi-override-in-a-description", set_cell("organizations", "description", lambda r: "\u202e" + r["description"]), "invisible-character", "organizations", "description"),
    Defect("byte-order-mark-inside-a-title", set_cell("events", "title", lambda r: r["title"] + "\ufeff"), "invisible-character", "events", "title"),
    Defect("span-starts-inside-a-word", cut_word_at_start, "span-cuts-word", "mentions", "char_start"),
    Defect("span-ends-inside-a-word", cut_word_at_end, "span-cuts-word", "claim_evidence", "char_end"),
    Defect("span-with-one-quotation-mark", half_quotation, "span-quote-pair", "claim_evidence", "text"),
    Defect("sub-event-before-its-parent", sub_event_outside_parent, "sub-event-dates", "events", "date"),
    Defect("two-resources-one-name", edit_json("datapackage.json", duplicate_resource), "duplicate-resource", "datapackage.json", None, False),
    Defect("resource-path-to-nothing", edit_json("datapackage.json", lambda d: resource("people")(d).update(path="data/nobody.csv")), "missing-file", "datapackage.json", None, False),
    Defect("two-attributions", two_attributions, "at-most-one", "claim_evidence", "attributed_person_id/attributed_org_id"),
    Defect("latitude-without-longitude", set_cell("places", "longitude", "", lambda r: r["latitude"]), "coordinates-pair", "places", "latitude/longitude", also=("unverified-identifier",)),
    Defect("qid-without-confidence", set_cell("people", "wikidata_qid_confidence", "", lambda r: r["wikidata_qid"]), "qid-confidence", "people", "wikidata_qid_confidence", also=("unverified-identifier",)),
    Defect("article-text-missing", set_cell("sources", "text_path", "data/texts/missing.txt"), "text-missing", "sources", "text_path"),
    Defect("article-text-not-utf8", text_not_utf8, "text-encoding", "data/texts", None, False, also=("fixity",)),
    Defect("unique-field-repeated", edit_schema("people", "country", unique=True), "unique", "people", "country", also=("schema-stale",)),
    Defect("string-too-short", edit_schema("claims", "statement", minLength=120), "minLength", "claims", "statement", also=("schema-stale",)),
    Defect("string-too-long", edit_schema("people", "name", maxLength=12), "maxLength", "people", "name", also=("schema-stale",)),
    Defect("schema-edited-by-hand", edit_schema("people", "name", minLength=1), "schema-stale", "people", "name", row_level=False),
    Defect("date-bounds-swapped", swap_date_bounds, "date-order", "events", "date_earliest/date_latest",
           also=("derived-date-bounds", "sub-event-dates")),
    Defect("parquet-without-version", parquet_without_metadata, "parquet-schema", "claims", None, False),
    Defect("parquet-not-parquet", edit_bytes("data/parquet/claims.parquet", lambda b: b"not parquet"), "parquet-unreadable", "claims", None, False),
    # the footer intact (the file opens) and a column chunk's bytes scrambled: decoding fails
    Defect("parquet-scrambled-page", edit_bytes("data/parquet/claims.parquet", lambda b: b[:40] + bytes(x ^ 0x5A for x in b[40:400]) + b[400:]),
           "parquet-unreadable", "claims", None, False),
    Defect("descriptor-breaks-profile", edit_json("datapackage.json", lambda d: d.update(name=["not", "a", "string"])), "profile-error", "datapackage.json", None, False),
    Defect("descriptor-wrong-profile", edit_json("datapackage.json", lambda d: d.update({"$schema": "https://example.org/profile.json"})), "descriptor-profile", "datapackage.json", None, False, also=("profile-error",)),
    Defect("descriptor-not-json", edit_bytes("datapackage.json", lambda b: b[:-20]), "descriptor-unreadable", "datapackage.json", None, False),
    Defect("descriptor-without-resources", edit_json("datapackage.json", lambda d: d.update(resources=[])), "no-resources", "datapackage.json", None, False, also=("profile-error",)),
    Defect("table-schema-not-json", edit_bytes("schemas/claims.schema.json", lambda b: b[:-20]), "schema-unreadable", "schemas/claims.schema.json", None, False),
    Defect("hash-with-unknown-algorithm", edit_json("datapackage.json", lambda d: resource("quotes")(d).update(hash="crc32:00000000")), "hash-algorithm", "datapackage.json", None, False, also=("profile-error",)),
    Defect("quote-without-its-attributions-event", set_cell("quotes", "event_id", "", lambda r: r["event_id"] == "summit-press-remarks"), "quote-event", "quotes", "event_id"),
    Defect("speaker-asserts-a-speech-act", speaker_asserts_speech_act, "reporter-voice", "claim_evidence", "attributed_person_id"),
    Defect("scare-quote-with-a-speaker", set_cell("quotes", "speaker_person_id", "vladimir-putin", lambda r: r["quote_kind"] == "scare-quote"), "scare-quote-speaker", "quotes", "speaker_person_id", also=("quote-event",)),
    Defect("reference-list-missing", lambda root: (root / "data/reference/entity-identifiers.csv").unlink(), "reference-missing", "data/reference", None, False),
]


def refresh_hashes(root: Path) -> None:
    """Bring the descriptor's bytes and hashes up to date after planting, so that only the defect itself shows."""
    p = root / "datapackage.json"
    try:
        d = json.loads(p.read_text(encoding="utf-8"))
    except ValueError:
        return
    for res in d.get("resources", []):
        f = root / str(res.get("path"))
        if res.get("path") and f.is_file() and root in f.resolve().parents:
            res.update(fixity(f))
    p.write_text(json.dumps(d, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


HASH_CODES = {"stale-hash", "stale-bytes", "hash-algorithm"}




def plant(root: Path, defect: Defect):
    """Plant one defect in the package at root; the descriptor's hashes are refreshed after it (except for the hash
    defects themselves), so that only the defect shows. Returns what the planter returned (the planted row, or None)."""
    planted_row = defect.plant(root)
    if defect.code not in HASH_CODES:
        refresh_hashes(root)
    return planted_row


# ---- the generated pages (scripts/defect_matrix.py writes them, tests/test_generated_docs.py holds them current) ----

LAYER_ORDER = ("descriptor", "files", "schema", "domain", "parquet")


def render_error_codes() -> str:
    planted: dict[str, list[str]] = {}
    for d in DEFECTS:
        planted.setdefault(d.code, []).append(d.name)
    lines = ["# Error codes", "",
             "Generated by `python scripts/defect_matrix.py` from the catalogue (`src/vostochny_summit/validation/catalogue.py`);",
             "do not edit by hand. Every code `vostochny-summit validate` reports, by layer, with how to fix it and the",
             "planted-defect classes that test it (`tests/test_defects.py`), or why none can.", ""]
    for layer in LAYER_ORDER:
        lines += [f"## {layer}", "", "| code | what | how to fix | tested by |", "|---|---|---|---|"]
        for c in CODES.values():
            if c.layer == layer:
                tested = ", ".join(planted.get(c.code, [])) or f"waived: {c.waiver}"
                lines.append(f'| <a id="{c.code}"></a>`{c.code}` | {c.title} | {c.fix} | {tested} |')
        lines.append("")
    return "\n".join(lines)


def cached_frictionless(path: Path) -> dict[str, str]:
    """defect class -> the frictionless column of the current defect-classes page."""
    out = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.strip("|").split("|")]
            if line.startswith("| ") and len(cells) == 4 and cells[0] not in ("defect class", "---"):
                out[cells[0]] = cells[3]
    return out


def render_defect_classes(frictionless: dict[str, str]) -> str:
    """The page; a class missing from frictionless is shown as not measured (and the staleness test fails)."""
    rows = [(d.name, CODES[d.code].layer, d.code, frictionless.get(d.name, "(not measured: run scripts/defect_matrix.py)"))
            for d in DEFECTS]
    missed = [r for r in rows if r[3] == "**no**"]
    lines = ["# Planted defect classes", "",
             "Generated by `python scripts/defect_matrix.py` from the planted-defect suite (`tests/test_defects.py`) and the",
             "catalogue of error codes: each class is planted alone in a copy of the package. *Layer* is the layer of",
             "`vostochny-summit validate` whose code reports it; the last column says whether `frictionless validate` alone",
             "notices anything, with the descriptor's bytes and hash refreshed after planting (except for descriptor",
             "defects), so that frictionless is judged on the defect itself, not on a stale hash.",
             f"{len(rows)} classes; frictionless alone misses {len(missed)}.", "",
             "| defect class | caught by layer | error code | frictionless alone |", "|---|---|---|---|"]
    lines += [f"| {n} | {layer} | `{code}` | {f} |" for n, layer, code, f in rows]
    return "\n".join(lines) + "\n"
