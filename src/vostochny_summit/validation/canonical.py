"""Canonical form: schema column order, rows sorted by primary key, minimal quoting, LF (tabular.first_noncanonical_line
finds the first line that differs without rendering every line; --exhaustive renders the whole file instead)."""

from __future__ import annotations

from ..tabular import canonical_csv, canonical_lines, key_order_if_unsorted
from .byte_scans import first_noncanonical_line, pages_behind, scan_positions
from .engine import Check
from .line_diff import first_different_line
from .problem import Problem


def _first_out_of_order(t, data) -> int | None:
    """Index of the first row whose key sorts before the key above it (code point order, nulls last), in Python."""
    if not t.primary_key:
        return None
    keys = list(zip(*(data.column(k).to_pylist() for k in t.primary_key)))
    rank = [tuple((v is None, v if v is not None else 0) for v in k) for k in keys]
    return next((i for i in range(1, len(rank)) if rank[i] < rank[i - 1]), None)


def _exhaustive_line(t, data, raw) -> int | None:
    """The first line that differs from the canonical rendering of the rows in file order, or whose row is out of
    key order: what first_noncanonical_line finds, by rendering every line."""
    lines = [x for x in (first_different_line(bytes(raw), canonical_csv(t, data, sort=False).encode("utf-8")),
                         (lambda i: None if i is None else i + 2)(_first_out_of_order(t, data))) if x is not None]
    return min(lines, default=None)


def check_canonical(ctx) -> list[Problem]:
    t, state = ctx.table, ctx.output("table")
    if state is None or state.typed is None:
        return []
    raw = ctx.bytes(t.csv_path)
    if ctx.exhaustive:
        line = _exhaustive_line(t, state.typed, raw)
    else:
        line = first_noncanonical_line(t, state.typed, raw, state.raw, state.plain, state.rendered, state.out_of_order)
    if line is None:
        del raw
        ctx.release(t.csv_path)  # the file's last reader: its pages leave this process's memory
        return []
    want, have = canonical_line(t, state.typed, line), file_line(raw, line)
    if want is None:  # the file goes on after the canonical form's end
        expected = f"the end of the file after line {line - 1} (canonical form)"
    elif want == "" and have == "(end of file)":  # the last line has no LF
        have, expected = "(no line end after the last line)", f"a line end (LF) after line {line - 1}, the last (canonical form)"
    else:
        expected = f"canonical form at line {line}: {want!r}"
    return [Problem(code="not-canonical", file=ctx.rel(t.csv_path), table=t.name, value=have, expected=expected)]


def canonical_line(t, data, line: int) -> str | None:
    """Line `line` (1-based) of canonical_csv(t, data), the text after its last LF being its last line (""), or None
    beyond it: only that line is rendered (the report of a large table's one misplaced row rendered every row, and
    held them all as Python strings: 3.8 s and a gigabyte at 3.28 M rows)."""
    n = data.num_rows
    if line == 1:
        return ",".join(t.field_names)
    if line == n + 2:
        return ""
    if not 2 <= line <= n + 1:
        return None
    row, order = line - 2, key_order_if_unsorted(t, data)
    if order is not None:
        row = order[row].as_py()  # the row that sorts there (canonical_csv sorts by key)
    return canonical_lines(t, data.slice(row, 1))[0].as_py()


def file_line(raw, line: int) -> str:
    """Line `line` (1-based) of the file's bytes, decoded (a bad byte as U+FFFD), "" after a final LF, or
    "(end of file)" beyond it; found from the positions of the LF bytes, without decoding the other lines (a mapped
    file's pages leave this process's memory behind the scan)."""
    import numpy as np

    ends = scan_positions(np.frombuffer(raw, dtype=np.uint8), lambda b: b == 10, behind=pages_behind(raw))[0]
    if line - 1 > len(ends):
        return "(end of file)"
    start = 0 if line == 1 else int(ends[line - 2]) + 1
    end = int(ends[line - 1]) if line - 1 < len(ends) else len(raw)
    return bytes(raw[start:end]).decode("utf-8", "replace")


CHECKS = [Check("canonical", check_canonical, ("not-canonical",), needs=("table",), per_table=True,
                 over_batches=True)]
