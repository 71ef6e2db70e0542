"""Which table and field plays which role: the one place validation asks.

Every check asks here which columns are spans, which ids are slugs, which tables are entities, and so on; none
compares a regular expression or a table name itself. For now the answers are read from the Table Schemas and the
codebook (CURATION.md) as they stand; the model layer (issue 11) can replace these functions one by one.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..package import Field, Package, Table

SLUG = "^[a-z0-9]+(-[a-z0-9]+)*$"
REFERENCE_FILE = "data/reference/entity-identifiers.csv"


# ---- fields -----------------------------------------------------------------------------------------------------
def is_slug(field: Field) -> bool:
    """An identifier column: its values are slugs (lower-case letters and digits joined by single hyphens)."""
    return field.constraints.get("pattern") == SLUG


def is_free_text(field: Field) -> bool:
    """A string column held to no pattern and no vocabulary: names, descriptions, statements, notes, span texts."""
    c = field.constraints
    return field.type == "string" and "pattern" not in c and "enum" not in c and not field.categories


def keeps_padding(field: Field) -> bool:
    """A column whose values may start or end with whitespace: span texts, verbatim copies of the article."""
    return field.name == "text"


def allows_formula_prefix(field: Field) -> bool:
    return bool(field.raw.get("x-allow-formula-prefix"))


# ---- spans ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SpanCols:
    source: str
    start: str
    end: str
    text: str


def span_columns(table: Table) -> SpanCols | None:
    """The span columns of a table (source, start, end, verbatim text), or None if its rows are not spans."""
    cols = SpanCols("source_id", "char_start", "char_end", "text")
    return cols if {cols.source, cols.start, cols.end, cols.text} <= set(table.field_names) else None


def is_span_text(table: Table, field: str) -> bool:
    cols = span_columns(table)
    return cols is not None and cols.text == field


def quote_table(pkg: Package) -> str | None:
    """The table of quotations: each span sits directly inside quotation marks."""
    return "quotes" if "quotes" in pkg.tables else None


def quote_mark_pair_tables(pkg: Package) -> list[str]:
    """Span tables whose spans take both quotation marks of a pair or neither (every span table but the quotes,
    which sit inside the marks)."""
    return [n for n, t in pkg.tables.items() if span_columns(t) and n != quote_table(pkg)]


OPEN_MARKS, CLOSE_MARKS = "“‘\"", "”’\""  # the marks a quotation sits directly inside
PAIRED_MARKS = (("“", "”"),)  # marks a span holds both of or neither
SYMMETRIC_MARKS = ('"',)  # the same mark opens and closes: a span holds an even number


def coverage_tables(pkg: Package) -> list[str]:
    """The span tables whose spans cover an article's sentences (else the sentence is listed as excluded)."""
    return [n for n in ("claim_evidence", "quotes", "excluded_spans") if n in pkg.tables]


# ---- entities ---------------------------------------------------------------------------------------------------
ENTITIES = {"people": "person_id", "organizations": "org_id", "places": "place_id"}


def entity_tables(pkg: Package) -> dict[str, str]:
    """Entity table -> its id column."""
    return {n: c for n, c in ENTITIES.items() if n in pkg.tables}


def entity_kind(table: str) -> str | None:
    """The entity's kind as the reference file names it."""
    return {"people": "person", "organizations": "organization", "places": "place"}.get(table)


def mention_table(pkg: Package) -> str | None:
    """The table that must name every entity at least once (by the entity's id column)."""
    return "mentions" if "mentions" in pkg.tables else None


def exactly_one_groups(table: Table) -> list[tuple[list[str], str]]:
    """(columns, when): exactly one of the columns is set; at most one where the SQL condition `when` is false."""
    groups = {"mentions": (["person_id", "org_id", "place_id"], "TRUE"),
              "event_participants": (["person_id", "org_id", "place_id"], "TRUE"),
              "quotes": (["speaker_person_id", "speaker_org_id"], "quote_kind <> 'scare-quote' AND speaker_description IS NULL")}
    return [groups[table.name]] if table.name in groups else []


def at_most_one_groups(table: Table) -> list[list[str]]:
    return [["attributed_person_id", "attributed_org_id"]] if table.name == "claim_evidence" else []


def country_field(table: Table) -> str | None:
    """A field holding ISO 3166-1 alpha-2 codes (entities only)."""
    return "country" if table.name in ENTITIES and "country" in table.field_names else None


