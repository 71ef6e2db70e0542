"""What the site shows, read from a sealed package and asked of the model.

`Site` holds every table the model knows (rows from its Parquet file, in primary-key order), the article texts and
their sentences, which tables get a page (`TableView.folder`), and every reference back to a page's row. No table or
column is named here: a table's pages, a row's label, a span, a stance, an exclusion reason and who asserts a row are
all declarations of the model (`Resource.label`, `Resource.span`, `Resource.entity`, `Resource.evidence_of`,
`Resource.asserted_by`, `Field.kind`, `Field.references`, `Field.vocabulary`).
"""

from __future__ import annotations

import bisect
import csv
import functools
from dataclasses import dataclass, field, replace

from ...articles import read_text, sentences
from ...model import RETIRED_IDS_FILE, Field, Resource
from ...package import Package
from ...sql import key_text

ARTICLES = "articles"  # the folder of the pages of the articles' table (its other tables' folders are their names)
STANCE = "evidence-stance"  # the kind of the column that says how an evidence row bears on its row
SPAN_KINDS = ("span-source", "span-start", "span-end", "span-text")
CONTEXT_CHARS = 320  # at most this many characters of sentence context on either side of a span


def humanize(column: str) -> str:
    """A column's name as a reader's label: `speaker_person_id` -> `speaker person`."""
    return column.removesuffix("_id").replace("_", " ")


def precision(edtf: str) -> str:
    """The precision of an EDTF level-0 date: day, month, year, or an interval of two of them."""
    if "/" in edtf:
        return "interval (" + " to ".join(precision(part) for part in edtf.split("/")) + ")"
    return {10: "day", 7: "month"}.get(len(edtf), "year")


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def spoken_date(edtf: str) -> str:
    """An EDTF level-0 date as words at its own precision: `2023-09-13` -> `13 September 2023`, `2023-09` ->
    `September 2023`, `2018/2019` -> `2018 to 2019`."""
    if "/" in edtf:
        return " to ".join(spoken_date(part) for part in edtf.split("/"))
    parts = edtf.split("-")
    words = [parts[0]]
    if len(parts) > 1:
        words.insert(0, MONTHS[int(parts[1]) - 1])
    if len(parts) > 2:
        words.insert(0, str(int(parts[2])))
    return " ".join(words)


@dataclass(frozen=True)
class Cell:
    """One value of a row as the site shows it: a column's label, the text, and where it links."""

    name: str
    text: str
    href: str | None = None  # a page of the site (relative to its root), or an outside address when `external`
    hint: str | None = None  # what a vocabulary value means, a date's precision
    qid: str | None = None  # the Wikidata item of a referenced entity
    external: bool = False


@dataclass
class TableView:
    """One table: its model, its rows, and the folder of its pages (None: its rows have no pages)."""

    res: Resource
    title: str
    rows: list[dict]
    folder: str | None = None
    by_id: dict[str, dict] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.res.name

    @property
    def key(self) -> str:
        return self.res.primary_key[0]

    @functools.cached_property
    def by_source(self) -> dict[str, list[dict]]:
        """A span table's rows per article, in stored order (grouped once, not scanned again for every article)."""
        out: dict[str, list[dict]] = {}
        for r in self.rows:
            out.setdefault(r[self.res.span.source], []).append(r)
        return out

    def row_id(self, row: dict) -> str:
        """The row's primary key, its values joined with '/' (a span's key names its article and start)."""
        return key_text(row[k] for k in self.res.primary_key)

    def anchor(self, row: dict) -> str:
        """The id of a span's mark in its article page: `<table>:<row id>`."""
        return f"{self.name}:{self.row_id(row)}"

    def label(self, row: dict) -> str:
        return (row.get(self.res.label) if self.res.label else None) or self.row_id(row)

    def page(self, row: dict) -> str | None:
        return f"{self.folder}/{row[self.key]}.html" if self.folder else None

    def kind_field(self, kind: str) -> Field | None:
        return self.res.field_of_kind(kind)


