"""Canonical form: schema column order, rows sorted by primary key, minimal quoting, LF (tabular.first_noncanonical_line
finds the first line that differs without rendering every line; --exhaustive renders the whole file instead)."""

from __future__ import annotations

from ..tabular import canonical_csv
from .byte_scans import first_different_line, first_noncanonical_line
from .engine import Check
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
    wl, hl = canonical_csv(t, state.typed).split("\n"), bytes(raw).decode("utf-8", "replace").split("\n")
    return [Problem(code="not-canonical", file=ctx.rel(t.csv_path), table=t.name,
                    value=hl[line - 1] if line <= len(hl) else "(end of file)",
                    expected=f"canonical form at line {line}: {wl[line - 1] if line <= len(wl) else '(end of file)'!r}")]


CHECKS = [Check("canonical", check_canonical, ("not-canonical",), needs=("table",), per_table=True)]
