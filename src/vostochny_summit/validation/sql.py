"""SQL helpers of the checks: quoting, a row's key, and rules run as one scan per table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

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
    """A condition on single rows: cond is true on a failing row; value is the SQL of what the report shows.

    screen (optional): screen(table) -> bool on the table's Arrow data, False only when no row can break the rule
    (exact in that direction: a rule it clears would count no row). run_rules leaves the cleared rules out of its scan
    (a valid small table then needs no query at all; at 1 M rows the screens cost half the scan they replace)."""
    code: str
    field: str
    cond: str
    expected: str
    value: str
    screen: Callable | None = field(default=None, compare=False)


def rows(ctx, code: str, t: Table, sql: str, field: str | None, expected: str) -> list[Problem]:
    """One problem per row of SQL returning (row, key, value)."""
    file = ctx.rel(t.csv_path)
    return [Problem(code=code, file=file, table=t.name, row=row, key=key, field=field, value=value, expected=expected)
            for row, key, value in ctx.con.execute(sql).fetchall()]


def without_match(ctx, code: str, parent: str, child: str, col: str) -> list[Problem]:
    """One problem per row of table parent whose col has no row in table child with that value (an anti-join), for
    the checks that every parent row is pointed at. The Arrow screen screens.all_in clears it first (but with
    --exhaustive): the query then runs only when some parent value is missing from the child column."""
    from . import screens

    if ctx.screens and screens.all_in(ctx.output("table", parent).raw.column(col), ctx.output("table", child).raw.column(col),
                                      ctx.drop_pages):
        return []
    t = ctx.pkg.table(parent)
    return rows(ctx, code, t, f"SELECT __row, {key_sql(t)}, {q(col)} FROM {q(parent)} p WHERE NOT EXISTS "
                f"(SELECT 1 FROM {q(child)} c WHERE c.{q(col)} = p.{q(col)}) ORDER BY 1", col, f"at least one row in {child}")


def run_rules(ctx, t: Table, rules: list[Rule], data=None) -> tuple[list[Problem], dict[str, int]]:
    """Count every rule's failing rows in one scan, then list the rows only of the rules that fail.

    data: the table's Arrow data, for the rules' screens (vectorised, so at every size; never with --exhaustive): a
    rule its screen clears counts no row, and is not scanned. Returns the problems and {code/field: failing row count}."""
    if data is not None and ctx.screens:
        rules = [r for r in rules if r.screen is None or screened(r, data)]
    if not rules:
        return [], {}
    tn = q(t.name)
    counts = ctx.con.execute("SELECT " + ", ".join(f"count_if({r.cond})" for r in rules) + f" FROM {tn}").fetchall()[0]
    key = key_sql(t)
    found, failed = [], {}
    for r, n in zip(rules, counts):
        if n:
            failed[f"{r.code}/{r.field}"] = n
            found += rows(ctx, r.code, t, f"SELECT __row, {key}, CAST({r.value} AS VARCHAR) FROM {tn} WHERE {r.cond} ORDER BY 1",
                          r.field, r.expected)
    return found, failed


def screened(rule: Rule, data) -> bool:
    """Whether some row may break the rule, by its screen (True when the screen cannot tell: a value it cannot cast)."""
    import pyarrow as pa

    try:
        return bool(rule.screen(data))
    except (pa.ArrowException, ValueError, TypeError, KeyError):
        return True
