"""Walking large columns in row ranges, for the checks across tables of a bounded run: each range's mapped pages
(spill.py) leave the process before the next range's come, so that what a check holds stays about one range, not its
tables' whole columns.

A table in canonical form stands in key order, so two tables joined by a key (the claims and their evidence) can be
walked side by side: a range of one, and the rows of the other between the range's first and last key, found by
binary search. Where the columns do not stand so, the callers fall back to the whole columns (the same answer)."""

from __future__ import annotations

import bisect
from typing import Callable, Iterator

# rows a bounded run's check across tables reads at a time. 1 << 19 until the eighteenth round (benchmarks/notes.md):
# 1 << 18 holds a smaller range of the claims' evidence (claim-status, the largest), peak 334 -> 271 MiB at 3.28 M rows
# and 418 -> 371 MiB at 10.9 M rows, for wall 0.96 and 1.01 (medians of 12 and 5 pairs)
ROWS = 1 << 18


def bounds(n: int, rows: int | None = None) -> Iterator[tuple[int, int]]:
    """(first, end) of each range of `rows` (default ROWS) rows of n."""
    rows = rows or ROWS
    for lo in range(0, n, rows):
        yield lo, min(lo + rows, n)


def slices(col, drop: Callable[[], None] | None) -> Iterator:
    """The column whole (drop None: an unbounded run), or range by range, with drop() (the spill's drop_pages) called
    after each range has been used."""
    if drop is None or len(col) <= ROWS:
        yield col
        return
    for lo, hi in bounds(len(col)):
        yield col.slice(lo, hi - lo)
        drop()


def values(col, drop: Callable[[], None], skip_nulls: bool = False) -> Iterator:
    """A long column a range at a time, drop() after each range is used: ROWS rows at a time, or with skip_nulls
    (a foreign key's nulls name no row) its non-null values, gathered from as many ranges of rows as hold about ROWS
    of them (copies, with drop() after each range read): a column mostly null is walked in as few ranges as its values
    need."""
    if not (skip_nulls and col.null_count):
        for part in slices(col, drop):
            yield part
        return
    import pyarrow as pa

    from .. import kernels as pc

    gathered, held = [], 0
    for lo, hi in bounds(len(col)):
        part = pc.drop_null(col.slice(lo, hi - lo))
        drop()
        gathered += part.chunks if isinstance(part, pa.ChunkedArray) else [part]
        held += len(part)
        if held >= ROWS or (hi == len(col) and held):
            yield pa.chunked_array(gathered, col.type)
            gathered, held = [], 0


def ascending(col, strict: bool = False, drop: Callable[[], None] | None = None) -> bool:
    """The column has no null and its values stand in ascending order (strictly: no two equal), bytewise for text as
    Arrow compares it; with drop, read range by range (each range overlaps the next by one row)."""
    from .. import kernels as pc

    if col.null_count:
        return False
    test = pc.less if strict else pc.less_equal
    n = len(col)
    step = max(n, 1) if drop is None else ROWS
    for lo in range(0, max(n - 1, 0), step):
        hi = min(lo + step, n - 1)
        ok = bool(pc.all(test(col.slice(lo, hi - lo), col.slice(lo + 1, hi - lo))).as_py())
        if drop is not None:
            drop()
        if not ok:
            return False
    return True


def after(col, value, lo: int = 0) -> int:
    """The first position from lo of an ascending column whose value sorts after value (Python compares text by code
    point, as Arrow compares its UTF-8 bytes)."""
    return bisect.bisect_right(col, value, lo, key=_value)


def at_least(col, value, lo: int = 0) -> int:
    """The first position from lo of an ascending column whose value does not sort before value."""
    return bisect.bisect_left(col, value, lo, key=_value)


def _value(scalar):
    return scalar.as_py()
