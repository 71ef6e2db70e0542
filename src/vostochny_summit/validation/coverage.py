"""Sentence coverage: every sentence of every article overlaps claim evidence, a quote or an excluded span
(spans.uncovered: a running maximum over the spans sorted by source and start, no join)."""

from __future__ import annotations

import numpy as np

from . import ranges, roles
from .engine import Check
from .problem import Problem
from .span_index import uncovered
from .sql import q


def _reads(pkg, _t) -> list[str]:
    return roles.coverage_tables(pkg)


def check_coverage(ctx) -> list[Problem]:
    articles, names = ctx.output("texts"), roles.coverage_tables(ctx.pkg)
    if articles is None or not names or any(getattr(ctx.output("table", n), "raw", None) is None for n in names):
        return []
    texts = articles.texts
    keys: dict[int, int] = {}  # the texts' sentence keys (equal texts share one) -> this check's own numbering
    sent_key, sent_s, sent_e, source_key = [], [], [], []
    for i in range(len(texts.ids)):
        key, starts, ends = texts.sentences(i)
        if key not in keys:
            keys[key] = len(keys)
            sent_key.append(np.full(len(starts), keys[key], dtype=np.int64))
            sent_s.append(starts)
            sent_e.append(ends)
        source_key.append(keys[key])
    sent_key, sent_s, sent_e = (np.concatenate(x) if x else np.zeros(0, np.int64) for x in (sent_key, sent_s, sent_e))
    source_key = np.array(source_key, dtype=np.int64)
    first = np.searchsorted(sent_key, np.arange(len(keys)))
    count = np.diff(np.append(first, len(sent_key)))[source_key]
    pair_source = np.repeat(np.arange(len(source_key)), count)
    pair_sentence = np.arange(count.sum())  # each source's sentences: its key's, from the first on
    pair_sentence += np.repeat(first[source_key] - (np.cumsum(count) - count), count)
    pair_start, pair_end = sent_s[pair_sentence], sent_e[pair_sentence]
    bare = np.ones(len(pair_source), dtype=bool)
    for spans in _spans(ctx, names):  # a sentence is covered when the spans of some part cover it
        span_source = texts.source_index(spans.column("src"))
        known = span_source >= 0  # spans of unknown sources cover nothing (the foreign-key check reports them)
        starts, ends = (spans.column(c).to_numpy() for c in ("cs", "ce"))
        bare &= uncovered(pair_source, pair_start, pair_end, span_source[known], starts[known], ends[known])
    pairs = zip(pair_source[bare].tolist(), pair_sentence[bare].tolist())
    found = sorted(((texts.ids[j], int(sent_s[k]), int(sent_e[k])) for j, k in pairs),
                   key=lambda x: (x[0] is None, x[0] or "", x[1], x[2]))  # a source without an id sorts last
    out = []
    for sid, s, e in found:
        body = texts.text(sid)
        out.append(Problem(code="uncovered-sentence", file=f"{articles.files[sid]} ({sid})", value=f"[{s}:{e}] {body[s:e][:60]}",
                           expected="the sentence covered by claim evidence or a quote, or listed in excluded_spans"))
    return out


def _spans(ctx, names):
    """The spans of the tables (src, cs, ce; both ends set), a part at a time: from a table's typed columns, without a
    query (in a bounded run, ranges.ROWS rows at a time, each range's pages let go after it); from its text by a query
    (TRY_CAST) with --exhaustive or when the table could not be typed."""
    import pyarrow as pa

    from .. import kernels as pc

    for n in names:
        state, c = ctx.output("table", n), roles.span_columns(ctx.pkg.table(n))
        d = state.typed
        if not ctx.screens or d is None or not pa.types.is_int64(d.schema.field(c.start).type) \
                or not pa.types.is_int64(d.schema.field(c.end).type):
            got = ctx.con.sql(f"SELECT {q(c.source)}::VARCHAR AS src, TRY_CAST({q(c.start)} AS BIGINT) AS cs, "
                              f"TRY_CAST({q(c.end)} AS BIGINT) AS ce FROM {q(n)} WHERE cs IS NOT NULL AND ce IS NOT NULL").to_arrow_table()
            types = {"src": pa.string(), "cs": pa.int64(), "ce": pa.int64()}
            yield pa.table({x: pc.cast(got.column(x), types[x]) for x in types})
            continue
        for part in ranges.slices(d.select([c.source, c.start, c.end]), ctx.drop_pages):
            part = pa.table({"src": pc.cast(part.column(c.source), pa.string()), "cs": part.column(c.start),
                             "ce": part.column(c.end)})
            if part.column("cs").null_count or part.column("ce").null_count:  # else every row stays: no copy
                part = pc.filter(part, pc.and_(pc.is_valid(part.column("cs")), pc.is_valid(part.column("ce"))))
            yield part


CHECKS = [Check("coverage", check_coverage, ("uncovered-sentence",), needs=("table", "texts"), reads=_reads)]
