"""Screens: Arrow computations that prove a rule or a query would find nothing, so that a small package (where a
DuckDB query's fixed cost is most of its time, and importing DuckDB most of a run) needs no query when it is valid.

Each screen answers "may some row fail?" and is exact where it answers no: it clears only what the SQL would not
report. Where it answers yes (or cannot tell: a value it cannot cast), the SQL runs as before and reports the rows,
so the problems are always the SQL's. tests/test_fast_checks.py holds every screen to its SQL on random values.

Arrow's regular expressions are RE2, as DuckDB's are; regexp_full_match(x, p) is a partial match of ^(?:p)$.
"""

from __future__ import annotations

import pyarrow as pa

from .. import kernels as pc
from ..codes import ascending_runs, code_chunks
from ..model import SLUG_PATTERN
from . import ranges
from .string_scans import all_slugs


def _any(mask) -> bool:
    return bool(pc.any(pc.fill_null(mask, False)).as_py())


def full_match(col, pattern: str):
    """regexp_full_match(col, pattern), null where col is null."""
    return pc.match_substring_regex(col, pattern=f"^(?:{pattern})$")


def breaks_pattern(name: str, pattern: str, date: bool = False):
    """Screen of `col IS NOT NULL AND (NOT regexp_full_match(col, pattern) [OR TRY_CAST(col AS DATE) IS NULL])`
    (and of the same without the null test: a null cell makes both conditions null, which counts no row)."""
    slug = pattern == SLUG_PATTERN  # the ids' pattern: read from the bytes first (string_scans.all_slugs)

    def screen(data: pa.Table) -> bool:
        col = data.column(name)
        if not (slug and all_slugs(col)) and _any(pc.invert(full_match(col, pattern))):
            return True
        if date:
            # raises on a value Arrow cannot read as a date (then the SQL decides); Arrow and DuckDB read a
            # YYYY-MM-DD date the same way within years 1..9999, and a year outside them is left to DuckDB
            return not within_years(pc.cast(col, pa.date32()))
        return False
    return screen


FIRST_DAY, LAST_DAY = -719162, 2932896  # 0001-01-01 and 9999-12-31, in days since 1970-01-01 (date32)


def within_years(dates) -> bool:
    """Every date of a date32 column lies in years 1..9999 (compared as day numbers: pc.year imports dateutil)."""
    if len(dates) == dates.null_count:
        return True
    days = pc.min_max(pc.cast(dates, pa.int32())).as_py()
    return FIRST_DAY <= days["min"] and days["max"] <= LAST_DAY


def outside(name: str, values):
    """Screen of `col NOT IN (values)` (string values only: the caller gives no screen otherwise)."""
    value_set = pa.array([str(v) for v in values], pa.string())

    def screen(data: pa.Table) -> bool:
        col = data.column(name)
        return _any(pc.and_(pc.is_valid(col), pc.invert(pc.is_in(col, value_set=value_set))))
    return screen


def beyond(name: str, op: str, limit, number_pattern: str):
    """Screen of `TRY_CAST(col AS DOUBLE) < limit` (op "<") or `> limit`: every value a plain decimal number (the
    number type's pattern, so no NaN or infinity, which DuckDB orders above every number) and none beyond."""
    def screen(data: pa.Table) -> bool:
        col = data.column(name)
        if _any(pc.invert(full_match(col, number_pattern))):
            return True
        x, bound = pc.cast(col, pa.float64()), pa.scalar(float(limit), pa.float64())
        return _any(pc.less(x, bound) if op == "<" else pc.greater(x, bound))
    return screen


def length_beyond(name: str, op: str, k: int):
    """Screen of `length(col) < k` (op "<") or `length(col) > k`, in code points. A value's bytes, read from its
    offsets alone, bound its code points (one to four bytes each): every value of at least 4k bytes has k code
    points or more, every value of at most k bytes has k or fewer; only when the bytes cannot tell are the code points
    counted (a scan of every byte: 8 ms of the screens' 36 at 1.09 M rows)."""
    def screen(data: pa.Table) -> bool:
        size = pc.min_max(pc.binary_length(data.column(name))).as_py()
        if size["min"] is None or (size["min"] >= 4 * k if op == "<" else size["max"] <= k):
            return False
        n = pc.utf8_length(data.column(name))
        bound = pa.scalar(k, n.type)  # typed scalars: converting a bare Python value imports dateutil
        return _any(pc.less(n, bound) if op == "<" else pc.greater(n, bound))
    return screen


