"""Whether a table's rows are distinct in some columns, gathered batch by batch (batches.py) as 8 bytes a row: a
64-bit hash of each row's values (DuckDB's hash) instead of the values. No two hashes equal proves no two rows equal;
two equal hashes (two equal rows, or a collision) prove nothing, and the table's checks then run on the whole table,
whose exact check says which rows repeat. At 2.3 M rows of three text columns the hashes hold 18 MB, where the
columns themselves held about 160 MB (and their dictionary codes as much again) until the table's end."""

from __future__ import annotations

import pyarrow as pa

from .sql import q


class RowHashes:
    """The hashes of the rows added (those with a value in every column: a unique key skips rows with a null).

    shared: a DuckDB connection to hash on (a serial run's one cursor), which close() leaves open; else a database of
    its own is opened at the first batch (about 15 ms: in the test suite's bounded runs of the small package, a third
    of each run) and closed by close()."""

    def __init__(self, shared=None):
        self._db, self._parts, self._shared = shared, [], shared is not None

    def add(self, data: pa.Table) -> None:
        if not data.num_rows:
            return
        if self._db is None:
            from .context import open_db

            self._db = open_db()
        self._db.register("__batch", data)
        cols = [q(c) for c in data.column_names]
        where = " AND ".join(f"{c} IS NOT NULL" for c in cols)
        got = self._db.execute(f"SELECT hash({', '.join(cols)}) AS h FROM __batch WHERE {where}").fetchnumpy()["h"]
        self._db.unregister("__batch")
        self._parts.append(got)

    def distinct(self) -> bool:
        """True when no two hashes are equal (so no two rows are); False when two are (the rows may be equal)."""
        import numpy as np

        if not self._parts:
            return True
        hashes = np.concatenate(self._parts)
        hashes.sort()
        return not (hashes[1:] == hashes[:-1]).any()

    def close(self) -> None:
        if self._db is not None and not self._shared:
            self._db.close()
        self._db = None
