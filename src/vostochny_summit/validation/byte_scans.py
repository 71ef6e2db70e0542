"""Byte-level scans of validation (the canonical-form comparison is also the seal's test of a CSV out of canonical
form): the canonical-form comparison without rendering every line, positions of bytes in a buffer, zero-copy views of
byte ranges, row masks and row numbers.
"""

from __future__ import annotations

import pyarrow as pa

from .. import kernels as pc
from ..package import Table
from ..tabular import _rendered, first_out_of_order, string_scalar
from .line_diff import first_different_rendered_line
from .string_scans import occurrences


def is_canonical_file(table: Table, data: bytes) -> bool:
    """Whether a CSV's bytes are exactly canonical_csv of its rows (a byte order mark or a CR line end is not), by
    first_noncanonical_line: only the lines it cannot settle are rendered. ValueError when the bytes cannot be read
    as the table (unparseable, a ragged row, a cell its type cannot hold). For `fmt` and the seal's refusal."""
    from ..tabular import read_raw, typed

    if data.startswith(b"\xef\xbb\xbf") or b"\r" in data:
        return False
    raw = read_raw(data)
    if raw.error or raw.data is None or raw.ragged_rows:
        raise ValueError(raw.error or f"ragged rows {raw.ragged_rows[:5]}")
    try:
        cast = typed(table, raw.data)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, KeyError) as exc:
        raise ValueError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    return first_noncanonical_line(table, cast, data, raw.data) is None


def first_noncanonical_line(table: Table, data: pa.Table, raw: bytes, cells: pa.Table, plain: set[str] = frozenset(),
                            rendered: set[str] = frozenset(), out_of_order=None) -> int | None:
    """The 1-based line number of the first line of `raw` that differs from canonical_csv(table, data), else None.

    data is the typed table in file order, cells the same rows as parsed strings. Equivalent to comparing with
    canonical_csv, without rendering every line. The parse only ever removes '"' bytes (no CR, no escape character),
    so for each line `extra` = its length minus its cells' lengths and commas counts the '"' it removed, and its
    count of '"' bytes minus `extra` counts the '"' kept inside values:
    - a non-string cell is canonical when its text equals the rendering of its value (compared column by column);
    - a line without any '"' has no quoted cell, and since it parsed, no value in it holds a comma or a quote: it is
      canonical exactly when `extra` is 0;
    - a line whose every '"' was removed has no '"' in any value: each of its quoted cells opens at the start of a
      cell, and a cell holding a comma must be one of them. It is canonical exactly when it removed two '"' per cell
      that holds a comma (no needless quotes) and every closing '"' ends its cell (no `"a,"b`);
    - the lines that kept a '"' inside a value (and every line, if the file holds a CR) are rendered and compared
      byte for byte.
    `plain` names string columns known to hold no comma, quote or line break (checked slugs and vocabularies);
    `rendered` non-string columns whose text is known to equal the rendering of its value; `out_of_order` the
    neighbour comparison of key_neighbours, when already computed.
    """
    import numpy as np

    header = (",".join(table.field_names) + "\n").encode()
    if raw[: len(header)] != header:
        return 1
    n = data.num_rows
    if n == 0:
        return None if len(raw) == len(header) else 2
    unsorted = first_out_of_order(table, data, out_of_order)
    buf = np.frombuffer(raw, dtype=np.uint8)
    # one pass for the line ends, the quotes and any CR; a mapped file's pages leave this process's memory behind it
    behind = pages_behind(raw)
    ends, quotes, crs = scan_positions(buf, lambda b: b == 10, lambda b: b == 34, lambda b: b == 13, behind=behind)
    if len(ends) != n + 1 or ends[-1] != len(raw) - 1:
        # a blank line, a missing final LF, or a quoted value across lines: rare, so found the slow, exact way
        return first_different_rendered_line(table, data, raw, ends)
    for lo in range(0, n, ROW_BATCH):  # a batch of rows at a time: its arrays, not the table's, are held at once
        hi = min(lo + ROW_BATCH, n)
        line_ends = ends[lo:hi + 1]  # line_ends[j] ends the line before row lo + j
        in_batch = quotes[np.searchsorted(quotes, line_ends[0]):np.searchsorted(quotes, line_ends[-1])]
        found = _noncanonical_rows(table, data.slice(lo, hi - lo), raw, cells.slice(lo, hi - lo), buf, line_ends,
                                   in_batch, bool(len(crs)), plain, rendered)
        if behind is not None:  # the lines it read again (quoted and rendered) leave again, but the next batch's
            behind(int(line_ends[0]), int(line_ends[-1]))
        first = [lo + int(found.min())] if len(found) else []
        if first or (unsorted is not None and unsorted < hi):  # earlier batches found nothing: no row before lo
            return min(first + ([unsorted] if unsorted is not None else [])) + 2
    return None


ROW_BATCH = 1 << 18  # rows whose lines first_noncanonical_line settles at a time


