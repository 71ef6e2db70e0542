"""SQL helpers of the checks: quoting, a row's key, and rules run as one scan per table."""

from __future__ import annotations

from dataclasses import dataclass

from ..package import Table
from ..sql import ident as q  # noqa: F401 - the checks' spelling
from ..sql import key_expr
from ..sql import literal as lit  # noqa: F401
from .problem import Problem


def key_sql(t: Table, alias: str = "") -> str:
    """SQL for a row's primary key as 'a/b/c' (columns qualified with alias when given)."""
    return key_expr(t.primary_key or [t.fields[0].name], alias)


@dataclass(frozen=True)
class Rule:
    """A condition on single rows: cond is true on a failing row; value is the SQL of what the report shows."""
    code: str
    field: str
    cond: str
    expected: str
    value: str


def rows(ctx, code: str, t: Table, sql: str, field: str | None, expected: str) -> list[Problem]:
    """One problem per row of SQL returning (row, key, value)."""
    file = ctx.rel(t.csv_path)
    return [Problem(code=code, file=file, table=t.name, row=row, key=key, field=field, value=value, expected=expected)
            for row, key, value in ctx.con.execute(sql).fetchall()]


def run_rules(ctx, t: Table, rules: list[Rule]) -> tuple[list[Problem], dict[str, int]]:
    """Count every rule's failing rows in one scan, then list the rows only of the rules that fail.

    Returns the problems and {code/field: failing row count}."""
    if not rules:
        return [], {}
    tn = q(t.name)
    counts = ctx.con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {r.cond})" for r in rules) + f" FROM {tn}").fetchall()[0]
    key = key_sql(t)
    found, failed = [], {}
    for r, n in zip(rules, counts):
        if n:
            failed[f"{r.code}/{r.field}"] = n
            found += rows(ctx, r.code, t, f"SELECT __row, {key}, CAST({r.value} AS VARCHAR) FROM {tn} WHERE {r.cond} ORDER BY 1",
                          r.field, r.expected)
    return found, failed
