"""The model's building blocks: vocabularies, fields, spans and resources, and their published forms.

A `Field` knows its Table Schema form (`to_table_schema`), its Arrow type and its DuckDB type; a `Resource` knows
its Table Schema (with foreign keys derived from the fields that reference other tables). pandera schemas are built
from the same objects in `vostochny_summit.dataframe_schemas`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

SLUG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"  # every identifier: lowercase kebab-case (CURATION.md §0)
SLUG_WORDS = "a slug: lower-case letters and digits joined by single hyphens, such as kim-jong-un"

# Table Schema type -> its type in Arrow (pyarrow factory), DuckDB, polars, SQLite (declared type and what typeof()
# returns), Croissant and Spark. The one type mapping of the package: Parquet, pandas (pd.ArrowDtype of the Arrow
# type), polars, DuckDB, the SQLite export, croissant.json and the Spark test all read it from here.
TYPES = {
    "string": {"arrow": "string", "duckdb": "VARCHAR", "polars": "String", "sqlite": "TEXT", "sqlite_typeof": "text",
               "croissant": "sc:Text", "spark": "StringType"},
    "integer": {"arrow": "int64", "duckdb": "BIGINT", "polars": "Int64", "sqlite": "INTEGER",
                "sqlite_typeof": "integer", "croissant": "sc:Integer", "spark": "LongType"},
    "number": {"arrow": "float64", "duckdb": "DOUBLE", "polars": "Float64", "sqlite": "REAL", "sqlite_typeof": "real",
               "croissant": "sc:Float", "spark": "DoubleType"},
    "boolean": {"arrow": "bool_", "duckdb": "BOOLEAN", "polars": "Boolean", "sqlite": "INTEGER",
                "sqlite_typeof": "integer", "croissant": "sc:Boolean", "spark": "BooleanType"},
    "date": {"arrow": "date32", "duckdb": "DATE", "polars": "Date", "sqlite": "TEXT", "sqlite_typeof": "text",
             "croissant": "sc:Date", "spark": "DateType"},
}


@dataclass(frozen=True)
class Term:
    """One value of a vocabulary, with its label (and its PLOVER category or speech-act flag where the vocabulary has them)."""

    value: str
    label: str
    plover: str | None = None  # PLOVER category, for event types
    speech_act: bool = False  # claim types: a claim that something was said (its evidence is in the reporter's voice)


@dataclass(frozen=True)
class Vocabulary:
    """A closed list of values with labels, defined once and used by every field that takes it."""

    name: str
    terms: tuple[Term, ...]

    @property
    def values(self) -> list[str]:
        return [t.value for t in self.terms]

    @property
    def plover(self) -> dict[str, str]:
        """value -> PLOVER category, for the values that have one (event types)."""
        return {t.value: t.plover for t in self.terms if t.plover}

    @property
    def speech_acts(self) -> tuple[str, ...]:
        """The values that say a claim is about a speech act (claim types `statement`, `denial`)."""
        return tuple(t.value for t in self.terms if t.speech_act)


def vocabulary(name: str, *terms: tuple | Term) -> Vocabulary:
    """vocabulary("stance", ("supports", "Asserts the claim."), …); a third item is the PLOVER category; a Term is
    taken as it is (for the flags a tuple does not spell)."""
    return Vocabulary(name, tuple(t if isinstance(t, Term) else Term(*t) for t in terms))


@dataclass(frozen=True)
class Field:
    """One column. `kind` names its role, so that code never has to guess it from a pattern or a table name:
    "id" (the row's own slug identifier), "ref" (a slug naming a row of another table: `references`), "slug",
    "span-source" / "span-start" / "span-end" / "span-text", "vocabulary", "iso-country", "wikidata-qid",
    "edtf-date", "web-address" (a URL), "language-tag" (BCP 47), "text" (free text), "value" (anything else); two
    vocabulary columns name a role of their own: "evidence-stance" (how an evidence row bears on the row it is evidence
    of, e.g. supports or refutes a claim) and "exclusion-reason" (why a span is deliberately left out of coverage)."""

    name: str
    type: str
    description: str
    kind: str = "value"
    required: bool = False
    unique: bool = False
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    vocabulary: Vocabulary | None = None
    references: str | None = None  # "table.field"
    derived: dict | None = None  # {"rule": …, "from": […]}: written by build, never by hand
    format: str | None = None
    reference_column: str | None = None  # the column of data/reference/entity-identifiers.csv it is copied from
    pattern_words: str | None = None  # what `pattern` asks for, in words, for people reading a report (never a regex)
    searchable: bool = False  # prose worth a full-text index (the SQLite export's FTS tables, the site's search)

    def but(self, **changes) -> Field:
        """This field with some attributes changed (a per-table override)."""
        return replace(self, **changes)

    @property
    def enum(self) -> list[str] | None:
        return self.vocabulary.values if self.vocabulary else None

    @property
    def expects(self) -> str | None:
        """The pattern in words: the field's own, or the slug's."""
        return self.pattern_words or (SLUG_WORDS if self.pattern == SLUG_PATTERN else None)

    @property
    def is_slug(self) -> bool:
        return self.pattern == SLUG_PATTERN

    @property
    def arrow_type(self):
        import pyarrow as pa

        return getattr(pa, TYPES[self.type]["arrow"])()

    @property
    def polars_type(self):
        import polars as pl

        return getattr(pl, TYPES[self.type]["polars"])

    @property
    def duckdb_type(self) -> str:
        return TYPES[self.type]["duckdb"]

    @property
    def constraints(self) -> dict:
        c: dict = {}
        if self.required:
            c["required"] = True
        if self.pattern:
            c["pattern"] = self.pattern
        if self.unique:
            c["unique"] = True
        if self.minimum is not None:
            c["minimum"] = self.minimum
        if self.maximum is not None:
            c["maximum"] = self.maximum
        if self.min_length is not None:
            c["minLength"] = self.min_length
        if self.vocabulary:
            c["enum"] = self.vocabulary.values
        return c

    def to_table_schema(self) -> dict:
        out: dict = {"name": self.name, "type": self.type, "description": self.description}
        if self.format:
            out["format"] = self.format
        if self.vocabulary:
            out["categories"] = [{"value": t.value, "label": t.label} for t in self.vocabulary.terms]
        if self.constraints:
            out["constraints"] = self.constraints
        if self.vocabulary and self.vocabulary.plover:
            out["x-plover"] = self.vocabulary.plover
        if self.derived:
            out["x-derived"] = self.derived
        return out


@dataclass(frozen=True)
class Span:
    """The four columns that point at characters of an article: article[start:end] == text."""

    source: str = "source_id"
    start: str = "char_start"
    end: str = "char_end"
    text: str = "text"
    inside_quotation_marks: bool = False  # quotes: the span sits directly inside the marks
    covers_sentences: bool = False  # its spans count for sentence coverage (every sentence covered or excluded)
    label: str | None = None  # the column that says how the span bears on what it points at (a stance, a reason, a
    # role): the span's label in the exports (spaCy, W3C annotations)


@dataclass(frozen=True)
class Attribution:
    """The columns that say who in the text asserts a row; all empty = the article's own voice (CURATION.md §7)."""

    person: str
    org: str
    description: str


@dataclass(frozen=True)
class Resource:
    """One table: its fields in file order, keys, and the row rules a single frame can check on its own."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    unique_keys: tuple[tuple[str, ...], ...] = ()
    span: Span | None = None
    rules: tuple = ()  # model.rules objects
    entity: str | None = None  # for entity tables: what one row is ("person", "organization", "place")
    evidence_of: str | None = None  # every row of that table needs at least one row here (claims, events)
    names_entities: bool = False  # every row of every entity table needs at least one row here
    utterance: tuple[str, tuple[str, ...]] | None = None  # (group column, speaker columns): one speaker per group
    label: str | None = None  # the column that says in words what one row is (a name, a title, a statement): what a
    # reader is shown for the row (Datasette's label column, the dataset card, W3C annotation bodies)
    relayed_by: str | None = None  # the column naming the outlet a row is relayed from (it counts in that outlet's group)
    said_at: str | None = None  # quotes: the column naming the event a quotation was said at (its attribution's event)
    attribution: Attribution | None = None  # evidence: who in the text asserts it (speech acts: the reporter, §7)

    @property
    def asserted_by(self) -> tuple[str, ...]:
        """The columns saying who in the text asserts a row (the attribution's); all empty: the article itself."""
        a = self.attribution
        return (a.person, a.org, a.description) if a else ()

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")

    def field_of_kind(self, kind: str) -> Field | None:
        """The first field of that kind, None if there is none (model.columns asks for exactly one where the code
        needs it; the exports ask this, where a missing kind leaves a part out)."""
        return next((f for f in self.fields if f.kind == kind), None)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def foreign_keys(self) -> list[dict]:
        out = []
        for f in self.fields:
            if f.references:
                table, column = f.references.split(".")
                out.append({"fields": [f.name], "reference": {"resource": table, "fields": [column]}})
        return out

    def to_table_schema(self) -> dict:
        out: dict = {
            "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
            "title": self.title,
            "description": self.description,
            "fields": [f.to_table_schema() for f in self.fields],
            "missingValues": [""],
            "primaryKey": list(self.primary_key),
        }
        if self.unique_keys:
            out["uniqueKeys"] = [list(k) for k in self.unique_keys]
        if self.foreign_keys:
            out["foreignKeys"] = self.foreign_keys
        return out