def _noncanonical_rows(table: Table, data: pa.Table, raw, cells: pa.Table, buf, line_ends, quotes, has_cr: bool,
                       plain, rendered):
    """The rows (0-based, of this batch) whose lines differ from their canonical rendering, by first_noncanonical_line's
    rules: data and cells are the batch's rows, line_ends the positions of the LF before each row and after the last,
    quotes the positions of the '"' bytes in its lines, has_cr whether the file holds a CR."""
    import numpy as np

    n = data.num_rows
    have = np.diff(line_ends)  # byte length of each data line, its LF included
    want = np.full(n, len(table.field_names), dtype=np.int64)  # commas + LF
    bad = []
    for f in table.fields:
        col = data.column(f.name)
        if not pa.types.is_string(col.type):
            text = cells.column(f.name)
            if f.name not in rendered:
                bad.append(np.flatnonzero(~pc.fill_null(pc.equal(text, _rendered(col, col.type)), True).to_numpy(zero_copy_only=False)))
            col = text
        want += pc.fill_null(pc.binary_length(col), 0).to_numpy(zero_copy_only=False)
    extra = have - want
    quote_row = np.searchsorted(line_ends, quotes) - 1  # the row of each '"' (the header, checked above, holds none)
    per_row = np.bincount(quote_row, minlength=n)
    if has_cr:
        render = np.arange(n)
        structural = np.zeros(0, dtype=np.int64)
    else:
        bad.append(np.flatnonzero((per_row == 0) & (extra != 0)))
        render = np.flatnonzero(per_row != extra)
        structural = np.flatnonzero((per_row > 0) & (per_row == extra))
    if len(structural):
        # read from each text column's buffers, with no copy: taking the structural rows' texts first would copy every
        # chunk of each column into one array (at 1 M rows a transient larger than the rest of this check)
        comma_cells = np.zeros(len(structural), dtype=np.int64)
        for f in table.fields:
            if f.type == "string" and f.name not in plain:
                comma_cells += occurrences(data.column(f.name), ",")[0][structural] > 0
        bad.append(structural[extra[structural] != 2 * comma_cells])
        # the '"' of these rows alternate opening and closing; a closing one must be followed by a comma or the LF
        mine = np.zeros(n, dtype=bool)
        mine[structural] = True
        first_of_row = np.cumsum(per_row) - per_row
        rank = np.arange(len(quotes)) - first_of_row[quote_row]
        closing = mine[quote_row] & (rank % 2 == 1)
        after = buf[quotes[closing] + 1]
        bad.append(quote_row[closing][(after != 44) & (after != 10)])
    for start in range(0, len(render), RENDER_BATCH):  # a batch of rows at a time: their lines are a copy of the rows
        part = render[start:start + RENDER_BATCH]
        lo, hi = int(part[0]), int(part[-1]) + 1  # the rows it spans (ascending)
        lines = pc.cast(_raw_and_rendered_lines(table, data.slice(lo, hi - lo), cells.slice(lo, hi - lo), plain, part - lo),
                        pa.binary())
        size = pc.binary_length(lines).to_numpy(zero_copy_only=False)
        same = size == have[part] - 1
        raw_lines = byte_views(raw, line_ends[part] + 1, np.where(same, size, 0))
        equal = pc.equal(raw_lines, pc.cast(lines, pa.binary_view())).to_numpy(zero_copy_only=False)
        bad.append(part[~(same & equal)])
    return np.concatenate(bad) if bad else np.zeros(0, dtype=np.int64)


RENDER_BATCH = 1 << 16  # rows whose lines first_noncanonical_line renders and compares at a time


def _raw_and_rendered_lines(table: Table, data: pa.Table, cells: pa.Table, plain: set[str], rows) -> pa.Array:
    """The canonical lines of the given rows (ascending positions), for the canonical check: non-string cells as their
    text (which the check compares with their rendering separately), plain string columns as they are, the rest
    rendered."""
    out, keep = [], row_mask(data.num_rows, rows)
    for f in table.fields:
        if f.type != "string":
            col = pc.filter(cells.column(f.name), keep)
        elif f.name in plain:
            col = pc.filter(data.column(f.name), keep)
        else:
            col = _rendered(pc.filter(data.column(f.name), keep), pa.string())
        out.append(pc.fill_null(col, string_scalar("")))
    return pc.binary_join_element_wise(*out, string_scalar(","))


SCAN_BLOCK = 1 << 20  # bytes compared at a time by scan_positions; a multiple of the page size (madvise, pages_behind)


def scan_positions(buf, *tests, behind=None) -> list:
    """For each test (a function from a block of bytes, a numpy uint8 array, to a bool array): the positions in buf
    where it holds, as int64 arrays. behind(start, end), when given, is called with each block once it is scanned.

    The buffer is scanned in blocks of 1 MiB, so that the temporary arrays stay in the CPU cache and reuse their
    memory: comparing a whole 45 MB file at once asks for 45 MB of fresh memory per test, which costs more than the
    comparison itself on a machine whose memory is slow to hand out.
    """
    import numpy as np

    found = [[] for _ in tests]
    for start in range(0, len(buf), SCAN_BLOCK):
        block = buf[start:start + SCAN_BLOCK]
        for positions, test in zip(found, tests):
            positions.append(np.flatnonzero(test(block)) + start)
        if behind is not None:
            behind(start, start + len(block))
    return [np.concatenate(p) if p else np.zeros(0, dtype=np.int64) for p in found]


