"""Quotations: each quote span sits directly inside quotation marks, an utterance group has one speaker, a scare
quote has none, a quote takes the event its attribution names; and every other span takes both quotation marks of a
pair or neither."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .. import kernels as pc
from ..sql import key_text
from ..tabular import int64_array, value_codes
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


def _sentence_ranges(bounds: dict, source: np.ndarray, start: np.ndarray, end: np.ndarray):
    """Per row, the first and last index of the sentences its span [start, end) overlaps (last < first: none, or an
    unknown source or an invalid span). bounds: source index -> (sentence starts, sentence ends), each ascending.

    One search for all sources at once: their bounds laid end to end, each source's from an origin one past the
    previous one's end (its last end + 1), and each span clipped to its source's end, which changes no count of
    bounds below it. tests/test_fast_checks.py holds it to the search source by source."""
    first, last = np.zeros(len(source), dtype=np.int64), np.full(len(source), -1, dtype=np.int64)
    if not bounds or not len(source):
        return first, last
    keys = sorted(bounds)
    count = np.array([len(bounds[k][0]) for k in keys], dtype=np.int64)
    starts = np.concatenate([bounds[k][0] for k in keys]).astype(np.int64)
    ends = np.concatenate([bounds[k][1] for k in keys]).astype(np.int64)
    before = np.cumsum(count) - count  # sentences of the sources laid before
    end_of = np.where(count > 0, ends[np.maximum(before + count - 1, 0)] if len(ends) else 0, 0) + 1  # last end + 1
    origin = np.cumsum(end_of + 1) - (end_of + 1)
    all_starts, all_ends = starts + np.repeat(origin, count), ends + np.repeat(origin, count)
    slot_of = np.full(max(keys) + 1, -1, dtype=np.int64)
    slot_of[keys] = np.arange(len(keys))
    known = (source >= 0) & (source < len(slot_of))
    slot = np.where(known, slot_of[np.where(known, source, 0)], -1)
    rows = np.flatnonzero((slot >= 0) & (start >= 0) & (start < end))
    k = slot[rows]
    at = lambda x: origin[k] + np.minimum(x[rows], end_of[k])  # noqa: E731
    first[rows] = np.searchsorted(all_ends, at(start), side="right") - before[k]  # the first sentence that ends after the span starts
    last[rows] = np.searchsorted(all_starts, at(end), side="left") - 1 - before[k]  # the last that starts before it ends
    return first, last


def _pairs(source: np.ndarray, first: np.ndarray, last: np.ndarray):
    """(row, source, sentence) for every sentence of every row's range."""
    count = np.maximum(last - first + 1, 0)
    row = np.repeat(np.arange(len(source)), count)
    sentence = np.repeat(first, count) + np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return row, source[row], sentence


# (row, its event, the events its sentences are evidence of) for each quote whose event is none of them
QUOTE_EVENT_SQL = ("SELECT q.row, any_value(q.event), string_agg(DISTINCT e.event, ', ' ORDER BY e.event) FROM __quote_sentences q "
                   "JOIN __evidence_sentences e ON e.src = q.src AND e.sentence = q.sentence AND e.event IS NOT NULL "
                   "GROUP BY q.row HAVING NOT bool_or(e.event IS NOT DISTINCT FROM q.event) ORDER BY 1")


