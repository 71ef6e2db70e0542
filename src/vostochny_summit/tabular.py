"""Reading curated CSVs into Arrow, typing them from the Table Schema, and writing the canonical CSV form.

The canonical form: UTF-8 without BOM, LF line ends, the schema's column order, rows sorted by primary key,
minimal quoting, empty cell = null.
"""

from __future__ import annotations

import csv
import mmap
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from . import kernels as pc
from .model import TYPES
from .package import Table

ARROW_TYPES = {name: getattr(pa, t["arrow"])() for name, t in TYPES.items()}  # Table Schema type -> Arrow type


def arrow_schema(table: Table, version: str | None = None) -> pa.Schema:
    """The Arrow schema of a table, read from its Table Schema (descriptions kept as field metadata)."""
    fields = [
        pa.field(f.name, ARROW_TYPES[f.type], nullable=not f.required,
                 metadata={"description": f.description})
        for f in table.fields
    ]
    meta = {"table": table.name}
    if version:
        meta["vostochny_summit.version"] = version
    return pa.schema(fields, metadata=meta)


@dataclass
class RawTable:
    """A CSV read with every cell as a string, plus what went wrong while parsing."""

    header: list[str]
    data: pa.Table | None
    ragged_rows: list[tuple[int, int]] = field(default_factory=list)  # (data row number, cell count)
    error: str | None = None


def map_file(path: Path):
    """A file's bytes as a read-only memory map (bytes-like: find, slicing, the buffer protocol), or b"" if empty.

    Mapped, not read: the bytes stay in the page cache instead of being copied into fresh memory, which on a large
    package is most of the page faults of a run. The file must not be truncated while the map is in use.
    """
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if size else b""


def parquet_reader(path: Path):
    """pyarrow's reader of one local Parquet file (schema_arrow, metadata, num_row_groups, iter_batches, close), opened
    without importing pyarrow.parquet: that module imports pyarrow.fs and with it ssl and every cloud filesystem, 8 ms
    of the real package's 0.22 s validate, which reads local files only. It is the reader that
    pyarrow.parquet.ParquetFile(path, pre_buffer=False) wraps (its .reader), opened the same way; no pre-buffering, which
    coalesces reads for remote storage and holds whole row groups. Close it when done."""
    from pyarrow._parquet import ParquetReader

    reader = ParquetReader()
    reader.open(str(path), pre_buffer=False)
    return reader


PARSE_SLICE = 64 << 20  # bytes of a memory map parsed at a time when read_raw is told what to do behind the parse


