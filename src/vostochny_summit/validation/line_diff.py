"""Where a CSV file first differs from a rendering of its rows, line by line: first_different_line compares two
whole texts; first_different_rendered_line compares a file with canonical_csv of its rows, rendering only a batch of
lines at a time (the canonical check's way when the file's line ends do not stand one per row)."""

from __future__ import annotations

import pyarrow as pa

from .. import kernels as pc
from ..package import Table

LINE_BATCH = 1 << 16  # canonical lines rendered and compared at a time


def first_different_line(a, b: bytes) -> int | None:
    """1-based number of the first line where two files differ, else None."""
    la, lb = bytes(a).split(b"\n"), b.split(b"\n")
    for i, (x, y) in enumerate(zip(la, lb), 1):
        if x != y:
            return i
    return None if len(la) == len(lb) else min(len(la), len(lb)) + 1


def first_different_rendered_line(table: Table, data: pa.Table, raw, ends) -> int | None:
    """first_different_line(raw, canonical_csv(table, data).encode("utf-8")), without rendering every line: the
    canonical lines (the header, each row in key order, then the empty text after the final LF) are rendered
    LINE_BATCH rows at a time, each batch's rows taken from the table, and compared with the file's lines where they
    stand, up to the first that differs (a row whose value holds a line break renders as several lines). ends: the
    positions of the file's LF bytes, ascending. (A blank line or a missing final LF once rendered the whole table and
    split both texts into Python lines: seconds and a gigabyte at 3.28 M rows.)"""
    import numpy as np

    from ..tabular import canonical_csv, canonical_line_batches
    from .byte_scans import byte_views

    if len(raw) >= 2**31:  # beyond what binary views address
        return first_different_line(raw, canonical_csv(table, data).encode("utf-8"))
    ends = np.asarray(ends, dtype=np.int64)
    starts, stops = np.concatenate([[0], ends + 1]), np.concatenate([ends, [len(raw)]])  # the file's lines
    lines = len(starts)
    line = lambda i: bytes(raw[starts[i]:stops[i]])  # noqa: E731 (the file's line i, 0-based)
    if line(0) != ",".join(table.field_names).encode("utf-8"):
        return 1
    at = 1  # the file's line that the next canonical line is compared with (0-based)
    for lines_of_rows in canonical_line_batches(table, data, rows=LINE_BATCH):
        want, k = pc.cast(lines_of_rows, pa.binary()), len(lines_of_rows)
        if pc.any(pc.match_substring(want, pattern="\n")).as_py():  # a value with a line break: compared line by line
            for j, text in enumerate(b"\n".join(want.to_pylist()).split(b"\n")):
                if at + j >= lines:
                    return lines + 1
                if line(at + j) != text:
                    return at + j + 1
            at += j + 1
            continue
        m = min(k, lines - at)
        have = byte_views(raw, starts[at:at + m], stops[at:at + m] - starts[at:at + m])
        differ = np.flatnonzero(~pc.equal(have, pc.cast(want.slice(0, m), pa.binary_view())).to_numpy(zero_copy_only=False))
        if len(differ):
            return at + int(differ[0]) + 1
        if m < k:  # the file ends before the rows do
            return lines + 1
        at += k
    if at < lines and stops[at] > starts[at]:  # text where the canonical form ends with its final LF
        return at + 1
    return None if lines == at + 1 else min(lines, at + 1) + 1