def check_quote_event(ctx) -> list[Problem]:
    """A quote whose sentence is event evidence takes that event (CURATION.md §6): where an event evidence span of the
    same article overlaps a sentence (text.sentences) that the quote overlaps, the quote's event is one of those
    events. Quotes without a speaker (scare quotes) name no attribution and are left alone."""
    cols, articles = roles.quote_event_columns(ctx.pkg), ctx.output("texts")
    states = [ctx.output("table", n) for n in (cols.quotes, cols.evidence)] if cols else []
    if not cols or articles is None or any(getattr(s, "typed", None) is None for s in states):
        return []
    texts, (quotes, evidence) = articles.texts, (s.typed for s in states)
    t = ctx.pkg.table(cols.quotes)
    qc, ec = roles.span_columns(t), roles.span_columns(ctx.pkg.table(cols.evidence))

    def ranges(d, c):
        source = texts.source_index(d.column(c.source))
        start, end = (pc.fill_null(d.column(x), -1).to_numpy().astype(np.int64) for x in (c.start, c.end))
        return source, *_sentence_ranges(bounds, source, start, end)

    used = set((np.flatnonzero(np.bincount(texts.source_index(quotes.column(qc.source)) + 1)) - 1).tolist()) - {-1}
    bounds = {}
    for k in sorted(used):
        _, starts, ends = texts.sentences(k)
        bounds[k] = (starts, ends) if len(starts) else (np.zeros(1, np.int64), np.zeros(1, np.int64))  # no sentence: [(0, 0)]
    spoken = np.zeros(quotes.num_rows, dtype=bool)
    for col in cols.speakers:
        spoken |= pc.is_valid(quotes.column(col)).to_numpy(zero_copy_only=False)
    q_source, q_first, q_last = ranges(quotes, qc)
    q_last = np.where(spoken, q_last, -1)
    q_row, q_src, q_sentence = _pairs(q_source, q_first, q_last)
    e_row, e_src, e_sentence = _pairs(*ranges(evidence, ec))
    if not len(q_row) or not len(e_row):
        return []
    if ctx.screens:
        q_code, e_code = _event_codes(quotes.column(cols.event), evidence.column(cols.evidence_event))
        width = int(max(q_sentence.max(), e_sentence.max())) + 1  # a (source, sentence) pair as one integer
        if quote_event_screen(q_row, q_src * width + q_sentence, q_code[q_row], e_src * width + e_sentence, e_code[e_row]):
            return []
    q_row, q_src, q_sentence, e_row, e_src, e_sentence = map(int64_array, (q_row, q_src, q_sentence, e_row, e_src, e_sentence))
    quote_sentences = pa.table({"row": q_row, "src": q_src, "sentence": q_sentence,
                                "event": pc.cast(pc.take(quotes.column(cols.event), q_row), pa.string())})
    evidence_sentences = pa.table({"src": e_src, "sentence": e_sentence,
                                   "event": pc.cast(pc.take(evidence.column(cols.evidence_event), e_row), pa.string())})
    ctx.con.register("__quote_sentences", quote_sentences)
    ctx.con.register("__evidence_sentences", evidence_sentences)
    found = ctx.con.execute(QUOTE_EVENT_SQL).fetchall()
    keys = quotes.column(t.primary_key[0])
    return [Problem(layer="domain", code="quote-event", file=ctx.rel(t.csv_path), table=t.name, row=row + 1,
                    key=keys[row].as_py(), field=cols.event, value=event,
                    expected=f"an event its sentence is evidence of ({cols.evidence}): {events}")
            for row, event, events in found]


def _event_codes(*columns) -> list:
    """Each column's events as integer codes that are equal exactly where the events are (one dictionary for all the
    columns), -1 for none."""
    codes, n = value_codes(*(pc.cast(c, pa.string()) for c in columns))
    return [np.where(c == n, -1, c) for c in codes]


def quote_event_screen(q_row: np.ndarray, q_pair: np.ndarray, q_event: np.ndarray, e_pair: np.ndarray,
                       e_event: np.ndarray) -> bool:
    """True only when QUOTE_EVENT_SQL would find no row, from integers (no DuckDB, no text): each quote sentence's row,
    (source, sentence) pair and event code, and each evidence sentence's pair and event code (a code is equal exactly
    where the events are; -1 for none). Every quote row that shares a pair with event evidence shares one with
    evidence of its own event. A pair and a code make one integer, pair * slots + code, with one slot more than the
    codes in use (so a quote of no event lands where no evidence can); False (the query then decides) if that could
    pass 62 bits."""
    slots = int(max(q_event.max(initial=-1), e_event.max(initial=-1))) + 2  # the codes 0..slots - 2, and one more
    if (int(max(q_pair.max(initial=0), e_pair.max(initial=0))) + 1) * slots >= 2**62:
        return False
    evidence = e_event >= 0  # evidence of no event joins nothing
    e_pair, e_triple = e_pair[evidence], e_pair[evidence] * slots + e_event[evidence]
    if not len(e_pair) or not len(q_row):
        return True
    q_triple = q_pair * slots + q_event  # a quote of no event (-1) matches nothing: its code part is slots - 1
    shares = pc.is_in(int64_array(q_pair), value_set=int64_array(e_pair)).to_numpy(zero_copy_only=False)
    matches = pc.is_in(int64_array(q_triple), value_set=int64_array(e_triple)).to_numpy(zero_copy_only=False)
    return screens.all_in(int64_array(q_row[shares]), int64_array(q_row[matches]))


def _quote_event_reads(pkg, _t) -> list[str]:
    cols = roles.quote_event_columns(pkg)
    return [cols.quotes, cols.evidence] if cols else []


CHECKS = [
    Check("quote-marks", check_quote_marks, ("quote-marks",), needs=("table", "texts"), per_table=True, applies=_is_quotes,
          over_batches=True),
    Check("utterances", check_utterances, ("utterance-speakers",), needs=("table",), per_table=True,
          applies=lambda pkg, t: roles.utterance_columns(t) is not None),
    Check("quote-pairs", check_quote_pairs, ("span-quote-pair",), needs=("table",), per_table=True,
          applies=lambda pkg, t: t.name in roles.quote_mark_pair_tables(pkg), over_batches=True),
    Check("quote-event", check_quote_event, ("quote-event",), needs=("table", "texts"), reads=_quote_event_reads),
]
