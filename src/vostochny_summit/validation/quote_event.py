"""A quote takes the event its attribution names (CURATION.md §6): where an event evidence span of the same article
overlaps a sentence (text.sentences) that a quote with a speaker overlaps, the quote's event is one of those events.

Sentences are matched as integers: each span's first and last sentence by one binary search over every distinct
article's sentences (_sentence_ranges), each (article, sentence) pair one integer. The Arrow screen (quote_event_screen) clears
a valid package without DuckDB, reading the event evidence whole, or in a bounded run ranges.ROWS rows at a time; the
query (QUOTE_EVENT_SQL) names the quotes where the screen cannot clear them."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .. import kernels as pc
from ..codes import int64_array
from . import ranges, roles, screens
from .engine import Check
from .problem import Problem


def _sentence_ranges(bounds: dict, source: np.ndarray, start: np.ndarray, end: np.ndarray):
    """Per row, the first and last index of the sentences its span [start, end) overlaps (last < first: none, or an
    unknown source or an invalid span). bounds: source index -> (sentence starts, sentence ends), each ascending.
    tests/test_fast_checks.py holds it to the search source by source."""
    return _search(_lay_out(bounds), source, start, end)


def _lay_out(bounds: dict) -> tuple:
    """bounds laid end to end for one search over all sources at once (_search), made once per check: each distinct
    pair of arrays once (texts of one sha256 share theirs, span_index.Texts.sentences: 34,000 copies of the five
    articles at 10.9 M rows are five texts' sentences, not 1.36 M), each from an origin one past the previous one's
    end (its last end + 1). Returns (the slot of each source index, -1 for none; and per slot: the sentences laid
    before, its last end + 1, its origin; every sentence's start and end, shifted by its origin)."""
    if not bounds:
        return None
    keys = sorted(bounds)
    slots: dict[int, tuple] = {}  # id of a source's starts -> (its slot, its arrays); they stay alive in bounds meanwhile
    slot_of = np.full(max(keys) + 1, -1, dtype=np.int64)
    slot_of[keys] = [slots.setdefault(id(bounds[k][0]), (len(slots), bounds[k]))[0] for k in keys]
    distinct = [arrays for _, arrays in slots.values()]  # in slot order
    count = np.array([len(b[0]) for b in distinct], dtype=np.int64)
    starts = np.concatenate([b[0] for b in distinct]).astype(np.int64)
    ends = np.concatenate([b[1] for b in distinct]).astype(np.int64)
    before = np.cumsum(count) - count  # sentences of the slots laid before
    end_of = np.where(count > 0, ends[np.maximum(before + count - 1, 0)] if len(ends) else 0, 0) + 1  # last end + 1
    origin = np.cumsum(end_of + 1) - (end_of + 1)
    return slot_of, before, end_of, origin, starts + np.repeat(origin, count), ends + np.repeat(origin, count)


def _search(laid, source: np.ndarray, start: np.ndarray, end: np.ndarray):
    """_sentence_ranges in bounds laid out by _lay_out: each span clipped to its source's end, which changes no count
    of bounds below it."""
    first, last = np.zeros(len(source), dtype=np.int64), np.full(len(source), -1, dtype=np.int64)
    if laid is None or not len(source):
        return first, last
    slot_of, before, end_of, origin, all_starts, all_ends = laid
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

    def spans(d, c):  # each row's source, and its first and last sentence
        source = texts.source_index(d.column(c.source))
        start, end = (pc.fill_null(d.column(x), -1).to_numpy().astype(np.int64) for x in (c.start, c.end))
        return source, *_search(laid, source, start, end)

    used = set((np.flatnonzero(np.bincount(texts.source_index(quotes.column(qc.source)) + 1)) - 1).tolist()) - {-1}
    bounds = {}
    for k in sorted(used):
        _, starts, ends = texts.sentences(k)
        bounds[k] = (starts, ends) if len(starts) else (np.zeros(1, np.int64), np.zeros(1, np.int64))  # no sentence: [(0, 0)]
    laid = _lay_out(bounds)
    spoken = np.zeros(quotes.num_rows, dtype=bool)
    for col in cols.speakers:
        spoken |= pc.is_valid(quotes.column(col)).to_numpy(zero_copy_only=False)
    q_source, q_first, q_last = spans(quotes, qc)
    q_last = np.where(spoken, q_last, -1)
    q_row, q_src, q_sentence = _pairs(q_source, q_first, q_last)
    if not len(q_row):
        return []
    if ctx.screens:
        parts = (_pairs(*spans(part, ec)) + (part.column(cols.evidence_event),) for part in
                 ranges.slices(evidence.select([ec.source, ec.start, ec.end, cols.evidence_event]), ctx.drop_pages))
        if quote_event_screen(q_row, q_src, q_sentence, quotes.column(cols.event), parts):
            return []
    e_row, e_src, e_sentence = _pairs(*spans(evidence, ec))
    if not len(e_row):
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


def quote_event_screen(q_row: np.ndarray, q_src: np.ndarray, q_sentence: np.ndarray, q_events, parts) -> bool:
    """True only when QUOTE_EVENT_SQL would find no row, from integers (no DuckDB, no text): every quote row that
    shares a (source, sentence) pair with event evidence shares one with evidence of its own event.

    q_row, q_src, q_sentence: each quote sentence's row, source and sentence; q_events: the quotes' event column (by
    row); parts: (row, source, sentence, the part's event column) of the evidence sentences, the whole evidence or a
    range of it at a time. An event's code is its place among the quotes' events, one code for any other event (no
    quote can take it), -1 for none. A pair and a code make one integer, pair * slots + code, with one slot more than
    the codes in use (so a quote of no event lands where no evidence can); False (the query then decides) if that could
    pass 62 bits. Evidence past the quotes' last source or sentence can share no pair with a quote and is left out."""
    names = pc.unique(pc.drop_null(pc.cast(q_events, pa.string())))
    slots = len(names) + 2  # the quotes' events, one code for any other event, and one more
    last_src, width = int(q_src.max()), int(q_sentence.max()) + 1
    if (last_src + 1) * width * slots >= 2**62:
        return False
    q_code = pc.fill_null(pc.index_in(pc.cast(q_events, pa.string()), value_set=names), -1).to_numpy(zero_copy_only=False)
    q_pair = q_src * width + q_sentence
    q_pairs, q_triples = int64_array(q_pair), int64_array(q_pair * slots + q_code[q_row])
    shares, matches = np.zeros(len(q_row), dtype=bool), np.zeros(len(q_row), dtype=bool)
    for e_row, e_src, e_sentence, events in parts:
        text = pc.cast(events, pa.string())
        code = pc.fill_null(pc.index_in(text, value_set=names), len(names)).to_numpy(zero_copy_only=False).astype(np.int64)
        code = np.where(pc.is_valid(text).to_numpy(zero_copy_only=False), code, -1)[e_row]
        keep = (code >= 0) & (e_src <= last_src) & (e_sentence < width)  # no event joins nothing; nor evidence where
        # no quote is (past the last sentence its pair would stand for another source's)
        e_pair = e_src[keep] * width + e_sentence[keep]
        shares |= pc.is_in(q_pairs, value_set=int64_array(e_pair)).to_numpy(zero_copy_only=False)
        matches |= pc.is_in(q_triples, value_set=int64_array(e_pair * slots + code[keep])).to_numpy(zero_copy_only=False)
    return screens.all_in(int64_array(q_row[shares]), int64_array(q_row[matches]))


def _quote_event_reads(pkg, _t) -> list[str]:
    cols = roles.quote_event_columns(pkg)
    return [cols.quotes, cols.evidence] if cols else []


CHECKS = [Check("quote-event", check_quote_event, ("quote-event",), needs=("table", "texts"), reads=_quote_event_reads)]