def first_byte(buf, byte: bytes, behind=None) -> int:
    """The position of the first occurrence of byte in buf, else -1, searched SCAN_BLOCK bytes at a time, with
    behind(start, end) called on each block searched in vain (pages_behind: a map's pages leave memory behind it)."""
    for start in range(0, len(buf), SCAN_BLOCK):
        end = min(start + SCAN_BLOCK, len(buf))
        at = buf.find(byte, start, end)
        if at >= 0:
            return at
        if behind is not None:
            behind(start, end)
    return -1


def pages_behind(raw):
    """For the scans of a memory-mapped file: a call behind(start, end) that lets the pages of bytes start to end leave
    this process's resident memory (madvise DONTNEED: they stay in the page cache, and a later read maps them again),
    so that a scan of a large file does not hold all of it at once. Whole pages only, from the page holding start up
    to the page holding end, which stays (the bytes from end on are the next range's). None for bytes in memory."""
    import mmap

    if not isinstance(raw, mmap.mmap) or not hasattr(mmap, "MADV_DONTNEED"):
        return None

    def behind(start: int, end: int) -> None:
        start, end = start - start % mmap.PAGESIZE, end - end % mmap.PAGESIZE
        if end > start:
            raw.madvise(mmap.MADV_DONTNEED, start, end - start)

    return behind


def byte_views(buffer: bytes, offsets, lengths) -> pa.Array:
    """An Arrow binary-view array whose value i is buffer[offsets[i]:offsets[i] + lengths[i]], without copying.

    A view is 16 bytes, four little-endian 32-bit words: the length, then either the value itself (up to 12 bytes,
    padded with zeros) or its first 4 bytes, the buffer number and the offset (so buffer must be under 2 GiB). The
    words are gathered from the buffer as integers (a gather of 12-byte items costs several times as much).
    """
    import numpy as np

    offsets, lengths = np.asarray(offsets, dtype=np.int64), np.asarray(lengths, dtype=np.int64)
    if len(buffer) >= 2**31:
        raise ValueError("binary views address at most 2 GiB")
    n = len(offsets)
    views = np.zeros((n, 4), dtype="<u4")
    views[:, 0] = lengths
    data = np.frombuffer(buffer, dtype=np.uint8)
    long = lengths > 12
    views[long, 3] = offsets[long]  # buffer 0 (word 2), then the offset
    short = np.flatnonzero(~long)  # inline: all three words are the value's bytes
    inside = offsets <= len(data) - 12
    if len(data) >= 12:
        words = np.ndarray(shape=(len(data) - 3,), dtype="<u4", buffer=data, strides=(1,))  # item i: data[i:i + 4]
        at = np.where(inside, offsets, 0)
        views[:, 1] = words[at]  # a long value's first 4 bytes
        for j in (1, 2):
            views[short, 1 + j] = words[at[short] + 4 * j]
    for i in np.flatnonzero(~inside).tolist():  # within 12 bytes of the buffer's end (so inline): read one by one
        views[i, 1:] = np.frombuffer(data[offsets[i]:offsets[i] + 12].tobytes().ljust(12, b"\0"), dtype="<u4")
    partial = short[lengths[short] < 12]  # an inline value's bytes beyond its length are zeros
    if len(partial):
        full, size = np.uint64(0xFFFFFFFF), lengths[partial]
        for j in range(3):
            kept = np.clip(size - 4 * j, 0, 4).astype(np.uint64)
            views[partial, 1 + j] &= (full >> (np.uint64(32) - np.uint64(8) * kept)).astype("<u4")
    return pa.Array.from_buffers(pa.binary_view(), n, [None, pa.py_buffer(views), pa.py_buffer(buffer)])


def row_mask(n: int, positions) -> pa.Array:
    """A boolean Arrow array of n values, true at the given positions: filtering a table or column by it keeps those
    rows in order, chunk by chunk, where take would first copy all the chunks of each column into one array (a table
    read from a large CSV comes in many chunks)."""
    import numpy as np

    mine = np.zeros(n, dtype=bool)
    mine[np.asarray(positions, dtype=np.int64)] = True
    return pa.Array.from_buffers(pa.bool_(), n, [None, pa.py_buffer(np.packbits(mine, bitorder="little"))])


def row_numbers(n: int) -> pa.Array:
    """1, 2, …, n as an Arrow int64 array (built from numpy: pa.array would first import pandas to inspect it)."""
    import numpy as np

    return pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(np.arange(1, n + 1, dtype=np.int64))])


def with_row_numbers(table: pa.Table) -> pa.Table:
    """The table with its __row column, 1 to n (as it is if it has one): a parsed table gets it, and a table kept for
    the checks across tables, which table_schema.slim leaves without it, gets it back when registered for SQL."""
    return table if "__row" in table.column_names else table.append_column("__row", row_numbers(table.num_rows))
