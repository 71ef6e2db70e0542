"""Columns as numbers: numpy values as an Arrow int64 array, a column's values as dictionary codes (equal exactly
where the values are), and the runs of a column in ascending order, for the checks and derived columns that count and
compare rows with numpy instead of a group-by (which would import Acero) or Python values."""

from __future__ import annotations

import pyarrow as pa

from . import kernels as pc


def int64_array(values) -> pa.Array:
    """numpy integers as an Arrow int64 array, without a copy when they already are int64 (pa.array on a numpy array
    imports numpy.ma, about 40 ms on first use, which a valid package's validate otherwise never pays)."""
    import numpy as np

    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def value_codes(*columns) -> tuple[list, int]:
    """The values of columns of one type as int64 numpy codes (one array per column) from one dictionary, equal exactly
    where the values are, and n, the number of distinct values; a null gets code n."""
    import numpy as np

    parts, n = code_chunks(*columns)
    codes = np.empty(sum(len(c) for c in columns), dtype=np.int64)
    if parts:
        np.concatenate(parts, out=codes)  # widened as it is copied: no int32 copy of the whole column first
    return np.split(codes, np.cumsum([len(c) for c in columns])[:-1]), n


def code_chunks(*columns) -> tuple[list, int]:
    """value_codes chunk by chunk: the codes as int32 numpy arrays, one per chunk of the columns in turn (views of
    Arrow's dictionary indices where a chunk has no null), and n; a null gets code n. A caller that folds them into
    codes of its own holds 4 bytes a row for them, not value_codes' 8 (nor the 20 of joining, filling and widening the
    whole column in turn, as value_codes did until the nineteenth round)."""
    chunks = [ch for col in columns for ch in (col.chunks if isinstance(col, pa.ChunkedArray) else [col])]
    enc = pc.dictionary_encode(pa.chunked_array(chunks, columns[0].type))
    n = len(enc.chunks[0].dictionary) if enc.num_chunks else 0  # the chunks share one dictionary
    return [(c.indices if not c.indices.null_count else pc.fill_null(c.indices, n)).to_numpy(zero_copy_only=False)
            for c in enc.chunks], n


def ascending_runs(col) -> tuple | None:
    """For a column without nulls whose values stand in ascending order (bytewise for text, as DuckDB and Arrow
    compare it): (its distinct values, a boolean array true where a run of equal values begins); else None. A table
    in canonical form holds its first key column so; its distinct values then come without a hash table."""
    if col.null_count:
        return None
    one_true = pa.Array.from_buffers(pa.bool_(), 1, [None, pa.py_buffer(b"\x01")])  # pa.array([True]) imports pandas
    if len(col) < 2:
        return col, one_true.slice(0, len(col))
    before, after = col.slice(0, len(col) - 1), col.slice(1)
    if not pc.all(pc.less_equal(before, after)).as_py():
        return None
    differs = pc.not_equal(before, after)  # a value that differs from the one before it begins a run
    begins = pa.chunked_array([one_true, *(differs.chunks if isinstance(differs, pa.ChunkedArray) else [differs])], pa.bool_())
    return (col if pc.all(differs).as_py() else pc.filter(col, begins)), begins  # distinct already (a key): no copy
