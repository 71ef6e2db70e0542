"""Which table and field plays which role: the one place validation asks, and it asks the model.

Every answer comes from `vostochny_summit.model`: a field's `kind` (slug id, reference, span column, ISO country, …),
a resource's span, entity kind, evidence and utterance declarations. No check compares a regular expression or a
table name. A table the model does not know plays no role. The package's Table Schemas are generated from the same
model, and validate reports a schema that is not (`schema-stale`), so the roles read here are the package's.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import (
    REFERENCE_FILE,  # noqa: F401 - validation asks roles for it
    RESOURCES,
    Resource,
    Span,
    columns,
)
from ..model.vocabularies import QID_CONFIDENCE
from ..package import Package, SchemaField, Table


def _res(table: Table | str) -> Resource | None:
    return RESOURCES.get(table if isinstance(table, str) else table.name)


def _model_field(field: SchemaField):
    return field.model


def _first(pkg: Package, test) -> str | None:
    return next((n for n in pkg.tables if _res(n) is not None and test(_res(n))), None)


# ---- fields -----------------------------------------------------------------------------------------------------
def is_slug(field: SchemaField) -> bool:
    """An identifier column: its values are slugs (lower-case letters and digits joined by single hyphens)."""
    f = _model_field(field)
    return f is not None and f.is_slug


def is_free_text(field: SchemaField) -> bool:
    """A string column held to no pattern and no vocabulary: names, descriptions, statements, notes, span texts."""
    f = _model_field(field)
    return f is not None and f.type == "string" and f.pattern is None and f.vocabulary is None


def keeps_padding(field: SchemaField) -> bool:
    """A column whose values may start or end with whitespace: span texts, verbatim copies of the article."""
    f = _model_field(field)
    return f is not None and f.kind == "span-text"


# ---- spans ------------------------------------------------------------------------------------------------------
def span_columns(table: Table) -> Span | None:
    """The span columns of a table (.source, .start, .end, .text), or None if its rows are not spans."""
    res = _res(table)
    return res.span if res is not None else None


def is_span_text(table: Table, field: str) -> bool:
    cols = span_columns(table)
    return cols is not None and cols.text == field


def quote_table(pkg: Package) -> str | None:
    """The table of quotations: each span sits directly inside quotation marks."""
    return _first(pkg, lambda r: r.span is not None and r.span.inside_quotation_marks)


def quote_mark_pair_tables(pkg: Package) -> list[str]:
    """Span tables whose spans take both quotation marks of a pair or neither (every span table but the quotes,
    which sit inside the marks)."""
    return [n for n in pkg.tables if _res(n) and _res(n).span and not _res(n).span.inside_quotation_marks]


OPEN_MARKS, CLOSE_MARKS = "“‘\"", "”’\""  # the marks a quotation sits directly inside
PAIRED_MARKS = (("“", "”"),)  # marks a span holds both of or neither
SYMMETRIC_MARKS = ('"',)  # the same mark opens and closes: a span holds an even number


def coverage_tables(pkg: Package) -> list[str]:
    """The span tables whose spans cover an article's sentences (else the sentence is listed as excluded)."""
    return [n for n in pkg.tables if _res(n) and _res(n).span and _res(n).span.covers_sentences]


# ---- entities ---------------------------------------------------------------------------------------------------
def entity_tables(pkg: Package) -> dict[str, str]:
    """Entity table -> its id column."""
    return {n: _res(n).primary_key[0] for n in pkg.tables if _res(n) and _res(n).entity}


def entity_kind(table: str) -> str | None:
    """The entity's kind as the reference file names it."""
    res = _res(table)
    return res.entity if res else None


def mention_table(pkg: Package) -> str | None:
    """The table that must name every entity at least once (by the entity's id column)."""
    return _first(pkg, lambda r: r.names_entities)


def country_fields(table: Table) -> list[str]:
    """Fields holding ISO 3166-1 alpha-2 codes."""
    res = _res(table)
    return [f.name for f in res.fields if f.kind == "iso-country"] if res else []


