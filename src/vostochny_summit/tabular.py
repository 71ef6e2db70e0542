"""Reading curated CSVs into Arrow, typing them from the Table Schema, and writing the canonical CSV form.

The canonical form: UTF-8 without BOM, LF line ends, the schema's column order, rows sorted by primary key,
minimal quoting, empty cell = null.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .package import Table

ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
}


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


def read_raw(source) -> RawTable:
    """Parse a CSV with every column as string; empty unquoted cells are null, quoted "" stays an empty string.

    Ragged rows are skipped and reported with their data row number (row 1 = first line below the header).
    """
    try:
        data_bytes = source if isinstance(source, bytes) else open(source, "rb").read()
        first = data_bytes.split(b"\n", 1)[0].decode("utf-8-sig").rstrip("\r")
        header = next(csv.reader([first])) if first else []
        data, ragged = _parse(data_bytes, header, threads=True)
        if ragged and any(n is None for n, _ in ragged):
            data, ragged = _parse(data_bytes, header, threads=False)  # only a serial parse knows line numbers
        return RawTable(header, data, [(-1 if n is None else n - 1, cells) for n, cells in ragged])
    except (OSError, UnicodeDecodeError, pa.ArrowInvalid, StopIteration) as exc:
        return RawTable([], None, [], error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def _parse(data_bytes: bytes, header: list[str], threads: bool):
    ragged: list[tuple[int | None, int]] = []

    def on_invalid(row):
        ragged.append((row.number if row.number and row.number > 0 else None, row.actual_columns))
        return "skip"

    data = pacsv.read_csv(
        pa.BufferReader(data_bytes),
        read_options=pacsv.ReadOptions(use_threads=threads, block_size=1 << 24),
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
            col = pc.equal(col, "true")
        cols.append(col.cast(f.type))
    return pa.Table.from_arrays(cols, schema=schema)


def key_order(table: Table, data: pa.Table) -> pa.Array:
    """Row indices that sort data by the table's primary key."""
    return pc.sort_indices(data, sort_keys=[(k, "ascending") for k in table.primary_key])


def sort_by_key(table: Table, data: pa.Table) -> pa.Table:
    return data.take(key_order(table, data)) if table.primary_key else data


def _rendered(col, type_: pa.DataType):
    """A column as canonical CSV cell text: strings quoted only when they hold a comma, quote, CR or LF."""
    if pa.types.is_string(type_):
        needs = pc.match_substring_regex(col, '[,"\r\n]')
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(col, '"', '""'), '"', "")
        col = pc.if_else(needs, quoted, col)
    else:
        col = col.cast(pa.string())  # ints as digits, floats shortest round-trip, dates ISO, bools true/false
    return pc.fill_null(col, "")


def canonical_csv(table: Table, data: pa.Table, sort: bool = True) -> str:
    """Render typed data as CSV text: schema column order, minimal quoting, LF; sorted by key unless sort=False.

    Vectorised with pyarrow compute, so that formatting and the canonical-form check stay fast on large tables.
    """
    data = data.select(table.field_names)
    if sort:
        data = sort_by_key(table, data)
    header = ",".join(table.field_names) + "\n"
    if data.num_rows == 0:
        return header
    cells = [_rendered(data.column(n), data.schema.field(n).type) for n in table.field_names]
    lines = pc.binary_join_element_wise(*cells, ",")
    return header + "\n".join(lines.to_pylist()) + "\n"


def first_noncanonical_line(table: Table, data: pa.Table, raw: bytes, plain: set[str] = frozenset()) -> int | None:
    """The 1-based line number of the first line of `raw` that differs from canonical_csv(table, data), else None.

    data is the typed table in file order. Equivalent to comparing with canonical_csv, but without rendering every
    row: given that raw parses to data, any non-canonical spelling of a cell (needless quotes, "48.0" for 48, "05"
    for 5) makes its line longer than the canonical one, so comparing line lengths is exact, except for rows holding
    a value with a '"' (its unquoted spelling could be shorter): those rows are rendered and compared in full.
    `plain` names string columns known to hold no character that needs quoting (checked IDs and vocabularies).
    """
    import numpy as np

    header = (",".join(table.field_names) + "\n").encode()
    if not raw.startswith(header):
        return 1
    n = data.num_rows
    if n == 0:
        return None if raw == header else 2
    order = key_order(table, data).to_numpy()
    unsorted = np.flatnonzero(order != np.arange(n))
    buf = np.frombuffer(raw, dtype=np.uint8)
    ends = np.flatnonzero(buf == 10)
    if len(ends) != n + 1 or ends[-1] != len(raw) - 1:
        return min(len(ends), n + 1) + 1
    have = np.diff(ends)  # byte length of each data line, its LF included
    want = np.full(n, len(table.field_names), dtype=np.int64)  # commas + LF
    has_quote = np.zeros(n, dtype=bool)
    for f in table.fields:
        col = data.column(f.name)
        if f.name in plain:
            length = pc.binary_length(col)
        elif pa.types.is_string(col.type):
            length = pc.binary_length(col.cast(pa.binary()))
            needs = pc.match_substring_regex(col, '[,"\r\n]')
            quote = pc.match_substring(col, '"')
            length = pc.add(length, pc.if_else(needs, 2, 0))
            has_quote |= pc.fill_null(quote, False).to_numpy(zero_copy_only=False)
        else:
            length = pc.binary_length(col.cast(pa.string()))
        want += pc.fill_null(length, 0).to_numpy(zero_copy_only=False)
    bad = np.flatnonzero((have != want) & ~has_quote)
    quoted = np.flatnonzero(has_quote)
    if len(quoted):
        rendered = canonical_csv(table, data.take(quoted), sort=False).encode()[len(header):].split(b"\n")
        for i, line in zip(quoted, rendered):
            if raw[ends[i] + 1: ends[i + 1]] != line:
                bad = np.append(bad, i)
    candidates = [int(x.min()) for x in (bad, unsorted) if len(x)]
    return min(candidates) + 2 if candidates else None


def read_typed(table: Table, version: str | None = None) -> pa.Table:
    raw = read_raw(table.csv_path)
    if raw.error or raw.data is None:
        raise ValueError(f"{table.csv_path}: {raw.error}")
    if raw.ragged_rows:
        raise ValueError(f"{table.csv_path}: ragged rows {raw.ragged_rows[:5]}")
    return typed(table, raw.data, version)
