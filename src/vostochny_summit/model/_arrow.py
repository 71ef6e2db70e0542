"""What the Arrow form of the row rules (rules.Cond.arrow) reads a table with: Arrow's compute functions (the package's
kernels module, which does not import pyarrow.compute), imported when first used (importing the model stays cheap),
and a column cast to its type the way the SQL's TRY_CAST reads it."""

from __future__ import annotations


def compute():
    from .. import kernels

    return kernels


def column(data, name: str, types: dict | None):
    """A column, cast to its type when it is text (dates only within years 1..9999, where Arrow and DuckDB agree)."""
    import pyarrow as pa

    col = data.column(name)
    if not types or name not in types or col.type == types[name]:
        return col
    col = compute().cast(col, types[name])
    if pa.types.is_date32(col.type) and len(col) > col.null_count:
        days = compute().min_max(compute().cast(col, pa.int32())).as_py()  # days since 1970-01-01 (year() imports dateutil)
        if days["min"] < -719162 or days["max"] > 2932896:  # 0001-01-01, 9999-12-31
            raise pa.ArrowInvalid("a year outside 1..9999")
    return col
