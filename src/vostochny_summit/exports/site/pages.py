"""Each page of the site as the data its template shows: the index, an article, and a row with a page (a claim, an
entity, an event). The templates (templates/) only lay these out; every value comes from `content.Site`."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .content import STANCE, Cell, Site, TableView, humanize
from .marks import Mark, render


@dataclass(frozen=True)
class Item:
    """One row shown in a list: its label, its page or mark, its values, and its span in sentence context."""

    label: str
    href: str | None
    cells: list[Cell]
    context: tuple | None = None  # (lead, before, span, after, tail)
    mark: str | None = None  # the address of its mark in the article
    article: Cell | None = None  # the article a span is in
    anchor: str | None = None  # the id of its description (article pages)
    start: int | None = None
    end: int | None = None
    stance: str | None = None
    key: str | None = None  # the row's id
    chars: str | None = None  # a span's text (article pages)


@dataclass(frozen=True)
class Group:
    """A headed list of items on a page."""

    heading: str
    items: list[Item]
    key: str = ""  # a value the group stands for (a stance, a status), for its class name
    hint: str | None = None


def _item(site: Site, tv: TableView, row: dict, skip=()) -> Item:
    """A row as a list item; a span comes with its article, its sentence context and the address of its mark.
    A row without a page of its own shows its id beside its article (not among its values)."""
    own = () if tv.folder else tuple(f.name for f in tv.res.fields if f.kind == "id")
    cells = site.brief(tv, row) if tv.folder else site.cells(tv, row, (*skip, *own))
    key = tv.row_id(row) if own else None
    if tv.res.span is None:
        return Item(tv.label(row), tv.page(row), cells, key=key)
    return Item(tv.label(row), tv.page(row), cells, site.context(tv, row), site.mark_href(tv, row),
                site.article(tv, row), stance=site.stance(tv, row), key=key)


def _vocabulary_groups(items: list[tuple[Item, str | None]], f) -> list[Group]:
    """Items grouped by a vocabulary column, in the vocabulary's order (only values that occur)."""
    return [Group(t.value, [i for i, v in items if v == t.value], t.value, t.label)
            for t in f.vocabulary.terms if any(v == t.value for _, v in items)]


def row_page(site: Site, tv: TableView, row: dict) -> dict:
    """A claim, an entity or an event: its values, its evidence (by stance), and every row that names it."""
    back = site.back.get((tv.name, row[tv.key]), [])
    evidence, groups = [], []
    seen: dict[tuple[str, str], Group] = {}
    for other, f, r in back:
        if other.res.evidence_of == tv.name:
            evidence.append((other, r, f))
            continue
        key = (other.name, f.name)
        if key not in seen:
            if other is tv:
                heading = f"{other.title} whose {humanize(f.name)} is this one"
            elif f.name == tv.key:
                heading = other.title  # the column is named after this table's key: no need to say which
            else:
                heading = f"{other.title} · {humanize(f.name)}"
            seen[key] = Group(heading, [])
            groups.append(seen[key])
        seen[key].items.append(_item(site, other, r, skip=(f.name,)))
    evidence_groups = []
    for e in site.evidence_tables(tv):
        stance = e.kind_field(STANCE)
        skip = (stance.name,) if stance else ()
        items = [(_item(site, e, r, skip=(f.name, *skip)), site.stance(e, r)) for other, r, f in evidence if other is e]
        if stance:
            evidence_groups += _vocabulary_groups(items, stance)
        elif items:
            evidence_groups.append(Group(e.title, [i for i, _ in items]))
    status = site.status_field(tv)
    return {"tv": tv, "row": row, "heading": tv.label(row), "id": row[tv.key],
            "cells": site.cells(tv, row, skip=(status.name,) if status else ()),
            "status_cell": site.cell(status, row[status.name]) if status else None,
            "evidence": evidence_groups, "evidence_total": sum(len(g.items) for g in evidence_groups), "groups": groups}