def qid_fields(table: Table) -> tuple[str, str] | None:
    """(QID, its confidence) of an entity table."""
    res = _res(table)
    if res is None:
        return None
    qid = next((f.name for f in res.fields if f.kind == "wikidata-qid"), None)
    confidence = next((f.name for f in res.fields if f.vocabulary is QID_CONFIDENCE), None)
    return (qid, confidence) if qid and confidence else None


def identifier_fields(table: Table) -> dict[str, str]:
    """External identifier columns of an entity table -> the reference file's column they are copied from."""
    res = _res(table)
    return {f.name: f.reference_column for f in res.fields if f.reference_column} if res and res.entity else {}


# ---- sources, quotes, events, claims ------------------------------------------------------------------------------
def sources_table(pkg: Package) -> str | None:
    """The table of articles: each row names a text file, its sha256 and its length in code points."""
    return _first(pkg, lambda r: any(f.kind == "text-path" for f in r.fields))


def source_columns(pkg: Package) -> columns.SourceColumns:
    return columns.sources()


@dataclass(frozen=True)
class QuoteEventCols:
    """The columns the quote-event check reads: the quotations, their speakers and event, and the events' evidence."""

    quotes: str  # the quotations table
    event: str  # its column naming the event a quotation was said at
    speakers: tuple[str, ...]  # its speaker columns: a row with none set (a scare quote) has no attribution
    evidence: str  # the table of spans that refer to events
    evidence_event: str  # its column naming the event


def quote_event_columns(pkg: Package) -> QuoteEventCols | None:
    """A quote takes the event its attribution names (CURATION.md §6): the quotes' said-at column, the event evidence
    table and its event column (the evidence table of the table that column references), from the model."""
    quotes = _first(pkg, lambda r: r.said_at is not None and r.span is not None)
    if quotes is None:
        return None
    res = _res(quotes)
    target = res.field(res.said_at).references  # "events.event_id"
    evidence = _first(pkg, lambda r: r.span is not None and r.evidence_of == target.split(".")[0])
    if evidence is None:
        return None
    column = next(f.name for f in _res(evidence).fields if f.references == target)
    speakers = tuple(res.utterance[1]) if res.utterance else ()
    return QuoteEventCols(quotes, res.said_at, speakers, evidence, column)


@dataclass(frozen=True)
class SpeechActCols:
    """The columns the reporter-voice check reads: the claims, their speech-act types, and their evidence."""

    claims: str  # the claims table
    key: str  # its id column
    type: str  # its column whose vocabulary marks the speech-act values
    speech_acts: tuple[str, ...]  # those values (statement, denial)
    evidence: str  # the claims' evidence table
    claim: str  # its column naming the claim
    person: str  # its attribution columns
    org: str
    description: str
    sources: str  # the articles' table
    group: str  # its independence-group column: the outlets an article may relay


def speech_act_columns(pkg: Package) -> SpeechActCols | None:
    """Evidence of a speech-act claim is in the reporter's voice (CURATION.md §7): the claims' type column and its
    speech-act values, the evidence's attribution columns, and the independence groups (the relays allowed)."""
    evidence = _first(pkg, lambda r: r.attribution is not None and r.evidence_of is not None)
    sources = sources_table(pkg)
    if evidence is None or sources is None or _res(evidence).evidence_of not in pkg.tables:
        return None
    ev, claims = _res(evidence), _res(_res(evidence).evidence_of)
    kind = next((f for f in claims.fields if f.vocabulary is not None and f.vocabulary.speech_acts), None)
    group = next((f.name for f in _res(sources).fields if f.kind == "independence-group"), None)
    if kind is None or group is None:
        return None
    key = claims.primary_key[0]
    claim = next(f.name for f in ev.fields if f.references == f"{claims.name}.{key}")
    a = ev.attribution
    return SpeechActCols(claims.name, key, kind.name, kind.vocabulary.speech_acts, evidence, claim, a.person, a.org,
                         a.description, sources, group)


def utterance_columns(table: Table) -> tuple[str, list[str]] | None:
    """(utterance group column, speaker columns): the rows of one utterance group have one speaker."""
    res = _res(table)
    return (res.utterance[0], list(res.utterance[1])) if res and res.utterance else None


