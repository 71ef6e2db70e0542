"""The engine: plans the checks from what each declares, and runs them in a thread pool.

A check (Check) declares the codes it may report, the outputs it needs and the output it provides. Outputs are
either per table (a per-table check provides one for each table it applies to) or global. Before anything runs, the
engine rejects a code missing from the catalogue, a need no check provides, and a cycle (PlanError). It then runs
each (check, table) node once all the nodes it needs are done, highest priority first: a node never waits inside a
worker, so the pool cannot deadlock. Threads, because the heavy work runs in C++ (Arrow, DuckDB, numpy, hashlib)
without the GIL; each node that asks for SQL gets its own DuckDB database with the tables it reads registered.

Row rules (RowRules) are checks of single rows that run inside one DuckDB scan per table: the table-schema check
collects them for its table (Context.row_rules). The engine holds no check logic.
"""

from __future__ import annotations

import heapq
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from ..package import Package, Table
from .context import CheckError, Context, FileMaps, serial_cursor
from .plan import PlanError, check_plan, select  # noqa: F401 - the engine's names for them
from .problem import Problem


@dataclass(frozen=True)
class Check:
    """One check: its function, the error codes it may report, what it needs from other checks and provides to them."""

    name: str
    run: Callable  # run(ctx) -> problems, or (problems, output) when it provides one
    codes: tuple[str, ...]
    needs: tuple[str, ...] = ()
    provides: str | None = None
    per_table: bool = False
    applies: Callable[[Package, Table], bool] | None = None  # per-table checks: which tables (default: all)
    reads: Callable | None = None  # (pkg, table or None) -> table names whose per-table outputs it needs (default: itself / all)
    side: bool = False  # runs on the side threads (pure Python or hashing work that needs no table)
    row_rules: bool = False  # runs the row rules (RowRules) of its table in its scan, and reports their codes
    release: Callable | None = None  # per-table providers: release(output, pkg, table, options) -> what the nodes across
    # tables see once every per-table node of that table has run (a large table's columns they never read let go)
    keys_only: bool = False  # per-table checks that read only what `release` keeps: their table need not wait for them
    over_batches: object = None  # per-table checks that may run on a large table's row batches (batches.py): True (the
    # check itself, each batch a CSV of its own) or a batches.Batched (its way with what crosses batch boundaries)


@dataclass(frozen=True)
class RowRules:
    """Rules on single rows of a table, run in the table's one scan: rules(table, raw_data, ctx) -> [Rule]."""
    name: str
    rules: Callable
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Options:
    """A run's options."""

    exhaustive: bool = False  # every shortcut off: each rule runs on every cell, the slow exact comparisons
    bounded: bool = False  # a large package: large tables' own checks over row batches (batches.py), and the columns
    # kept for the checks across tables on disk (spill.py), mapped back and let go of after each node


@dataclass
class Node:
    """One check on one table (or on the package) in the plan, with the outputs it waits for."""

    check: Check
    table: str | None
    deps: list = field(default_factory=list)  # keys (provider name, table)
    priority: tuple = ()
    reads: frozenset = frozenset()  # the outputs it may read: keys (output name, table or None)


class Ready:
    """The nodes whose needs are all done, highest priority first: both schedulers' queue (not thread-safe: the
    threaded one calls it under its lock). A side node is never a need, so leaving side nodes out is safe."""

    def __init__(self, nodes: list[Node]):
        self._waiting = {(n.check.name, n.table): len(n.deps) for n in nodes}
        self._dependents: dict = {}
        for n in nodes:
            for d in n.deps:
                self._dependents.setdefault(d, []).append(n)
        self._heap = [(n.priority, i, n) for i, n in enumerate(nodes) if not n.deps]
        heapq.heapify(self._heap)
        self._seq = len(nodes)

    def __bool__(self) -> bool:
        return bool(self._heap)

    def pop(self) -> Node:
        return heapq.heappop(self._heap)[2]

    def done(self, node: Node) -> None:
        """Node has run: each node that needed it, and now needs nothing more, becomes ready."""
        for d in self._dependents.get((node.check.name, node.table), []):
            k = (d.check.name, d.table)
            self._waiting[k] -= 1
            if not self._waiting[k]:
                self._seq += 1
                heapq.heappush(self._heap, (d.priority, self._seq, d))