class Site:
    """Everything the pages are made of, read once."""

    def __init__(self, pkg: Package):
        import pyarrow.parquet as pq

        self.pkg = pkg
        self.tables: dict[str, TableView] = {}
        for name, t in pkg.tables.items():
            if t.model is not None:
                self.tables[name] = TableView(t.model, t.model.title, pq.read_table(t.parquet_path).to_pylist())
        self.sources = next(tv for tv in self.tables.values() if tv.kind_field("text-path"))
        path = self.sources.kind_field("text-path").name
        self.texts = {row[self.sources.key]: read_text(pkg.root / row[path]) for row in self.sources.rows}
        self.sentences = {sid: sentences(text) for sid, text in self.texts.items()}
        self.sentence_starts = {sid: [s for s, _ in spans] for sid, spans in self.sentences.items()}
        evidenced = {tv.res.evidence_of for tv in self.tables.values()}
        for tv in self.tables.values():
            if tv is self.sources:
                tv.folder = ARTICLES
            elif tv.res.entity or tv.name in evidenced:
                tv.folder = tv.name
            if tv.folder:
                tv.by_id = {row[tv.key]: row for row in tv.rows}
        self.back: dict[tuple[str, str], list[tuple[TableView, Field, dict]]] = {}
        for tv in self.tables.values():
            for f in tv.res.fields:
                target = self.target(f)
                if target is None:
                    continue
                for row in tv.rows:
                    if row[f.name] is not None:
                        self.back.setdefault((target.name, row[f.name]), []).append((tv, f, row))

    # ---- the model's roles --------------------------------------------------------------------------------------
    def target(self, f: Field) -> TableView | None:
        """The table with pages whose row a reference column names, or None."""
        if not f.references:
            return None
        table, column = f.references.split(".")
        tv = self.tables.get(table)
        return tv if tv is not None and tv.folder and column == tv.key else None

    @property
    def page_tables(self) -> list[TableView]:
        return [tv for tv in self.tables.values() if tv.folder]

    @property
    def span_tables(self) -> list[TableView]:
        return [tv for tv in self.tables.values() if tv.res.span]

    def evidence_tables(self, tv: TableView) -> list[TableView]:
        return [e for e in self.tables.values() if e.res.evidence_of == tv.name]

    def status_field(self, tv: TableView) -> Field | None:
        """The vocabulary column derived from a table's evidence (a claim's status), or None."""
        evidence = {e.name for e in self.evidence_tables(tv)}
        return next((f for f in tv.res.fields if f.vocabulary and f.derived and evidence & set(f.derived["from"])),
                    None)

    def layer(self, tv: TableView) -> str:
        """How a span table's marks look: a name of its role (names entities, quotation, excluded, evidence)."""
        if tv.res.names_entities:
            return "mention"
        if tv.res.span.inside_quotation_marks:
            return "quote"
        if tv.kind_field("exclusion-reason"):
            return "excluded"
        if tv.res.evidence_of:
            return "evidence"
        return "other"

    # ---- rows as the reader sees them ---------------------------------------------------------------------------
    def ref(self, f: Field, value) -> Cell:
        target = self.target(f)
        row = target.by_id.get(value) if target else None
        if row is None:
            return Cell(humanize(f.name), str(value))
        qid = target.kind_field("wikidata-qid")
        return Cell(humanize(f.name), target.label(row), target.page(row), qid=row[qid.name] if qid else None)

    def cell(self, f: Field, value) -> Cell:
        name = humanize(f.name)
        if f.references:
            return self.ref(f, value)
        if f.vocabulary:
            return Cell(name, value, hint=next((t.label for t in f.vocabulary.terms if t.value == value), None))
        if f.kind == "wikidata-qid":
            return Cell(name, value, f"https://www.wikidata.org/wiki/{value}", external=True)
        if f.kind == "geonames-id":
            return Cell(name, str(value), f"https://www.geonames.org/{value}", external=True)
        if f.kind == "edtf-date":
            return Cell(name, spoken_date(value), hint=f"{value}, precision: {precision(value)}")
        if f.format == "uri":
            return Cell(name, value, value, external=True)
        return Cell(name, value.isoformat() if hasattr(value, "isoformat") else str(value))

    def cells(self, tv: TableView, row: dict, skip=()) -> list[Cell]:
        """Every set value of a row but the span's columns and `skip`; who asserts it where the table says."""
        out = []
        for f in tv.res.fields:
            if f.name in skip or f.kind in SPAN_KINDS or f.name in tv.res.asserted_by or row[f.name] is None:
                continue
            if tv.folder and f.name in (tv.key, tv.res.label):
                continue  # shown as the page's id and heading, or as the link's text
            out.append(self.cell(f, row[f.name]))
        if tv.res.asserted_by:
            out.append(self.asserted(tv, row))
        return out

    def brief(self, tv: TableView, row: dict) -> list[Cell]:
        """What a link to a row with a page of its own says besides its label: its date and its status."""
        status = self.status_field(tv)
        return [self.cell(f, row[f.name]) for f in tv.res.fields
                if (f.kind == "edtf-date" or f is status) and row[f.name] is not None]

    def asserted(self, tv: TableView, row: dict) -> Cell:
        """Who in the text asserts a row: the first of the table's attribution columns that is set, else the article."""
        for name in tv.res.asserted_by:
            if row[name] is not None:
                return replace(self.cell(tv.res.field(name), row[name]), name="asserted by")
        return Cell("asserted by", "the article itself")

    def stance(self, tv: TableView, row: dict) -> str | None:
        f = tv.kind_field(STANCE)
        return row[f.name] if f else None

    def context(self, tv: TableView, row: dict) -> tuple[str, str, str, str, str]:
        """(lead, before, span, after, tail): the sentences around a span, cut to CONTEXT_CHARS each side
        (lead/tail are '…' where cut)."""
        span = tv.res.span
        sid, start, end = row[span.source], row[span.start], row[span.end]
        text, sents, starts = self.texts[sid], self.sentences[sid], self.sentence_starts[sid]
        i = max(bisect.bisect_right(starts, start) - 1, 0)  # the sentence the span starts in
        j = max(bisect.bisect_left(starts, end) - 1, i)  # the sentence it ends in
        lo, hi = min(start, sents[i][0]), max(end, sents[j][1])
        lead, tail = "", ""
        if start - lo > CONTEXT_CHARS:
            lo, lead = start - CONTEXT_CHARS, "…"
        if hi - end > CONTEXT_CHARS:
            hi, tail = end + CONTEXT_CHARS, "…"
        return lead, text[lo:start], text[start:end], text[end:hi], tail

    def article(self, tv: TableView, row: dict) -> Cell:
        """The article a span is in: its id and headline, and its page."""
        src = self.sources.by_id[row[tv.res.span.source]]
        label = self.sources.label(src)
        text = src[self.sources.key] + ("" if label == src[self.sources.key] else f" · {label}")
        return Cell(humanize(tv.res.span.source), text, self.sources.page(src))

    def mark_href(self, tv: TableView, row: dict) -> str:
        """The address of a span's mark in its article page (relative to the site's root)."""
        article = self.sources.by_id[row[tv.res.span.source]]
        return f"{self.sources.page(article)}#{tv.anchor(row)}"

    def click_target(self, tv: TableView, row: dict) -> str | None:
        """Where a click on a span's mark goes: the page of the first row it names (a claim, an entity, …)."""
        for f in tv.res.fields:
            if f.kind not in SPAN_KINDS and self.target(f) and row[f.name] is not None:
                target = self.target(f)
                return target.page(target.by_id[row[f.name]])
        return None

    @functools.cached_property
    def retired(self) -> list[dict]:
        """The retired ids (RETIRED_IDS_FILE), each with the page of its replacement when it has one (read once: the
        index lists them and each gets a page)."""
        path = self.pkg.root / RETIRED_IDS_FILE
        if not path.is_file():
            return []
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for r in rows:
            tv = self.tables.get(r.get("table", ""))
            new = tv.by_id.get(r.get("replaced_by") or "") if tv else None
            r["href"] = tv.page(new) if new else None
        return rows
