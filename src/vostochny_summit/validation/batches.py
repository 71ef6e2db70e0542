"""A large table's own checks over its row batches: one node parses BATCH_BYTES of the CSV's lines at a time and runs
every per-table check of the table on that batch, as if the batch were a CSV of its own (the header line, then its
lines), keeping only what the checks across tables read (the provider's `release`). No whole table is held at once:
one batch, and the kept columns.

Exact by construction. What crosses batch boundaries (the key order, unique values, the Parquet rows) each check
carries itself (Batched). As soon as a batch, or the end of the table, finds any problem, the batches' findings are
dropped and the table's checks run again on the whole table, the usual way: an invalid table is reported exactly as
without batches (row numbers, counts and wording), and only a table found clean is ever reported from batches. A clean
batch path must therefore never miss what the whole table would show; tests/test_defects.py plants every defect of the
catalogue with batches forced on the small package (BATCH_FROM and BATCH_BYTES lowered) and asks for the same report.

A table runs over batches in a bounded run (engine.Options.bounded, not --exhaustive) when its CSV holds at least
BATCH_FROM bytes at a safe path, every per-table check of it but the ones reading only kept columns (Check.keys_only)
declares Check.over_batches, and no output of the whole package is made from it (the articles' texts: the spans of a
batch need them). Its kept columns go to the run's spill batch by batch (kept.Gather), so that they are never all in
memory either. Without the spill (in the thirteenth round of benchmarks/notes.md) the batches saved no memory.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from .context import Context
from .descriptor import unsafe_path
from .engine import Check, Node

BATCH_FROM = 16 << 20  # CSV bytes from which a table's own checks run over batches
BATCH_BYTES = 4 << 20  # bytes of CSV lines per batch (measured: 4 MiB took the least CPU; 1 MiB and 16 MiB more)


def batch_bytes(table_bytes: int) -> int:
    """Bytes of CSV lines per batch of a table of table_bytes: BATCH_BYTES. (The planted-defect tests split each table
    of the small package into about three batches here, tests/test_defects.py.)"""
    return BATCH_BYTES


@dataclass(frozen=True)
class Batched:
    """A per-table check whose findings on a table need what crosses batch boundaries. carry is a dict of the check's
    own, for one table, kept from batch to batch.

    run(ctx, carry): the check on one batch, returning what Check.run returns.
    finish(ctx, carry): once every batch ran clean (ctx: the table's node, no batch), what only the whole table shows:
    problems, or (problems, output) for a provider (its output for the nodes after the table's own checks).
    close(carry): let go of what the carry holds open (a file), whether the batches ran to the end or not."""

    run: Callable
    finish: Callable | None = None
    close: Callable | None = None


class Scoped(Context):
    """A context inside the pipeline: its table's outputs are the pipeline's own, and on a batch, the CSV's bytes are
    the batch's."""

    def __init__(self, run, node, outputs: dict, data=None):
        super().__init__(run, node)
        self._local, self._data = outputs, data

    def _get(self, key):
        return self._local[key] if key in self._local else super()._get(key)

    def bytes(self, path):
        return self._data if self._data is not None and path == self.table.csv_path else super().bytes(path)

    def release(self, path) -> None:
        if self._data is None:
            super().release(path)


def collapse(run, nodes: list[Node], size: dict, feeders: set) -> list[Node]:
    """The plan with the own nodes of each table that runs over batches replaced by one node of that table: it
    carries the name of the table's provider of outputs across tables, so the nodes that wait for them wait for it.
    size: table -> CSV bytes; feeders: the tables that outputs of the whole package are made from."""
    if run.options.exhaustive or not run.options.bounded:
        return nodes
    own: dict = {}
    for n in nodes:
        if n.check.per_table and not n.check.keys_only:
            own.setdefault(n.table, []).append(n)
    for table, mine in own.items():
        if table in feeders or not all(n.check.over_batches for n in mine) or size[table] < max(BATCH_FROM, 1) \
                or unsafe_path(run.tables[table].resource.get("path")):
            continue
        outside = {k for n in nodes if n.table != table or not n.check.per_table or n.check.keys_only for k in n.reads}
        out = [n for n in mine if n.check.provides and (n.check.provides, table) in outside] or \
            [n for n in mine if n.check.provides][-1:]
        if len(out) != 1:
            continue  # no provider, or two read by other nodes
        keys = {(n.check.name, table) for n in mine}
        made = {(n.check.provides, table) for n in mine if n.check.provides}
        pipeline = Pipeline(mine, out[0].check)
        check = replace(out[0].check, run=pipeline, needs=tuple(dict.fromkeys(x for n in mine for x in n.check.needs)),
                        codes=tuple(dict.fromkeys(c for n in mine for c in n.check.codes)),
                        row_rules=any(n.check.row_rules for n in mine), over_batches=None)
        node = Node(check, table, deps=list(dict.fromkeys(d for n in mine for d in n.deps if d not in keys)),
                    priority=min(n.priority for n in mine),
                    reads=frozenset(k for n in mine for k in n.reads if k not in made))
        nodes = [n for n in nodes if n not in mine] + [node]
    return nodes


class Pipeline:
    """The run of a collapsed node: the table's own checks over its batches, or on the whole table when a batch or
    the table's end finds a problem. Returns the problems and the output of the table's provider."""

    def __init__(self, nodes: list[Node], provider: Check):
        self.nodes = nodes  # the table's own nodes, in plan order (a provider before its readers)
        self.provider = provider  # the check whose output the nodes after the table's own checks read

    def __call__(self, ctx):
        run, t = ctx._run, ctx.table
        carries = {n.check.name: {} for n in self.nodes}
        try:
            kept = self._batches(run, t, carries)
        finally:
            for n in self.nodes:
                how = n.check.over_batches
                if isinstance(how, Batched) and how.close:
                    how.close(carries[n.check.name])
        if kept is not None:
            return [], kept
        return self._whole(run)

    def _batches(self, run, t, carries: dict):
        """The provider's output for the checks across tables, if every batch and the table's end are clean; else None."""
        from .byte_scans import pages_behind

        data = run.files.get(t.csv_path)
        behind, size = pages_behind(data), len(data)
        eol = data.find(b"\n")
        if eol < 0:
            return None
        header, start = bytes(data[: eol + 1]), 0
        step = batch_bytes(size)
        with memoryview(data) as view:
            while start < size:
                end = data.find(b"\n", min(start + step, size) - 1)
                end = size if end < 0 else end + 1
                chunk = bytes(view[start:end]) if start == 0 else header + view[start:end]
                if not self._batch(run, chunk, carries):
                    return None
                if behind is not None:
                    behind(start, end)  # whole pages: the page holding `end` is the next batch's too
                start = end
        if run.spill is not None:
            # the batches' pages of the articles' texts (the spans' bytes) and of the kept columns leave before the
            # table's end reads its kept columns whole: the texts stood in memory beside them (10.9 M rows: 126 MiB)
            run.spill.drop_pages()
        output = None
        for n in self.nodes:
            how = n.check.over_batches
            if isinstance(how, Batched) and how.finish:
                found = how.finish(Scoped(run, n, {}), carries[n.check.name])
                found, out = found if n.check.provides else (found, None)
                if found:
                    return None
                if n.check is self.provider:
                    output = out
        return output

    def _batch(self, run, chunk: bytes, carries: dict) -> bool:
        """Every own check on one batch; whether all of them found it clean."""
        local: dict = {}
        for n in self.nodes:
            how, ctx = n.check.over_batches, Scoped(run, n, local, chunk)
            try:
                result = how.run(ctx, carries[n.check.name]) if isinstance(how, Batched) else n.check.run(ctx)
            finally:
                ctx.close()
            found, out = result if n.check.provides else (result, None)
            if found:
                return False
            if n.check.provides:
                local[(n.check.provides, n.table)] = out
        return True

    def _whole(self, run):
        """The table's own checks on the whole table, as the engine runs them without batches."""
        local, problems = {}, []
        for n in self.nodes:
            ctx = Scoped(run, n, local)
            try:
                result = n.check.run(ctx)
            finally:
                ctx.close()
            found, out = result if n.check.provides else (result, None)
            problems += found
            if n.check.provides:
                local[(n.check.provides, n.table)] = out
        return problems, local.get((self.provider.provides, self.nodes[0].table))


