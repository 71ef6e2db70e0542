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
EXTRA_OF = {"pandas": "pandas", "polars": "polars", "pandera": "pandera"}


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


# ---- pandas -------------------------------------------------------------------------------------------------------
def _pandas_schema(res: Resource, coerce: bool):
    import pandas as pd
    import pandera.pandas as pa

    def key_check(name, cols, primary):
        def unique_rows(df):
            present = df[list(cols)]
            if not primary:  # a unique key compares only rows where every column is set
                present = present.dropna()
            return ~present.duplicated(keep=False).reindex(df.index, fill_value=False)

        return pa.Check(unique_rows, name=name, error=f"{name} [{'/'.join(cols)}]: expected no two rows with the same values")

    def rule_check(rule):
        return pa.Check(lambda df: ~rule.violated.pandas(df), name=rule.code, error=f"{rule.code} [{rule.field}]: expected {rule.expected}")

    columns = {
        f.name: pa.Column(pd.ArrowDtype(f.arrow_type), nullable=not f.required, unique=f.unique,
                          checks=_column_checks(f, pa.Check), description=f.description, title=f.name)
        for f in res.fields
    }
    checks = [key_check(n, cols, n == "primary-key") for n, cols in _keys(res)] + [rule_check(r) for r in res.rules]
    return pa.DataFrameSchema(columns, checks=checks, strict=True, ordered=True, coerce=coerce, name=res.name,
                              description=res.description)


# ---- polars -------------------------------------------------------------------------------------------------------
def _polars_schema(res: Resource, coerce: bool):
    import polars as pl
    import pandera.polars as pa

    def key_check(name, cols, primary):
        def unique_rows(data):
            frame = data.lazyframe
            dup = pl.struct(list(cols)).is_duplicated()
            if not primary:
                dup = dup & pl.all_horizontal([pl.col(c).is_not_null() for c in cols])
            return frame.select((~dup).alias("ok"))

        return pa.Check(unique_rows, name=name, error=f"{name} [{'/'.join(cols)}]: expected no two rows with the same values")

    def rule_check(rule):
        return pa.Check(lambda data: data.lazyframe.select((~rule.violated.polars()).alias("ok")), name=rule.code,
                        error=f"{rule.code} [{rule.field}]: expected {rule.expected}")

    columns = {
        f.name: pa.Column(f.polars_type, nullable=not f.required, unique=f.unique, checks=_column_checks(f, pa.Check),
                          description=f.description, title=f.name)
        for f in res.fields
    }
    checks = [key_check(n, cols, n == "primary-key") for n, cols in _keys(res)] + [rule_check(r) for r in res.rules]
    return pa.DataFrameSchema(columns, checks=checks, strict=True, ordered=True, coerce=coerce, name=res.name,
                              description=res.description)
