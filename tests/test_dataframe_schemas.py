"""The pandera schemas: every table passes with both backends, they agree with the published Table Schemas field by
field, and for every planted single-table defect pandera and `validate` both reject the row and name the same column."""

from __future__ import annotations

import json
import re

import pandas as pd
import pandera.errors as pandera_errors  # a runtime dependency
import pyarrow as pa
import pytest

import vostochny_summit as vs
from vostochny_summit.model import RESOURCES
from vostochny_summit.tabular import canonical_csv, read_typed

from .helpers import ROOT

BACKENDS = ("pandas", "polars")


def frame(table: pa.Table, backend: str):
    if backend == "pandas":
        return table.to_pandas(types_mapper=pd.ArrowDtype)
    import polars as pl

    return pl.from_arrow(table)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", list(RESOURCES))
def test_every_table_passes_its_pandera_schema(name, backend):
    vs.pandera_schema(name, backend).validate(vs.load(name, engine=backend), lazy=True)
    vs.load(name, engine=backend, validate=True)


def test_coerce_checks_a_frame_read_with_plain_pandas():
    quotes = pd.read_csv(ROOT / "data" / "quotes.csv", keep_default_na=False, na_values=[""])
    vs.pandera_schema("quotes", coerce=True).validate(quotes, lazy=True)


def _column_facts(column, backend) -> dict:
    """What a pandera column says about type, required, enum, pattern and bounds, in Table Schema words."""
    facts = {"required": not column.nullable}
    for check in column.checks:
        stats = check.statistics
        if check.name == "enum":
            facts["enum"] = list(stats["allowed_values"])
        elif check.name == "pattern":
            facts["pattern"] = stats["pattern"]
        elif check.name == "minimum":
            facts["minimum"] = stats["min_value"]
        elif check.name == "maximum":
            facts["maximum"] = stats["max_value"]
        elif check.name == "minLength":
            facts["minLength"] = stats["min_value"]
    dtype = str(column.dtype)
    facts["type"] = next(t for t, words in TYPE_WORDS.items() if any(w in dtype.lower() for w in words[backend]))
    return facts