def _is_events(res: Resource) -> bool:
    return any(f.kind == "edtf-date" for f in res.fields)


def _plover_field(res: Resource):
    """The column derived as the PLOVER category of another (vocabulary) column, or None."""
    return next((f for f in res.fields if f.derived and f.derived["rule"] == "plover"), None)


def event_columns() -> columns.EventColumns:
    return columns.events()


def events_table(pkg: Package) -> str | None:
    return _first(pkg, _is_events)


def plover_mapping(table: Table) -> dict:
    """event type -> PLOVER category, from the model's vocabulary of the column plover_type is derived from."""
    res = _res(table)
    derived = _plover_field(res) if res else None
    return res.field(derived.derived["from"][0]).vocabulary.plover if derived else {}


def evidence_pairs(pkg: Package) -> list[tuple[str, str, str]]:
    """(parent, evidence table, key column): every parent row has at least one evidence row."""
    out = []
    for n in pkg.tables:
        res = _res(n)
        if res and res.evidence_of and res.evidence_of in pkg.tables:
            key = _res(res.evidence_of).primary_key[0]
            out.append((res.evidence_of, n, key))
    return out


def _claims(res: Resource) -> bool:
    return any(f.derived and f.derived["rule"] == "claim-status" for f in res.fields)


def claim_status_columns() -> columns.ClaimStatusColumns:
    return columns.claim_status()


def claim_status_tables(pkg: Package) -> tuple[str, str, str] | None:
    """(claims, their evidence, sources): the tables derive.claim_status_column reads."""
    claims = _first(pkg, _claims)
    evidence = next((n for n in pkg.tables if _res(n) and _res(n).evidence_of == claims), None) if claims else None
    sources = sources_table(pkg)
    return (claims, evidence, sources) if claims and evidence and sources else None


def key_columns(pkg: Package, table: Table) -> set[str]:
    """The columns of a table in a key: its primary and unique keys, its foreign keys, and the columns other tables'
    foreign keys reference (the SQL of the checks across tables joins and reports on them as text)."""
    out = set(table.primary_key) | {c for uk in table.unique_keys for c in uk}
    for fk in table.foreign_keys:
        out.update([fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"])
    for other in pkg.tables.values():
        for fk in other.foreign_keys:
            if (fk["reference"].get("resource") or other.name) == table.name:
                ref = fk["reference"]["fields"]
                out.update([ref] if isinstance(ref, str) else ref)
    return out


def read_across_tables(pkg: Package, table: Table) -> set[str]:
    """The columns of a table that a check across tables may read (keys, references, span offsets, identifiers,
    the claim-status, reporter's-voice and quote-event columns): kept when a large table's other columns are let go
    after its own checks. A check across tables that reads another column must add it here."""
    out = key_columns(pkg, table)
    span = span_columns(table)
    if span:
        out.update((span.source, span.start, span.end))
    out.update(c for c in (qid_fields(table) or ()) if c)
    out.update(identifier_fields(table))
    c, s = claim_status_columns(), columns.sources()
    out.update((c.status, c.key, *c.evidence_columns, s.id, s.group))
    if table.name == sources_table(pkg):
        c = source_columns(pkg)
        out.update((c.id, c.path, c.sha256, c.char_count))
    utterance = utterance_columns(table)
    if utterance:
        out.update((utterance[0], *utterance[1]))
    speech = speech_act_columns(pkg)  # the reporter's voice: claim types, the evidence's attribution, the groups
    if speech:
        out.update((speech.key, speech.type, speech.claim, speech.person, speech.org, speech.description, speech.group))
    said = quote_event_columns(pkg)  # a quote's event and its speakers, against the event evidence
    if said:
        out.update((said.event, *said.speakers, said.evidence_event))
    if table.name == events_table(pkg):  # its dates and parent chains (events.py, after the table's own checks)
        e = event_columns()
        out.update((e.id, e.parent, e.date, e.earliest, e.latest))
    return out