class Run:
    def __init__(self, pkg: Package, checks: list[Check], row_rules: list[RowRules], options: Options):
        check_plan(checks, row_rules)
        self.pkg, self.checks, self.row_rules, self.options = pkg, checks, row_rules, options
        self.providers = {c.provides: c for c in checks if c.provides}
        self.outputs: dict = {}
        self._readers: dict = {}  # output key -> nodes that may read it and have not run yet (plan)
        self.timings: list = []  # (check, table, seconds) of each node, for profiling
        self._shared = None  # a serial run's one cursor (None in a threaded run: each node gets its own)
        self.serial = False
        self.registered: dict = {}  # name -> the Arrow table registered under it on the shared cursor
        self.files = FileMaps()
        self.regroup = None  # (run, nodes, size, feeders) -> nodes: validate() sets batches.collapse when bounded
        self.spill = None  # where a bounded run's kept columns and texts go (spill.Spill): validate() sets it too
        try:
            self.tables = dict(pkg.tables)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.tables = {}  # the descriptor check reports why; every check then sees a package without tables
            pkg.__dict__["tables"] = self.tables

    def shared_cursor(self):
        """The one cursor of a serial run (made on first use), else None."""
        if self.serial and self._shared is None:
            self._shared = serial_cursor()
        return self._shared

    def reads(self, node: Node) -> list[str]:
        c = node.check
        if c.reads:
            return [n for n in c.reads(self.pkg, self.tables.get(node.table)) if n in self.tables]
        return [node.table] if c.per_table else list(self.tables)

    def plan(self) -> list[Node]:
        size = {}
        for n, t in self.tables.items():
            try:
                size[n] = t.csv_path.stat().st_size
            except (OSError, KeyError, TypeError):
                size[n] = 0
        # tables that feed a global output first (the articles' table: the span checks need its texts), then the largest
        # tables, so that no worker idles at the end
        feeders = {r for c in self.checks if c.provides and not c.per_table for r in self.reads(Node(c, None))}
        rank = {n: i for i, n in enumerate(sorted(self.tables, key=lambda n: (n not in feeders, -size[n])))}
        order = {c.name: i for i, c in enumerate(self.checks)}
        nodes = []
        for c in self.checks:
            targets = [n for n, t in self.tables.items() if not c.applies or c.applies(self.pkg, t)] if c.per_table else [None]
            for t in targets:
                node = Node(c, t)
                tables = self.reads(node)
                on = {need: tables if self.providers[need].per_table else [None] for need in c.needs}
                node.deps = [(self.providers[need].name, r) for need in c.needs for r in on[need]]
                node.reads = frozenset((need, r) for need in c.needs for r in on[need])  # the outputs it may read
                # a check across tables runs as soon as its tables are ready (the articles' texts are one; the others
                # would otherwise all wait for the end, where one of them alone keeps a core busy)
                node.priority = (rank[node.table] if node.table else -1, order[c.name])
                nodes.append(node)
        nodes = self.regroup(self, nodes, size, feeders) if self.regroup else nodes  # bounded: batches.collapse
        self._per_table_left = {}
        for n in nodes:
            if n.check.per_table and not n.check.keys_only:
                self._per_table_left[n.table] = self._per_table_left.get(n.table, 0) + 1
        keys = {(n.check.name, n.table) for n in nodes}
        for n in nodes:
            n.deps = [d for d in n.deps if d in keys]  # a table a check does not apply to provides nothing
        # each output is let go once the last node that may read it is done (_run_node)
        self._readers = {}
        for key in (k for n in nodes for k in n.reads):
            self._readers[key] = self._readers.get(key, 0) + 1
        return nodes

    def _run_node(self, node: Node, problems: list, lock) -> None:
        ctx = Context(self, node)
        began = time.perf_counter()
        try:
            result = node.check.run(ctx)
        finally:
            ctx.close()
        self.timings.append((node.check.name, node.table, time.perf_counter() - began))
        if self.spill is not None:
            self.spill.drop_pages()  # the kept columns it read leave this process's memory
        found, output = result if node.check.provides else (result, None)
        allowed = set(node.check.codes) | ({c for r in self.row_rules for c in r.codes} if node.check.row_rules else set())
        bad = sorted({p.code for p in found} - allowed)
        if bad:
            raise CheckError(f"{node.check.name} reported codes it does not declare: {', '.join(bad)}")
        with lock:
            problems.extend(found)
            if node.check.provides and self._readers.get((node.check.provides, node.table)):
                self.outputs[(node.check.provides, node.table)] = output
            if node.check.per_table and not node.check.keys_only:
                self._table_done(node.table)
            for key in node.reads:
                self._readers[key] -= 1
                if not self._readers[key]:
                    self.outputs.pop(key, None)

    def _table_done(self, table: str) -> None:
        """Count a per-table node of the table as run; after the last one, let its providers release what only
        those nodes needed (called under the run's lock)."""
        self._per_table_left[table] -= 1
        if self._per_table_left[table]:
            return
        t = self.tables[table]
        try:
            self.files.release(t.csv_path)  # its bytes too (the canonical check lets them go earlier when it runs)
        except (OSError, KeyError, TypeError):
            pass
        for c in self.checks:
            key = (c.provides, table)
            if c.release and c.per_table and self.outputs.get(key) is not None:
                out = c.release(self.outputs[key], self.pkg, self.tables[table], self.options)
                self.outputs[key] = out.spilled(self.spill) if self.spill is not None and hasattr(out, "spilled") else out

    def _serial(self, nodes: list[Node]) -> list[Problem]:
        """Every node in the caller's thread, each once the nodes it needs are done (highest priority first)."""
        problems: list[Problem] = []
        lock = threading.Lock()
        self.serial = True
        ready = Ready(nodes)
        try:
            while ready:
                node = ready.pop()
                self._run_node(node, problems, lock)
                ready.done(node)
        finally:
            self._close()
        return problems

    def _close(self) -> None:
        self.registered.clear()
        if self._shared is not None:
            self._shared.close()
            self._shared = None
        self.outputs.clear()  # the Arrow tables that may still point into the maps
        self.files.close()
        if self.spill is not None:
            self.spill.close()

    def execute(self, workers: int) -> list[Problem]:
        """Run every node; workers=0 runs them one after another in the caller's thread (small packages: a thread
        pool costs more than the checks of a few hundred rows)."""
        nodes = self.plan()
        if workers <= 0:
            return self._serial(nodes)
        problems: list[Problem] = []
        lock = threading.Condition()
        side = [n for n in nodes if n.check.side]
        ready = Ready([n for n in nodes if not n.check.side])
        state = {"left": len(nodes) - len(side), "error": None}

        def run_node(node: Node) -> None:
            self._run_node(node, problems, lock)

        def worker(queue_side: list | None) -> None:
            while True:
                with lock:
                    if queue_side is not None:
                        if not queue_side or state["error"]:
                            return
                        node = queue_side.pop(0)
                    else:
                        while not ready and state["left"] and not state["error"]:
                            lock.wait()
                        if state["error"] or not state["left"]:
                            lock.notify_all()
                            return
                        node = ready.pop()
                try:
                    run_node(node)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                    with lock:
                        state["error"] = state["error"] or exc
                        lock.notify_all()
                    return
                if queue_side is not None:
                    continue
                with lock:
                    state["left"] -= 1
                    ready.done(node)
                    lock.notify_all()

        threads = [threading.Thread(target=worker, args=(None,), daemon=True) for _ in range(workers)]
        threads += [threading.Thread(target=worker, args=(side,), daemon=True) for _ in range(min(2, len(side)))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self._close()
        if state["error"]:
            raise state["error"]
        return problems
