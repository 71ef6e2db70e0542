"""pandera schemas for pandas and polars frames, built from the model (never from the Table Schema JSON).

What one frame can check on its own: column names and order, dtypes (nullable where the schema allows), required,
vocabularies, patterns, bounds, lengths, real ISO 3166 codes, unique columns, the primary key (composite keys
included), unique keys (rows with an empty cell are not compared) and the row rules of the model (exactly one entity
column, `char_end > char_start`, `date_earliest <= date_latest`, …).

What it cannot check stays in `vostochny-summit validate`: foreign keys and other rules across tables, spans against
the article texts, derived columns (claim status, date bounds), the canonical CSV form, fixity and the Parquet files.
"""

from __future__ import annotations

from functools import lru_cache

from .model import RESOURCES, Field, Resource, resource

BACKENDS = ("pandas", "polars")


def pandera_schema(name: str, backend: str = "pandas", coerce: bool = False):
    """The pandera DataFrameSchema of table `name` for `backend` ("pandas" or "polars").

    The pandas schema expects the frame `load(name)` returns (pyarrow-backed dtypes); with coerce=True it first
    converts the columns, so a frame read another way (e.g. `pd.read_csv(..., keep_default_na=False,
    na_values=[""])`) can be checked too. Validate with `schema.validate(frame, lazy=True)` to get every failure at
    once (pandera raises SchemaErrors with a failure_cases frame).
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    return _build(resource(name).name, backend, coerce)


@lru_cache(maxsize=None)
def _build(name: str, backend: str, coerce: bool):
    res = RESOURCES[name]
    return _pandas_schema(res, coerce) if backend == "pandas" else _polars_schema(res, coerce)


def _country_codes() -> list[str]:
    import pycountry

    return sorted(c.alpha_2 for c in pycountry.countries)


def _column_checks(f: Field, Check) -> list:
    checks = []
    if f.vocabulary:
        checks.append(Check.isin(f.enum, name="enum", error=f"enum: expected one of {', '.join(f.enum)}"))
    if f.pattern:
        checks.append(Check.str_matches(f.pattern, name="pattern", error=f"pattern: expected a match of {f.pattern}"))
    if f.kind == "iso-country":
        checks.append(Check.isin(_country_codes(), name="country-code",
                                 error="country-code: expected an ISO 3166-1 alpha-2 code (pycountry)"))
    if f.minimum is not None:
        checks.append(Check.ge(f.minimum, name="minimum", error=f"minimum: expected at least {f.minimum}"))
    if f.maximum is not None:
        checks.append(Check.le(f.maximum, name="maximum", error=f"maximum: expected at most {f.maximum}"))
    if f.min_length is not None:
        checks.append(Check.str_length(min_value=f.min_length, name="minLength",
                                       error=f"minLength: expected at least {f.min_length} characters"))
    return checks


def _keys(res: Resource) -> list[tuple[str, tuple[str, ...]]]:
    """(check name, columns) of every composite key: the primary key when it has several columns, unique keys."""
    keys = [("primary-key", res.primary_key)] if len(res.primary_key) > 1 else []
    return keys + [("unique-key", k) for k in res.unique_keys]


def _schema(res: Resource, coerce: bool, pa, dtype, rows_ok):
    """The DataFrameSchema of a table in one backend: pa is pandera.pandas or pandera.polars, dtype(field) the
    column's type there, rows_ok(condition) a check function that is true on the rows where condition is false."""
    def key_check(name, cols):
        # two rows with the same key; a unique key compares only rows where every column is set
        return pa.Check(rows_ok(DuplicateKey(cols, primary=name == "primary-key")), name=name,
                        error=f"{name} [{'/'.join(cols)}]: expected no two rows with the same values")

    columns = {f.name: pa.Column(dtype(f), nullable=not f.required, unique=f.unique, checks=_column_checks(f, pa.Check),
                                 description=f.description, title=f.name)
               for f in res.fields}
    checks = [key_check(n, cols) for n, cols in _keys(res)]
    checks += [pa.Check(rows_ok(r.violated), name=r.code, error=f"{r.code} [{r.field}]: expected {r.expected}")
               for r in res.rules]
    return pa.DataFrameSchema(columns, checks=checks, strict=True, ordered=True, coerce=coerce, name=res.name,
                              description=res.description)


class DuplicateKey:
    """A row condition for the key checks: the row shares its key columns with another row."""

    def __init__(self, cols: tuple[str, ...], primary: bool):
        self.cols, self.primary = list(cols), primary

    def pandas(self, df):
        present = df[self.cols] if self.primary else df[self.cols].dropna()
        return present.duplicated(keep=False).reindex(df.index, fill_value=False)

    def polars(self):
        import polars as pl

        dup = pl.struct(self.cols).is_duplicated()
        return dup if self.primary else dup & pl.all_horizontal([pl.col(c).is_not_null() for c in self.cols])


def _pandera(module: str):
    """Import a pandera module without pyspark's warnings.

    pandera imports `pyspark.pandas` whenever pyspark is installed (the `spark` extra), from three places. With
    pandas 3 that import warns ("FutureWarning: PySpark does not yet fully support pandas >= 3.0.0") and then fails
    (pyspark.pandas needs pandas' DateOffset where pandas 3 no longer has it), each time again, about a second each;
    pandera catches the ImportError and goes on without it. So the warnings come from an import that cannot succeed.
    We make that import once, with pyspark's FutureWarning ignored; when it fails we mark `pyspark.pandas` as not
    importable in this process (`sys.modules[...] = None`, Python's own way to say so), so pandera's attempts fail
    at once and silently. pyspark itself (`pyspark.sql`, what the README's Spark example uses) is untouched; where
    pyspark.pandas does import (pandas 2), it is simply imported once, quietly (pyspark 4.0 then warns that
    PYARROW_IGNORE_TIMEZONE is not set, which concerns pandas-on-Spark users, not this import). Any failure of that
    import marks it so: pyspark 3.5 under NumPy 2 fails with an AttributeError (np.NaN), which pandera would not catch."""
    import importlib
    import importlib.util
    import sys
    import warnings

    if "pyspark.pandas" not in sys.modules and importlib.util.find_spec("pyspark") is not None:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")
            warnings.filterwarnings("ignore", message=".*PYARROW_IGNORE_TIMEZONE", category=UserWarning)
            try:
                importlib.import_module("pyspark.pandas")
            except Exception:  # noqa: BLE001 - whatever stops pyspark.pandas, pandera must not meet it again
                sys.modules["pyspark.pandas"] = None
    return importlib.import_module(module)


def _pandas_schema(res: Resource, coerce: bool):
    import pandas as pd

    pa = _pandera("pandera.pandas")

    return _schema(res, coerce, pa, lambda f: pd.ArrowDtype(f.arrow_type),
                   lambda cond: lambda df: ~cond.pandas(df))


def _polars_schema(res: Resource, coerce: bool):
    pa = _pandera("pandera.polars")

    return _schema(res, coerce, pa, lambda f: f.polars_type,
                   lambda cond: lambda data: data.lazyframe.select((~cond.polars()).alias("ok")))
