"""The span rows with what each one means, for the exports that anchor rows in the article texts (spaCy, W3C Web
Annotation). A helper of the export formats (it declares no FORMAT).

Everything is asked of the model, never of a table or column name: the span tables are the resources with a `span`;
an article is a row of the table with a `text-path` field; a row's entity is the entity table its reference columns
point at (for an utterance table, its speaker columns); what a row is evidence of is `Resource.evidence_of`; a row is
shown by `Resource.label`; a span's label is, in this order, its `Span.label` column, the kind of entity it names
(`Resource.entity`), its speaker (`Resource.utterance`), or the id of the row it is evidence of.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from ..articles import read_text
from ..model import RESOURCES, Resource, entity_tables, span_tables
from ..package import Package
from ..sql import key_text


@dataclass(frozen=True)
class Article:
    """One article, as the span exports cite it."""

    source_id: str
    text: str
    sha256: str
    path: str
    title: str | None
    url: str | None
    language: str | None
    columns: dict = field(repr=False, compare=False)  # the article's id, title, URL, language and text SHA-256, by
    # the model's column names



@dataclass(frozen=True)
class Entity:
    """The person, organization or place a span names."""

    table: str
    id: str
    kind: str  # Resource.entity: person, organization, place
    name: str | None
    qid: str | None


@dataclass(frozen=True)
class Row:
    """A row of another table that a span is evidence of (a claim, an event), with the words that say what it is."""

    table: str
    id: str
    label: str | None


@dataclass(frozen=True)
class SpanRow:
    """One span row of any table, with its label and the entity it names."""

    table: str
    id: str  # the row's id, or its primary key values joined with "/"
    source_id: str
    start: int
    end: int
    text: str
    label: str
    entity: Entity | None  # the entity the span names, who speaks it or who in the text asserts it
    target: Row | None  # the row it is evidence of
    row: dict = field(repr=False, compare=False)

    @property
    def kb_id(self) -> str:
        """The id of the row it is evidence of (a claim, an event), else the entity's id, else ""."""
        return self.target.id if self.target else self.entity.id if self.entity else ""


def row_key(res: Resource, row: dict) -> str:
    return key_text(row[k] for k in res.primary_key)


def _kind(res: Resource, kind: str) -> str | None:
    f = res.field_of_kind(kind)
    return f.name if f else None


class Spans:
    """The package's span tables, read once, with every row's meaning resolved."""

    def __init__(self, pkg: Package):
        self.pkg = pkg
        self._rows: dict[str, list[dict]] = {}
        self._labels: dict[tuple[str, str], str] = {}

    def read(self, name: str) -> list[dict]:
        if name not in self._rows:
            import pyarrow.parquet as pq

            self._rows[name] = pq.ParquetFile(self.pkg.table(name).parquet_path).read().to_pylist()
        return self._rows[name]

    @cached_property
    def articles(self) -> dict[str, Article]:
        res = next(r for r in RESOURCES.values() if _kind(r, "text-path") and r.name in self.pkg.tables)
        path, sha, url, lang = (_kind(res, k) for k in ("text-path", "text-sha256", "web-address", "language-tag"))
        shown = [c for c in (res.primary_key[0], res.label, url, lang, sha) if c]
        out = {}
        for row in self.read(res.name):
            sid = row[res.primary_key[0]]
            out[sid] = Article(sid, read_text(self.pkg.root / row[path]), row[sha], row[path],
                               (row[res.label] or None) if res.label else None, (row[url] or None) if url else None,
                               row[lang] if lang else None, {c: row[c] or None for c in shown})
        return out

    @cached_property
    def entities(self) -> dict[tuple[str, str], Entity]:
        """(table, id) -> the entity."""
        out = {}
        for name, res in entity_tables().items():
            qid = _kind(res, "wikidata-qid")
            for row in self.read(name):
                eid = row[res.primary_key[0]]
                out[name, eid] = Entity(name, eid, res.entity, row[res.label] if res.label else None,
                                        row[qid] if qid else None)
        return out

    def labelled(self, table: str, rid: str) -> Row:
        res = RESOURCES[table]
        if res.label and (table, rid) not in self._labels:
            self._labels.update({(table, r[res.primary_key[0]]): r[res.label] for r in self.read(table)})
        return Row(table, rid, self._labels.get((table, rid)))

    def tables(self) -> list[str]:
        """The span tables, in descriptor order."""
        known = span_tables()
        return [n for n in self.pkg.tables if n in known]

    def rows(self, name: str) -> list[SpanRow]:
        """Every row of span table `name`, by article, start, end and id."""
        res = RESOURCES[name]
        span = res.span
        entity_refs = [f for f in res.fields if f.kind == "ref" and f.references.split(".")[0] in entity_tables()]
        if res.utterance:  # who speaks: only the speaker columns name the row's entity
            entity_refs = [f for f in entity_refs if f.name in res.utterance[1]]
        target = next((f for f in res.fields if res.evidence_of and f.references
                       and f.references.split(".")[0] == res.evidence_of), None)
        out = []
        for row in self.read(name):
            ref = next((f for f in entity_refs if row[f.name]), None)
            entity = self.entities[ref.references.split(".")[0], row[ref.name]] if ref else None
            evidence_of = self.labelled(res.evidence_of, row[target.name]) if target else None
            if span.label:
                label = row[span.label]
            elif res.names_entities and entity:
                label = entity.kind
            elif res.utterance:
                label = next((row[c] for c in res.utterance[1] if row[c]), "")
            elif evidence_of:
                label = evidence_of.id
            else:
                label = ""
            out.append(SpanRow(name, row_key(res, row), row[span.source], row[span.start], row[span.end],
                               row[span.text], label, entity, evidence_of, row))
        return sorted(out, key=lambda s: (s.source_id, s.start, s.end, s.id))
