"""What a check sees while it runs (Context), and the files a run maps once and closes at its end (FileMaps)."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..package import Table
    from .engine import RowRules


class CheckError(RuntimeError):
    """A check broke its declaration at run time (reported a code it did not declare, read an undeclared output)."""


class Context:
    """What a node sees: the package, its table, the outputs it declared it needs, and a DuckDB cursor on request."""

    def __init__(self, run, node):
        self.pkg, self.options, self._run, self._node = run.pkg, run.options, run, node
        self.table: Table | None = run.pkg.tables[node.table] if node.table else None
        self._con, self._pending = None, {}

    @property
    def exhaustive(self) -> bool:
        return self.options.exhaustive

    @property
    def screens(self) -> bool:
        """Whether Arrow screens may stand in for a query they prove would find nothing (screens.py): always but with
        --exhaustive. A valid package then imports DuckDB at no size (on a small one a query's fixed cost is most of
        its time; on a large one the screens cost less than the queries, and no query means no DuckDB memory)."""
        return not self.options.exhaustive

    @property
    def arrow_threads(self) -> bool:
        """Whether Arrow may spread one check's work over its own threads (the CSV parse, the Parquet decode): only in a
        serial run. A threaded run's workers already keep every core busy, and Arrow's threads beside them only
        contended with them: without them, wall 0.95, 0.85 and 0.93 of with them at 1.09, 3.28 and 10.9 M rows, and
        the peak 375 against 433 MiB, 547 against 605 MiB at 1.09 and 10.9 M rows."""
        return self._run.serial

    @property
    def spill(self):
        """Where a bounded run spills the columns kept for the checks across tables (spill.Spill), else None."""
        return self._run.spill

    @property
    def drop_pages(self):
        """In a bounded run, the spill's drop_pages (a check across tables walking its columns in ranges, ranges.py,
        calls it after each range); else None."""
        return None if self._run.spill is None else self._run.spill.drop_pages

    def output(self, name: str, table: str | None = None):
        """A declared need's output (per-table outputs: of `table`, default this node's table); None if not produced."""
        if name not in self._node.check.needs:
            raise CheckError(f"{self._node.check.name} reads output {name!r} without declaring it")
        key = (name, (table or self._node.table) if self._run.providers[name].per_table else None)
        if key not in self._node.reads:
            raise CheckError(f"{self._node.check.name} reads output {name!r} of table {key[1]!r}, which its Check.reads "
                             "does not name (the run lets each output go after the last node that names it)")
        return self._get(key)

    def _get(self, key):
        """The output under key (output name, table or None), once its provider has run; else None."""
        return self._run.outputs.get(key)

    def row_rules(self) -> list[RowRules]:
        return self._run.row_rules

    def bytes(self, path: Path):
        """A file's bytes, memory-mapped once per run (hashing, the file and canonical checks share them)."""
        return self._run.files.get(path)

    def release(self, path: Path) -> None:
        """This run needs the file's bytes no more: unmap them (the canonical check, their last reader, says so)."""
        self._run.files.release(path)

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.pkg.root).as_posix()
        except ValueError:
            return str(path)

    @property
    def con(self):
        """A DuckDB connection of this node, with the raw tables it reads registered (by table name), made when first
        asked for (a node whose screens settle everything imports and asks nothing of DuckDB). A serial run shares one
        cursor among its nodes, and registers each table on it once. In a threaded run each node opens a database of
        its own and closes it when done: DuckDB keeps the memory of a finished query (130 MiB after the duplicate
        keys of a 1 M-row table) until its database closes, and a run's one database held it to the run's end."""
        if self._con is None:
            shared = self._run.shared_cursor()
            self._con = shared if shared is not None else open_db()
            for name in self._run.reads(self._node):
                state = self._get(("table", name))
                if state is not None and state.raw is not None and name not in self._pending:
                    self._register(name, state.raw)
            for name, table in self._pending.items():
                self._register(name, table)
            self._pending.clear()
        return self._con

    def register(self, name: str, table) -> None:
        """Register an Arrow table under a name on this node's cursor (when the cursor is made, if it is not yet), with
        its row numbers (with_row_numbers)."""
        if self._con is None:
            self._pending[name] = table
        else:
            self._register(name, table)

    def _register(self, name: str, table) -> None:
        if self._con is self._run.shared_cursor():
            if self._run.registered.get(name) is table:
                return
            self._run.registered[name] = table
        from .byte_scans import with_row_numbers

        self._con.register(name, with_row_numbers(table))

    def shared_cursor(self):
        """A serial run's one DuckDB cursor, which every node shares (never closed by a node), else None."""
        return self._run.shared_cursor()

    def close(self) -> None:
        if self._con is not None and self._con is not self._run.shared_cursor():
            self._con.close()


class FileMaps:
    """Files mapped once per run (tabular.map_file), and closed when it ends."""

    def __init__(self):
        self._maps: dict = {}
        self._lock = threading.Lock()

    def get(self, path: Path):
        with self._lock:
            if path not in self._maps:
                from ..tabular import map_file

                self._maps[path] = map_file(path)
            return self._maps[path]

    def release(self, path: Path) -> None:
        """Unmap a file its last reader is done with (kept mapped while a buffer still points into it)."""
        with self._lock:
            m = self._maps.pop(path, None)
        if hasattr(m, "close"):
            try:
                m.close()
            except BufferError:
                with self._lock:
                    self._maps.setdefault(path, m)

    def close(self) -> None:
        for m in self._maps.values():
            if hasattr(m, "close"):
                try:
                    m.close()
                except BufferError:
                    pass  # still exported by an object the caller holds: closed when that is freed
        self._maps.clear()


def open_db():
    """A new in-memory DuckDB database running each query on one thread: a threaded run already runs a query per core
    (measured: 5 % less CPU), and a serial run's tables are small."""
    import duckdb

    return duckdb.connect(config={"threads": 1})


_SERIAL_DB: dict = {}  # pid -> the DuckDB database the serial runs of this process share
_SERIAL_DB_LOCK = threading.Lock()


def serial_db():
    """The in-memory DuckDB database that every serial run (a small package) of this process works in, each on a
    cursor of its own: opening a database costs about 20 ms, more than all the SQL of a small run. A cursor is its own
    connection, so the tables a run registers are seen by that run only, and go when it closes its cursor. (Keyed by
    the process id: a forked child opens its own.)"""
    with _SERIAL_DB_LOCK:
        db = _SERIAL_DB.get(os.getpid())
        if db is None:
            _SERIAL_DB.clear()
            db = _SERIAL_DB[os.getpid()] = open_db()
        return db


def serial_cursor():
    """A new cursor of serial_db (made under its lock: other threads may be using the database)."""
    db = serial_db()
    with _SERIAL_DB_LOCK:
        return db.cursor()