def read_raw(source, behind=None, threads: bool = True) -> RawTable:
    """Parse a CSV with every column as string; empty unquoted cells are null, quoted "" stays an empty string.

    source: a path, or the file's bytes (bytes or a memory map). Ragged rows are skipped and reported with their data
    row number (row 1 = first line below the header). behind(start, end), when given, is called on each byte range
    once it is parsed (byte_scans.pages_behind: a map's pages leave this process's memory): a large file is then
    parsed PARSE_SLICE bytes at a time, so that its pages and its parsed cells are not all held at once. threads:
    whether Arrow parses on its own threads (not when the caller's own threads keep the cores busy)."""
    try:
        data_bytes = source if isinstance(source, (bytes, mmap.mmap)) else map_file(source)
        eol = data_bytes.find(b"\n")
        first = data_bytes[: eol if eol >= 0 else len(data_bytes)].decode("utf-8-sig").rstrip("\r")
        header = next(csv.reader([first])) if first else []
        if behind is not None and len(data_bytes) > PARSE_SLICE:
            data = _parse_slices(data_bytes, header, behind, threads)
            if data is not None:
                return RawTable(header, data, [])
        data, ragged = _parse(data_bytes, header, threads=threads)
        if ragged and any(n is None for n, _ in ragged):
            data, ragged = _parse(data_bytes, header, threads=False)  # only a serial parse knows line numbers
        return RawTable(header, data, [(-1 if n is None else n - 1, cells) for n, cells in ragged])
    except (OSError, UnicodeDecodeError, pa.ArrowInvalid, StopIteration) as exc:
        return RawTable([], None, [], error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def _parse_slices(data_bytes, header: list[str], behind, threads: bool) -> pa.Table | None:
    """The CSV parsed a slice of about PARSE_SLICE bytes at a time, each ending at a line end (no value holds a line
    break: newlines_in_values is off), with behind(start, end) called on each slice's byte range once parsed.
    None when a row is ragged or a slice does not parse: read_raw then parses the whole file again, which alone numbers
    ragged rows and words an error as for the whole file."""
    tables, start, size, view = [], 0, len(data_bytes), memoryview(data_bytes)
    try:
        while start < size:
            end = data_bytes.find(b"\n", min(start + PARSE_SLICE, size) - 1)
            end = size if end < 0 else end + 1
            try:
                part, ragged = _parse(view[start:end], header, threads=threads, names=start > 0)
            except pa.ArrowInvalid:
                return None
            if ragged:
                return None
            tables.append(part)
            behind(start, end)
            start = end
    finally:
        view.release()
    return pa.concat_tables(tables)


def _parse(data_bytes: bytes, header: list[str], threads: bool, names: bool = False):
    """names: the bytes have no header line (a later slice of the file): the columns are named from header."""
    ragged: list[tuple[int | None, int]] = []

    def on_invalid(row):
        ragged.append((row.number if row.number and row.number > 0 else None, row.actual_columns))
        return "skip"

    data = pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(data_bytes)),
        read_options=pacsv.ReadOptions(use_threads=threads, block_size=1 << 22, column_names=header if names else None),
        parse_options=pacsv.ParseOptions(newlines_in_values=False, invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header},
            null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=False,
        ),
    )
    return data, ragged


def typed(table: Table, raw: pa.Table, version: str | None = None, enforce_required: bool = True) -> pa.Table:
    """Cast a string table to the schema's types (raises pyarrow.ArrowInvalid on a bad cell).

    With enforce_required=False every column is nullable, so that a table with a missing required value can still be
    checked further (the validator reports the missing value itself).
    """
    schema = arrow_schema(table, version)
    if not enforce_required:
        schema = pa.schema([f.with_nullable(True) for f in schema], metadata=schema.metadata)
    cols = []
    for f in schema:
        col = raw.column(f.name)
        if f.type == pa.bool_():
            col = pc.equal(col, string_scalar("true"))
        try:
            cols.append(pc.cast(col, f.type))
        except pa.ArrowInvalid:
            if not pa.types.is_integer(f.type):
                raise
            cols.append(pc.cast(pc.replace_substring_regex(col, pattern=r"^\+", replacement=""), f.type))  # Arrow reads "-5" but not "+5"
    return pa.Table.from_arrays(cols, schema=schema)


def key_order(table: Table, data: pa.Table) -> pa.Array:
    """Row indices that sort data by the table's primary key."""
    return pc.sort_indices(data, sort_keys=[(k, "ascending") for k in table.primary_key])


def key_order_if_unsorted(table: Table, data: pa.Table) -> pa.Array | None:
    """key_order(table, data), or None when data already stands in key order (or the table has no key)."""
    return None if not table.primary_key or first_out_of_order(table, data) is None else key_order(table, data)


def sort_by_key(table: Table, data: pa.Table) -> pa.Table:
    """data sorted by the table's primary key (as it is when already sorted: a take would copy every column)."""
    order = key_order_if_unsorted(table, data)
    return data if order is None else pc.take(data, order)


def string_scalar(value: str) -> pa.Scalar:
    """A string as an Arrow scalar, for a compute function's argument: pyarrow converts a bare str through its generic
    path, which imports dateutil and calendar (about 3 ms, once per process)."""
    return pa.scalar(value, pa.string())