def differs_from_mapping(source: str, target: str, mapping: dict):
    """Screen of `target IS DISTINCT FROM (CASE source WHEN k THEN v … END)` (NULL where source is unmapped)."""
    keys = pa.array(list(mapping), pa.string())
    values = pa.array(list(mapping.values()) + [None], pa.string())

    def screen(data: pa.Table) -> bool:
        have = data.column(target)
        want = pc.take(values, pc.fill_null(pc.index_in(data.column(source), value_set=keys), len(mapping)))
        same = pc.or_(pc.fill_null(pc.equal(have, want), False), pc.and_(pc.is_null(have), pc.is_null(want)))
        return _any(pc.invert(same))
    return screen


def condition(cond, arrow_types: dict):
    """Screen of a model row rule's condition (model.rules.Cond.arrow): any row where it holds."""
    def screen(data: pa.Table) -> bool:
        return _any(cond.arrow(data, arrow_types))
    return screen


SORTED_FROM = 1 << 14  # rows (values and known together) from which all_in first tries the sorted comparison


def all_in(values, known, drop=None, skip_nulls: bool = False) -> bool:
    """Every value (a null is not in anything) is a non-null value of known: an anti-join would find no row.
    skip_nulls: every non-null value (a foreign key's: a null names no row); in a bounded run a long column is walked
    by its non-null values (ranges.values), not copied whole without its nulls.

    Two sorted columns (each in ascending order, as a table in canonical form holds its first key column: a claim's
    evidence by claim, the claims by id) are compared by their distinct values, with no hash table: when both hold as
    many distinct values, the values are all known exactly when the two are equal element by element, and when the
    values hold more, some cannot be known.

    drop: in a bounded run, the spill's drop_pages; long values are then compared a range at a time (_all_in_ranges)."""
    if skip_nulls and values.null_count and (drop is None or len(values) - values.null_count <= ranges.ROWS):
        values = pc.drop_null(values)  # a copy of at most ranges.ROWS values in a bounded run
    if len(values) == 0:
        return True
    if values.null_count and not skip_nulls:
        return False
    if len(known) == 0:
        return False
    if known.type != values.type:
        return False
    if drop is not None and len(values) <= ranges.ROWS < len(known):
        return _found_in(values, known, drop)  # few values against a long column: only looked up, a range at a time
    known = pc.drop_null(known)
    if drop is not None and len(values) > ranges.ROWS:
        return _all_in_ranges(values, known, drop, skip_nulls)
    if len(values) + len(known) >= SORTED_FROM:
        mine = sorted_distinct(values)
        theirs = sorted_distinct(known) if mine is not None else None
        if theirs is not None:
            if len(mine) > len(theirs):
                return False
            if len(mine) == len(theirs):
                return bool(pc.all(pc.equal(mine, theirs)).as_py())
            values, known = mine, theirs  # fewer values to look up, a smaller set to look them up in
    if isinstance(known, pa.ChunkedArray):  # the set is one array: a long column's distinct values (is_in would hash
        known = _one_array(known)  # them anyway), not a copy of every chunk joined
    return not _any(pc.invert(pc.is_in(values, value_set=known)))


def _one_array(known) -> pa.Array:
    """A column as one array for is_in's set: a short chunked column's chunks joined, or from ranges.ROWS values on,
    its distinct values (a null among them once) in the order they first come, so that a column in ascending order
    gives them ascending (measured on the unmentioned check at 10.9 M rows, before a bounded run looked a long column
    up instead (_found_in): 2.26 M mention values in 77 chunks, 0.146 against 0.200 s and 38 against 103 MiB of
    Arrow's memory; on a shorter column the extra hashing costs more than the copy saves)."""
    if len(known) <= ranges.ROWS:
        return known.combine_chunks() if isinstance(known, pa.ChunkedArray) else known
    return pc.unique(known)


def _all_in_ranges(values, known, drop, skip_nulls: bool = False) -> bool:
    """all_in, a range of the values (ranges.ROWS) at a time, with drop() after each: each range first against the
    known values between its first and last value, found by binary search (where both stand ascending: a claim's
    evidence by claim, the claims by id), and where that does not prove it (values in another order: the events of
    the claims), against every known value: hashed once as one array when there are at most ranges.ROWS of them (as
    many as a range holds), else only looked up (_found_in: the range's distinct values hashed instead). Exact both
    ways: a range's known values are known values. skip_nulls: the nulls left out (ranges.values)."""
    k, every = 0, None  # every: the whole known column as one array, made once, for the ranges it must decide
    for part in ranges.values(values, drop, skip_nulls):
        try:
            a = ranges.at_least(known, part[0].as_py(), k)
            b = ranges.after(known, part[-1].as_py(), a)
        except TypeError:  # values Python cannot order: no narrowing
            a = b = k
        ok = b > a and all_in(part, known.slice(a, b - a))
        if not ok and len(known) > ranges.ROWS:
            ok = _found_in(part, known)  # a long known column is not hashed (the events' 387,600 ids at 10.9 M rows)
        elif not ok:
            every = _one_array(known) if every is None else every
            ok = all_in(part, every)
        if not ok:
            return False
        k = a if b > a else k
    return True


