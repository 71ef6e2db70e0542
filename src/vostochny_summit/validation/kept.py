"""The columns a table keeps for the checks across tables (table_schema.slim): its kept text (raw) and typed columns,
gathered batch by batch (batches.py) and, in a bounded run, spilled to disk as one file (spill.py) and read back
mapped. A text column whose typed column is also text is the same values (tabular.typed casts a string column to
itself), so it is written once and read back as both."""

from __future__ import annotations

import pyarrow as pa

RAW = "raw:"  # the spilled name of a kept text column that is not also a typed text column


def _shared(raw: pa.Table, typed: pa.Table | None) -> set[str]:
    return set() if typed is None else {c for c in raw.column_names
                                        if c in typed.column_names and typed.schema.field(c).type == pa.string()}


class Gather:
    """The kept (raw, typed) tables of a table's batches, concatenated by finish(): held in memory, or with a spill
    (spill.Spill) written as they come, so that no more than one batch of them is in memory at once."""

    def __init__(self, spill=None):
        self._spill, self._parts, self._writer, self._layout = spill, [], None, None

    def add(self, raw: pa.Table, typed: pa.Table | None) -> None:
        if self._spill is not None and not raw.num_columns and not (typed is not None and typed.num_columns):
            self._spill = None  # no column: nothing to write (a file of no column would not keep the row count)
        if self._spill is None:
            self._parts.append((raw, typed))
            return
        if self._writer is None:
            shared = _shared(raw, typed)
            fields = list(typed.schema) if typed is not None else []
            fields += [raw.schema.field(c).with_name(RAW + c) for c in raw.column_names if c not in shared]
            self._layout = (raw.schema, None if typed is None else typed.schema, shared)
            self._writer = self._spill.writer(pa.schema(fields))
        typed_cols = typed.columns if typed is not None else []
        raw_cols = [raw.column(c) for c in raw.column_names if c not in self._layout[2]]
        self._writer.write(pa.Table.from_arrays(typed_cols + raw_cols, schema=self._writer.schema))

    def finish(self) -> tuple[pa.Table | None, pa.Table | None]:
        """The kept (raw, typed) tables of every batch added, in order ((None, None) when none was)."""
        if self._spill is None:
            if not self._parts:
                return None, None
            typed = None if self._parts[0][1] is None else _concat([t for _, t in self._parts])
            return _concat([r for r, _ in self._parts]), typed
        if self._writer is None:
            return None, None
        mapped, (raw_schema, typed_schema, shared) = self._writer.finish(), self._layout
        typed = None if typed_schema is None else pa.Table.from_arrays(
            [mapped.column(f.name) for f in typed_schema], schema=typed_schema)
        raw = pa.Table.from_arrays([mapped.column(c if c in shared else RAW + c) for c in raw_schema.names],
                                   schema=raw_schema)
        return raw, typed

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


def _concat(tables: list[pa.Table]) -> pa.Table:
    """The tables one after another (pa.concat_tables loses the row count of tables without columns)."""
    if tables[0].num_columns:
        return pa.concat_tables(tables)
    rows = sum(t.num_rows for t in tables)
    column = pa.table({"rows": pa.nulls(rows)}).replace_schema_metadata(tables[0].schema.metadata)
    return column.select([])  # (replacing the metadata of a table without columns loses its row count too)


def spilled(spill, raw: pa.Table, typed: pa.Table | None) -> tuple[pa.Table, pa.Table | None]:
    """(raw, typed) written to the spill and read back mapped: the same tables."""
    g = Gather(spill)
    g.add(raw, typed)
    return g.finish()