def qid_fields(table: Table) -> tuple[str, str] | None:
    """(QID, its confidence) of an entity table."""
    return ("wikidata_qid", "wikidata_qid_confidence") if table.name in ENTITIES and "wikidata_qid" in table.field_names else None


def coordinate_fields(table: Table) -> tuple[str, str] | None:
    return ("latitude", "longitude") if {"latitude", "longitude"} <= set(table.field_names) else None


def identifier_fields(table: Table) -> dict[str, str]:
    """External identifier columns of an entity table -> the reference file's column for them."""
    names = {"wikidata_qid": "wikidata_qid", "wikidata_qid_confidence": "qid_confidence", "geonames_id": "geonames_id",
             "latitude": "latitude", "longitude": "longitude"}
    return {c: r for c, r in names.items() if c in table.field_names} if table.name in ENTITIES else {}


# ---- sources, quotes, events, claims ------------------------------------------------------------------------------
SOURCES = "sources"


@dataclass(frozen=True)
class SourceCols:
    id: str = "source_id"
    path: str = "text_path"
    sha256: str = "text_sha256"
    char_count: str = "char_count"


def sources_table(pkg: Package) -> str | None:
    """The table of articles: each row names a text file, its sha256 and its length in code points."""
    return SOURCES if SOURCES in pkg.tables else None


def single_row_rules(table: Table) -> list[tuple[str, str, str, str, str]]:
    """The codebook's rules on one row of a table that are neither entity groups nor derived columns:
    (code, field, failing-row SQL, expected, value SQL)."""
    if table.name == "quotes":
        return [("scare-quote-speaker", "speaker_person_id",
                 "quote_kind = 'scare-quote' AND coalesce(speaker_person_id, speaker_org_id) IS NOT NULL",
                 "no speaker for a scare quote", "coalesce(speaker_person_id, speaker_org_id)")]
    if table.name == SOURCES:
        return [("published-basis", "published", "(published_basis = 'printed-dateline') <> (published IS NOT NULL)",
                 "a date exactly when published_basis is printed-dateline", "published")]
    return []


def utterance_columns(table: Table) -> tuple[str, list[str]] | None:
    """(utterance group column, speaker columns): the rows of one utterance group have one speaker."""
    if table.name == "quotes":
        return "utterance_id", ["speaker_person_id", "speaker_org_id", "speaker_description"]
    return None


@dataclass(frozen=True)
class EventCols:
    id: str = "event_id"
    parent: str = "parent_event_id"
    date: str = "date"
    earliest: str = "date_earliest"
    latest: str = "date_latest"
    basis: str = "date_basis"
    type: str = "event_type"
    plover: str = "plover_type"


def events_table(pkg: Package) -> str | None:
    return "events" if "events" in pkg.tables else None


def plover_mapping(table: Table) -> dict:
    return table.field(EventCols.type).raw.get("x-plover", {})


def evidence_pairs(pkg: Package) -> list[tuple[str, str, str]]:
    """(parent, evidence table, key column): every parent row has at least one evidence row."""
    return [(p, c, k) for p, c, k in (("claims", "claim_evidence", "claim_id"), ("events", "event_evidence", "event_id"))
            if p in pkg.tables and c in pkg.tables]


def claim_status_tables(pkg: Package) -> tuple[str, str, str] | None:
    names = ("claims", "claim_evidence", SOURCES)
    return names if all(n in pkg.tables for n in names) else None


def claim_status_sql() -> str:
    """SQL over claims, claim_evidence and sources giving (claim_id, want): the status CURATION.md §7 derives from the
    evidence (claims without evidence are single-source). Evidence counts once per independence group."""
    return ("WITH e AS (SELECT ce.claim_id, ce.stance, CASE WHEN ce.attributed_org_id IN (SELECT independence_group FROM sources) "
            "THEN ce.attributed_org_id ELSE coalesce(s.independence_group, ce.source_id) END AS g FROM claim_evidence ce "
            "LEFT JOIN sources s USING (source_id)) SELECT claim_id, CASE WHEN bool_or(stance = 'refutes') AND bool_or(stance = 'supports') "
            "THEN 'contested' WHEN count(g) FILTER (WHERE stance = 'supports') >= 2 THEN 'corroborated' ELSE 'single-source' END AS want "
            "FROM (SELECT DISTINCT claim_id, stance, g FROM e) GROUP BY 1")  # distinct first: no DISTINCT aggregate


CLAIM_STATUS = ("claims", "status", "claim_id", "single-source")  # table, status column, key, status without evidence