def _found_in(values, known, drop=None) -> bool:
    """Every one of the values (no null among them) is a value of known, decided by the values' distinct set rather
    than by known's: the distinct positions in that set that known's values take must be all of them. The hash set is
    the values' (a range's: about ranges.ROWS at most), however long known is: known is only looked up, with drop
    (a bounded run's drop_pages) a range at a time. Hashing known instead held a set of a whole parent column per
    check (the events' 387,600 ids at 10.9 M rows), built again for every range of the values."""
    mine = pc.unique(values)
    hits = [pc.unique(pc.index_in(part, value_set=mine)) for part in ranges.slices(known, drop)]
    return pc.count_distinct(pa.chunked_array(hits, pa.int32())).as_py() == len(mine)


def sorted_distinct(col):
    """The distinct values of a column without nulls when they stand in ascending order, else None."""
    runs = ascending_runs(col)
    return None if runs is None else runs[0]


def _row_codes(columns: list, drop=None):
    """One int64 code per row, equal exactly when the rows are equal in every column (a null equal only to a null),
    or None when the columns' value counts multiply beyond 63 bits. drop: in a bounded run, the spill's drop_pages,
    called after each column is coded (a mapped column's pages leave before the next column's come)."""
    import numpy as np

    codes, width = np.zeros(len(columns[0]), dtype=np.int64), 1
    for col in columns:
        parts, n = code_chunks(col)  # a chunk at a time: no int64 array of the column's codes beside the rows' codes
        if drop is not None:
            drop()
        n += 1  # the last code: null
        if width * n >= 2**62:
            return None
        codes *= n
        at = 0
        for part in parts:
            codes[at:at + len(part)] += part
            at += len(part)
        width *= n
    return codes


def distinct(columns: list, drop=None) -> bool:
    """No two rows are equal in all the given columns (nulls equal to nulls), as count(DISTINCT (a, b)) = count(*).
    drop: in a bounded run, the spill's drop_pages (_row_codes)."""
    n = len(columns[0])
    if n < 2:
        return True
    if len(columns) == 1:
        return pc.count_distinct(columns[0], mode="all").as_py() == n
    codes = _row_codes(columns, drop)
    if codes is None:
        return len(set(zip(*(c.to_pylist() for c in columns)))) == n
    codes.sort()
    return not (codes[1:] == codes[:-1]).any()


def distinct_rows(data: pa.Table, cols: list[str]) -> set[tuple]:
    """The distinct combinations of the columns' values, as tuples (a check that judges each combination once instead
    of each row): the first row of each distinct code (_row_codes), so that only those rows become Python values (the
    event dates at 1.09 M rows: 0.003 against 0.029 s for all 38,760 rows as tuples). Where the codes would overflow,
    a set of the rows below 100 k rows, where Arrow's group-by would cost its import (Acero), else the group-by."""
    import numpy as np

    from .byte_scans import row_mask

    if not data.num_rows:
        return set()
    codes = _row_codes([data.column(c) for c in cols])
    if codes is not None:
        data = pc.filter(data.select(cols), row_mask(data.num_rows, np.unique(codes, return_index=True)[1]))
    elif data.num_rows >= 100_000:
        return {tuple(r[c] for c in cols) for r in data.select(cols).group_by(cols).aggregate([]).to_pylist()}
    return set(zip(*(data.column(c).to_pylist() for c in cols)))


def one_value_per_group(group, values: list) -> bool:
    """Every non-null group holds one combination of the values (a null a value of its own, unlike ''): finer than
    the SQL's coalesce(value, '') joined with '|', so it clears only groups the SQL clears too."""
    import numpy as np

    keep = pc.is_valid(group)
    group = pc.filter(group, keep)
    if len(group) < 2:
        return True
    g, who = _row_codes([group]), _row_codes([pc.filter(v, keep) for v in values])
    if g is None or who is None:
        return False
    order = np.lexsort((who, g))
    g, who = g[order], who[order]
    return not ((g[1:] == g[:-1]) & (who[1:] != who[:-1])).any()