TYPE_WORDS = {  # how each backend spells each Table Schema type
    "string": {"pandas": ("string",), "polars": ("string", "utf8")},
    "integer": {"pandas": ("int64",), "polars": ("int64",)},
    "number": {"pandas": ("double", "float64"), "polars": ("float64",)},
    "boolean": {"pandas": ("bool",), "polars": ("boolean",)},
    "date": {"pandas": ("date32",), "polars": ("date",)},
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", list(RESOURCES))
def test_pandera_agrees_with_the_table_schema(name, backend):
    published = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
    schema = vs.pandera_schema(name, backend)
    assert list(schema.columns) == [f["name"] for f in published["fields"]]
    for f in published["fields"]:
        c = f.get("constraints", {})
        want = {"type": f["type"], "required": bool(c.get("required"))}
        want.update({k: c[k] for k in ("enum", "pattern", "minimum", "maximum", "minLength") if k in c})
        assert _column_facts(schema.columns[f["name"]], backend) == want, f"{name}.{f['name']}"
        assert schema.columns[f["name"]].unique == bool(c.get("unique")), f"{name}.{f['name']}"


# ---- planted defects ---------------------------------------------------------------------------------------------
def _defect_makers(res, data: pa.Table) -> list:  # noqa: C901 - one branch per kind of planted defect
    """One maker per schema rule and row rule of a table: given the rows still free, it plants its defect in one of
    them and returns (row index, reported field(s), code, new value, changed column), or None if it cannot.

    Schema defects follow the field's constraints; row-rule defects are found by trying, row by row, one-cell changes
    (to empty, to another row's value, to another column's value) until the model's own condition says the rule is
    broken on that row.
    """
    frame_ = data.to_pandas(types_mapper=pd.ArrowDtype)
    makers = []

    def cell(field, value, code):
        def make(free):
            return (free[0], field, code, value, field) if free else None
        return make

    def duplicate(field, col):
        def make(free):  # the second of two untouched rows takes the first's value; both rows are used up
            if len(free) < 2:
                return None
            first = free.pop(0)
            return free[0], field, code, col[first], field
        code = "unique"
        return make

    for f in res.fields:
        col = data.column(f.name).to_pylist()
        if f.required:
            makers.append(cell(f.name, None, "required"))
        if f.vocabulary:
            makers.append(cell(f.name, "not-in-the-vocabulary", "enum"))
        if f.pattern and f.type == "string":
            makers.append(cell(f.name, "Not Matching!", "pattern"))
        if f.kind == "iso-country":
            makers.append(cell(f.name, "XX", "country-code"))
        if f.minimum is not None:
            makers.append(cell(f.name, f.minimum - 1, "minimum"))
        if f.maximum is not None:
            makers.append(cell(f.name, f.maximum + 1, "maximum"))
        if f.unique:
            makers.append(duplicate(f.name, col))

    def rule_breaker(rule):
        def make(free):
            for i in free:
                row = frame_.iloc[[i]].copy()
                for c in dict.fromkeys(rule.violated.columns):
                    others = [frame_[o].iloc[i] for o in rule.violated.columns if o != c]
                    for value in [None, *frame_[c].dropna().unique()[:3], *others]:
                        trial = row.copy()
                        try:
                            trial[c] = pd.array([value], dtype=frame_[c].dtype)
                        except (TypeError, ValueError, pa.ArrowInvalid):
                            continue
                        if bool(rule.violated.pandas(trial).iloc[0]):
                            return i, rule.field, rule.code, None if pd.isna(value) else value, c
            return None
        return make

    return makers + [rule_breaker(r) for r in res.rules]


def _apply(data: pa.Table, defects) -> pa.Table:
    columns = {n: data.column(n).to_pylist() for n in data.column_names}
    for i, _, _, value, column in defects:
        columns[column][i] = value.item() if hasattr(value, "item") else value
    return pa.table({n: pa.array(v, data.schema.field(n).type) for n, v in columns.items()})


def _pandera_rows(schema, df, backend) -> set[tuple[int, str]]:
    """(row index, field) of every failure pandera reports (a frame-wide check names its fields in brackets)."""
    try:
        schema.validate(df, lazy=True)
        return set()
    except pandera_errors.SchemaErrors as exc:
        cases = exc.failure_cases
        records = cases.to_dict("records") if backend == "pandas" else cases.to_dicts()
    out = set()
    for r in records:
        if r["index"] is None or (isinstance(r["index"], float) and r["index"] != r["index"]):
            continue
        named = re.search(r"\[([^\]]+)\]", str(r["check"])) if r["schema_context"] == "DataFrameSchema" else None
        fields = named.group(1).split("/") if named else [r["column"]]
        out |= {(int(r["index"]), f) for f in fields}
    return out


def test_pandera_and_validate_reject_the_same_planted_defects(tmp_path):
    """Every schema constraint and row rule of every table, broken on one row: pandera (both backends) and validate
    report that row and the same column. Defects are planted in rounds, one per row and table in each round, so that
    each round needs one copy of the package and one run of validate."""
    from vostochny_summit.package import Package
    from vostochny_summit.validation import validate

    from .helpers import copy_package

    pending = {name: _defect_makers(res, read_typed(Package(ROOT).table(name))) for name, res in RESOURCES.items()}
    missed, planted_count, round_ = [], 0, 0
    while any(pending.values()):
        round_ += 1
        copy = copy_package(tmp_path / f"round-{round_}")
        pkg, planted = Package(copy), {}
        for name, makers in pending.items():
            t = pkg.table(name)
            data = read_typed(t)
            free, defects, later = list(range(data.num_rows)), [], []
            for make in makers:
                d = make(free)
                if d is None:
                    later.append(make)
                    continue
                free.remove(d[0])
                defects.append(d)
            assert defects or not makers, f"{name}: a defect that fits no row"
            pending[name] = later
            if defects:
                broken = _apply(data, defects)
                t.csv_path.write_text(canonical_csv(t, broken, sort=False), encoding="utf-8")  # rows stay in place
                planted[name] = (defects, broken)
        seen_by_validate = {(p.table, p.row - 1, f) for p in validate(copy) if p.row is not None and p.field
                            for f in p.field.split("/")}
        for name, (defects, broken) in planted.items():
            planted_count += len(defects)
            for backend in BACKENDS:
                seen = _pandera_rows(vs.pandera_schema(name, backend), frame(broken, backend), backend)
                missed += [f"pandera/{backend}: {name} row {i + 1} {field} ({code})"
                           for i, field, code, _, _ in defects if not any((i, f) in seen for f in field.split("/"))]
            missed += [f"validate: {name} row {i + 1} {field} ({code})" for i, field, code, _, _ in defects
                       if not any((name, i, f) in seen_by_validate for f in field.split("/"))]
    assert planted_count and not missed, "\n".join(missed)