def article_page(site: Site, row: dict) -> dict:
    """An article: its values, its text with every span marked, and every span described (what the marks point at)."""
    src = site.sources
    sid = row[src.key]
    marks, lists, legend = [], [], {}
    for order, tv in enumerate(site.span_tables):
        span = tv.res.span
        rows = list(tv.by_source.get(sid, ()))  # a copy: sorted below
        if not rows:
            continue
        layer = site.layer(tv)
        note = tv.kind_field("exclusion-reason")
        items = []
        rows.sort(key=lambda r: (r[span.start], -r[span.end]))
        for n, r in enumerate(rows):
            anchor = tv.anchor(r)
            stance = site.stance(tv, r)
            classes = f"m {layer}" + (f" stance-{stance}" if stance else "")
            legend_key = (layer, stance or "", tv.title)
            legend[legend_key] = legend.get(legend_key, 0) + 1
            href = site.click_target(tv, r)
            data = [("table", tv.name), ("id", tv.row_id(r)), ("start", str(r[span.start])), ("end", str(r[span.end]))]
            if href:
                data.append(("href", href))
            if note:
                data.append(("note", r[note.name]))
            marks.append(Mark(r[span.start], r[span.end], order * 1_000_000 + n, classes, tuple(data), anchor,
                              f"row-{anchor}", underlined=layer == "evidence"))
            items.append(Item(tv.row_id(r), href, site.cells(tv, r), anchor=anchor, start=r[span.start],
                              end=r[span.end], stance=stance, chars=r[span.text]))
        lists.append(Group(tv.title, items, layer))
    html, lanes = render(site.texts[sid], marks)
    legend_rows = [{"layer": k[0], "tone": k[1], "table": k[2], "count": v} for k, v in legend.items()]
    return {"row": row, "heading": src.label(row), "id": sid, "cells": site.cells(src, row), "marked": html,
            "lanes": lanes, "spans": lists, "legend": legend_rows}


def index_page(site: Site, site_title: str) -> dict:
    d = site.pkg.descriptor
    counts = [{"caption": tv.title, "rows": len(tv.rows), "href": f"#{tv.folder}" if tv.folder else None}
              for tv in site.tables.values()]
    sections = []
    for tv in site.page_tables:
        ordered = _ordered(site, tv)
        items = [Item(tv.label(r), tv.page(r), [], key=r[tv.key]) for r in ordered]
        status = site.status_field(tv)
        if status:
            pairs = [(i, r[status.name]) for i, r in zip(items, ordered, strict=True)]
            groups = _vocabulary_groups(pairs, status)
        else:
            groups = [Group("", items)]
        opening = {}
        if tv is site.sources:
            opening = {r[tv.key]: " ".join(site.texts[r[tv.key]][:160].split()) for r in tv.rows}
        sections.append({"tv": tv, "id": tv.folder, "groups": groups, "opening": opening})
    status_first = sorted(sections, key=lambda s: not any(g.key for g in s["groups"]))
    return {"heading": site_title, "about": d.get("description", ""), "counts": counts, "sections": status_first,
            "retired": site.retired}


def _ordered(site: Site, tv: TableView) -> list[dict]:
    """A table's rows for a list: by date where the table has one (undated last), else as stored (by key)."""
    earliest = tv.kind_field("edtf-earliest")
    if earliest is None:
        return tv.rows
    return sorted(tv.rows, key=lambda r: (r[earliest.name] is None, r[earliest.name] or 0, tv.label(r)))


def search_index(site: Site) -> str:
    """The search index as a script that sets a global (a page opened from file:// may not fetch a JSON file):
    [kind, label, address, more text] for every row with a page and every quotation."""
    entries = []
    for tv in site.page_tables:
        text = [f.name for f in tv.res.fields if f.type == "string" and f.required and f.pattern is None
                and f.vocabulary is None and f.name != tv.res.label]  # required free text: a summary, a description
        for r in tv.rows:
            entries.append([tv.title, tv.label(r), tv.page(r), " ".join([r[tv.key]] + [r[c] or "" for c in text])])
    for tv in site.span_tables:
        if tv.res.span.inside_quotation_marks:
            for r in tv.rows:
                who = " ".join(c.text for c in site.cells(tv, r))
                entries.append([tv.title, r[tv.res.span.text], site.mark_href(tv, r), f"{tv.row_id(r)} {who}"])
    body = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f"window.VS_SEARCH = {body};\n"
