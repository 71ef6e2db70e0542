"""The Python API: tables(), load(), connect(), path(), descriptor().

Every function takes an optional `root` (a package directory); the default is the installed package, or the
repository root for an editable install.
"""

from __future__ import annotations

import copy
from pathlib import Path

from .package import Package

_default: Package | None = None


def _pkg(root=None) -> Package:
    global _default
    if root is not None:
        return Package(root)
    if _default is None:
        _default = Package()
    return _default


def tables(root=None) -> list[str]:
    """Names of the tables, in descriptor order."""
    return list(_pkg(root).tables)


def descriptor(root=None) -> dict:
    """A copy of the Data Package descriptor (datapackage.json)."""
    return copy.deepcopy(_pkg(root).descriptor)


def path(name: str, format: str = "csv", root=None) -> Path:
    """Path of a table's file: format 'csv' (curated source of truth) or 'parquet' (generated, typed)."""
    t = _pkg(root).table(name)
    if format == "csv":
        return t.csv_path
    if format == "parquet":
        return t.parquet_path
    raise ValueError(f"format must be 'csv' or 'parquet', got {format!r}")


def load(name: str, engine: str = "pandas", root=None):
    """Load one table, typed from its Table Schema, empty cells as nulls.

    engine: 'pandas' (pyarrow-backed dtypes), 'polars' or 'arrow'.
    """
    import pyarrow.parquet as pq

    t = _pkg(root).table(name)
    data = pq.ParquetFile(t.parquet_path).read()  # one file: skip read_table's dataset layer
    if engine == "arrow":
        return data
    if engine == "pandas":
        import pandas as pd

        return data.to_pandas(types_mapper=pd.ArrowDtype)
    if engine == "polars":
        import polars as pl

        return pl.from_arrow(data)
    raise ValueError(f"engine must be 'pandas', 'polars' or 'arrow', got {engine!r}")


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(root=None):
    """An in-memory DuckDB connection with one view per table over the Parquet files, commented from the schemas."""
    import duckdb

    pkg = _pkg(root)
    con = duckdb.connect()
    for t in pkg.tables.values():
        con.execute(f'CREATE VIEW "{t.name}" AS SELECT * FROM read_parquet({_sql_str(t.parquet_path.as_posix())})')
        con.execute(f'COMMENT ON VIEW "{t.name}" IS {_sql_str(t.schema.get("description", ""))}')
        for f in t.fields:
            con.execute(f'COMMENT ON COLUMN "{t.name}"."{f.name}" IS {_sql_str(f.description)}')
    return con
