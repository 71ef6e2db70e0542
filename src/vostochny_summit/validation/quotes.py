"""Quotations: each quote span sits directly inside quotation marks, an utterance group has one speaker, a scare
quote has none (the event a quote takes: quote_event.py); and every other span takes both quotation marks of a pair or
neither."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .. import kernels as pc
from ..sql import key_text
from . import roles, screens
from .byte_scans import row_mask
from .engine import Check
from .problem import Problem
from .sql import key_sql, q, rows
from .string_scans import occurrences


def _is_quotes(pkg, t) -> bool:
    return t.name == roles.quote_table(pkg)


def check_quote_marks(ctx) -> list[Problem]:
    """The characters before and at the end of each quote span are quotation marks (compared as bytes for all rows at
    once; spans out of bounds are reported by the span check)."""
    t, state, articles = ctx.table, ctx.output("table"), ctx.output("texts")
    if state is None or state.typed is None or articles is None:
        return []
    c, d, texts = roles.span_columns(t), state.typed, articles.texts
    start, end = (pc.fill_null(d.column(x), -1).to_numpy() for x in (c.start, c.end))
    source = texts.source_index(d.column(c.source))
    inside = (source >= 0) & (0 < start) & (start < end) & (end < texts.length[np.where(source >= 0, source, 0)])
    before, after = texts.chars_at(source, start - 1, inside), texts.chars_at(source, end, inside)
    opens = pc.is_in(before, value_set=pa.array([m.encode() for m in roles.OPEN_MARKS], pa.binary()))
    closes = pc.is_in(after, value_set=pa.array([m.encode() for m in roles.CLOSE_MARKS], pa.binary()))
    ok = pc.and_(opens, closes).to_numpy(zero_copy_only=False)
    keys = d.column(t.primary_key[0])
    return [Problem(code="quote-marks", file=ctx.rel(t.csv_path), table=t.name, row=i + 1, key=keys[i].as_py(),
                    field=c.start, value=f"{before[i].as_py().decode()}…{after[i].as_py().decode()}",
                    expected="the span to sit directly inside quotation marks (“…”, ‘…’, \"…\")")
            for i in np.flatnonzero(inside & ~ok).tolist()]


def check_utterances(ctx) -> list[Problem]:
    t, state = ctx.table, ctx.output("table")
    if state is None or state.raw is None:
        return []
    group, speakers = roles.utterance_columns(t)
    if ctx.screens and _one_speaker_each(state.raw, group, speakers):
        return []
    who = " || '|' || ".join(f"coalesce({q(s)}, '')" for s in speakers)
    return rows(ctx, "utterance-speakers", t,
                f"SELECT __row, {key_sql(t)}, coalesce({', '.join(q(s) for s in speakers)}) FROM {q(t.name)} WHERE {q(group)} IN "
                f"(SELECT {q(group)} FROM {q(t.name)} WHERE {q(group)} IS NOT NULL GROUP BY 1 HAVING count(DISTINCT {who}) > 1) ORDER BY 1",
                group, "one speaker per utterance group")


def _one_speaker_each(raw: pa.Table, group: str, speakers: list[str]) -> bool:
    """Every utterance group has one combination of speaker cells (the query would list no row)."""
    return screens.one_value_per_group(raw.column(group), [raw.column(s) for s in speakers])


def check_quote_pairs(ctx) -> list[Problem]:
    """A span holding an opening mark of a pair holds its closing one, and the reverse (“ before ”; an even number of ")."""
    t, state = ctx.table, ctx.output("table")
    if state is None or state.typed is None:
        return []
    text = roles.span_columns(t).text
    col = state.typed.column(text)
    if not pa.types.is_string(col.type):
        col = pc.cast(col, pa.string())
    bad = np.zeros(len(col), dtype=bool)
    for opening, closing in roles.PAIRED_MARKS:
        (n_open, first_open), (n_close, first_close) = occurrences(col, opening), occurrences(col, closing)
        bad |= (n_open != n_close) | ((n_open > 0) & (first_close < first_open))
    for mark in roles.SYMMETRIC_MARKS:
        bad |= occurrences(col, mark)[0] % 2 == 1
    found = np.flatnonzero(bad).tolist()
    keys = pc.filter(state.typed.select(t.primary_key), row_mask(len(col), found)).to_pylist() if found else []
    return [Problem(code="span-quote-pair", file=ctx.rel(t.csv_path), table=t.name, row=i + 1,
                    key=key_text(keys[j].values()),
                    field=text, value=col[i].as_py(), expected="both quotation marks of a pair (“…”, \"…\") inside the span, or neither")
            for j, i in enumerate(found)]


CHECKS = [
    Check("quote-marks", check_quote_marks, ("quote-marks",), needs=("table", "texts"), per_table=True, applies=_is_quotes,
          over_batches=True),
    Check("utterances", check_utterances, ("utterance-speakers",), needs=("table",), per_table=True,
          applies=lambda pkg, t: roles.utterance_columns(t) is not None, keys_only=True),  # kept columns (roles.py)
    Check("quote-pairs", check_quote_pairs, ("span-quote-pair",), needs=("table",), per_table=True,
          applies=lambda pkg, t: t.name in roles.quote_mark_pair_tables(pkg), over_batches=True),
]