def _rendered(col, type_: pa.DataType):
    """A column as canonical CSV cell text: strings quoted only when they hold a comma, quote, CR or LF."""
    quote, empty = string_scalar('"'), string_scalar("")
    if pa.types.is_string(type_):
        needs = pc.match_substring_regex(col, pattern='[,"\r\n]')
        quoted = pc.binary_join_element_wise(quote, pc.replace_substring(col, pattern='"', replacement='""'), quote, empty)
        col = pc.if_else(needs, quoted, col)
    else:
        col = pc.cast(col, pa.string())  # ints as digits, floats shortest round-trip, dates ISO, bools true/false
    return pc.fill_null(col, empty)


def canonical_lines(table: Table, data: pa.Array) -> pa.Array:
    """Each row of typed data as its canonical CSV line (without the LF), in the order given."""
    data = data.select(table.field_names)
    cells = [_rendered(data.column(n), data.schema.field(n).type) for n in table.field_names]
    return pc.binary_join_element_wise(*cells, string_scalar(","))


def canonical_line_batches(table: Table, data: pa.Table, sort: bool = True, rows: int = 1 << 16):
    """canonical_lines of data's rows, `rows` at a time, in key order unless sort=False (taken by the key order)."""
    order = key_order_if_unsorted(table, data) if sort else None
    for lo in range(0, data.num_rows, rows):
        k = min(rows, data.num_rows - lo)
        yield canonical_lines(table, data.slice(lo, k) if order is None else pc.take(data, order.slice(lo, k)))


def canonical_csv(table: Table, data: pa.Table, sort: bool = True) -> str:
    """Render typed data as CSV text: schema column order, minimal quoting, LF; sorted by key unless sort=False.
    Vectorised with pyarrow compute, so that formatting and the canonical-form check stay fast on large tables."""
    lines = canonical_line_batches(table, data, sort)
    return ",".join(table.field_names) + "\n" + "".join("\n".join(part.to_pylist()) + "\n" for part in lines)


def key_neighbours(table: Table, data: pa.Table):
    """For each pair of neighbouring rows (i, i + 1), by primary key in key_order's order (bytewise, nulls last):
    (before, tied) numpy bool arrays: row i + 1 sorts before row i; the two rows have the same key.

    Compares neighbours column by column instead of sorting: a few passes, not a sort.
    """
    import numpy as np

    n = max(data.num_rows - 1, 0)
    before, tied = np.zeros(n, dtype=bool), np.ones(n, dtype=bool)
    for k in table.primary_key if n else []:
        col = data.column(k)
        above, below = col.slice(0, n), col.slice(1)
        a_null = pc.is_null(above).to_numpy(zero_copy_only=False)
        b_null = pc.is_null(below).to_numpy(zero_copy_only=False)
        less = pc.fill_null(pc.less(below, above), False).to_numpy(zero_copy_only=False) | (a_null & ~b_null)
        same = pc.fill_null(pc.equal(below, above), False).to_numpy(zero_copy_only=False) | (a_null & b_null)
        before |= tied & less
        tied &= same
    return before, tied


def first_out_of_order(table: Table, data: pa.Table, before=None) -> int | None:
    """Index of the first row that sorts before the row above it (key_order's order), else None. before:
    key_neighbours(table, data)[0] when already computed."""
    import numpy as np

    if not table.primary_key:
        return None
    first = np.flatnonzero(key_neighbours(table, data)[0] if before is None else before)
    return int(first[0]) + 1 if len(first) else None


def read_typed(table: Table, version: str | None = None) -> pa.Table:
    raw = read_raw(table.csv_path)
    if raw.error or raw.data is None:
        raise ValueError(f"{table.csv_path}: {raw.error}")
    if raw.ragged_rows:
        raise ValueError(f"{table.csv_path}: ragged rows {raw.ragged_rows[:5]}")
    return typed(table, raw.data, version)
