"""The Python API: tables(), load(), load_all(), text(), connect(), path(), croissant_path(), descriptor(),
pandera_schema().

Every function takes an optional `root` (a package directory); the default is the installed package, or the
repository root for an editable install. The functions that hand out data (load, load_all, text, connect) check the
descriptor's seal first (seal.py) and raise SealBroken, one line naming the file and the fix, when the package is not
the one `build` sealed.
"""

from __future__ import annotations

import copy
import importlib
from pathlib import Path

from .dataframe_schemas import pandera_schema
from .package import Package

__all__ = ["connect", "croissant_path", "descriptor", "load", "load_all", "pandera_schema", "path", "tables", "text"]


class MissingExtra(ImportError):
    """An optional engine is not installed; the message names the pip extra that brings it."""


def require(module: str, extra: str):
    """Import an optional module, or fail with one line naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(f"{module} is not installed: pip install 'vostochny-summit[{extra}]'") from None

_default: Package | None = None


def _pkg(root=None) -> Package:
    global _default
    if root is not None:
        return Package(root)
    if _default is None:
        _default = Package()
    return _default


def _sealed(root=None) -> Package:
    """The package, once its seal holds (SealBroken otherwise)."""
    from .seal import open_sealed

    return open_sealed(_pkg(root))


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


def croissant_path(root=None) -> Path:
    """Path of the package's Croissant metadata, croissant.json (in the wheel too): give it to
    `mlcroissant.Dataset(jsonld=str(...))`; its file paths are relative to it."""
    return _pkg(root).root / "croissant.json"


def load(name: str, engine: str = "pandas", root=None, validate: bool = False):
    """Load one table, typed from its Table Schema, empty cells as nulls.

    engine: 'pandas' (pyarrow-backed dtypes), 'polars' (needs the `polars` extra) or 'arrow'.
    validate: check the frame with pandera_schema(name, engine) first (every failure at once, as
    pandera.errors.SchemaErrors). That covers what one table can show on its own; foreign keys, spans against the
    texts and the other rules across tables are checked by `vostochny-summit validate`.
    """
    _check_engine(engine)
    if validate and engine == "arrow":
        raise ValueError("validate=True needs engine 'pandas' or 'polars' (pandera checks data frames)")
    return _read(_sealed(root), name, engine, validate)


def _check_engine(engine: str) -> None:
    """Before the seal is checked: a wrong engine is the caller's mistake, whatever state the package is in."""
    if engine not in ("pandas", "polars", "arrow"):
        raise ValueError(f"engine must be 'pandas', 'polars' or 'arrow', got {engine!r}")


def _read(pkg: Package, name: str, engine: str, validate: bool = False):
    import pyarrow.parquet as pq

    data = pq.ParquetFile(pkg.table(name).parquet_path).read()  # one file: skip read_table's dataset layer
    if engine == "arrow":
        return data
    if engine == "pandas":
        pd = require("pandas", "pandas")
        frame = data.to_pandas(types_mapper=pd.ArrowDtype)
    else:
        frame = require("polars", "polars").from_arrow(data)
    if validate:
        pandera_schema(name, engine).validate(frame, lazy=True)
    return frame


def load_all(engine: str = "pandas", root=None) -> dict:
    """Every table, by name, in descriptor order (as load() returns each)."""
    _check_engine(engine)
    pkg = _sealed(root)  # the seal once, for every table
    return {name: _read(pkg, name, engine) for name in pkg.tables}


def text(source_id: str, root=None) -> str:
    """The exact text of an article (offsets in every span table are code points into it)."""
    from .articles import read_text
    from .model.columns import sources

    pkg, c = _sealed(root), sources()
    rows = load(c.table, "arrow", root).select([c.id, c.path]).to_pylist()
    paths = {r[c.id]: r[c.path] for r in rows}
    if source_id not in paths:
        raise KeyError(f"no article {source_id!r}; the articles are: {', '.join(paths)}")
    return read_text(pkg.root / paths[source_id])


def connect(root=None):
    """An in-memory DuckDB connection with one view per table over the Parquet files, commented from the schemas."""
    import duckdb

    from .sql import ident, literal

    pkg = _sealed(root)
    con = duckdb.connect()
    for t in pkg.tables.values():
        con.execute(f"CREATE VIEW {ident(t.name)} AS SELECT * FROM read_parquet({literal(t.parquet_path.as_posix())})")
        con.execute(f"COMMENT ON VIEW {ident(t.name)} IS {literal(t.schema.get('description', ''))}")
        for f in t.fields:
            con.execute(f"COMMENT ON COLUMN {ident(t.name)}.{ident(f.name)} IS {literal(f.description)}")
    return con
