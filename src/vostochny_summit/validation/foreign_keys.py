"""Foreign keys: every reference names a row of the referenced table (DuckDB anti-joins), and the id patterns that a
foreign key settles (field_rules.pattern_via_parent) where it does not: a value dangles, or the parent column breaks
the pattern itself."""

from __future__ import annotations

from . import screens
from .engine import Check
from .field_rules import names
from .sql import key_sql, q, rows, run_rules


def parents(pkg, t) -> list[str]:
    return [t.name] + [fk["reference"].get("resource") or t.name for fk in t.foreign_keys]


def check_foreign_keys(ctx):
    t = ctx.table
    state = ctx.output("table")
    if state is None or state.raw is None:
        return []
    found = []
    deferred = dict(state.deferred)
    for fk in t.foreign_keys:
        ref = fk["reference"]
        rt = ref.get("resource") or t.name
        parent = ctx.output("table", rt)
        if parent is None or parent.raw is None:
            continue  # its deferred pattern rules run below
        cols, rcols = names(fk["fields"]), names(ref["fields"])
        dangling = []
        if not ctx.screens or _may_dangle(state.raw, cols, parent.raw, rcols, ctx.drop_pages):
            on = " AND ".join(f"c.{q(a)} = r.{q(b)}" for a, b in zip(cols, rcols))
            notnull = " AND ".join(f"c.{q(a)} IS NOT NULL" for a in cols)
            value = " || '/' || ".join(f"c.{q(a)}" for a in cols)
            sql = (f"SELECT c.__row, {key_sql(t, 'c')}, {value} FROM {q(t.name)} c WHERE {notnull} AND NOT EXISTS "
                   f"(SELECT 1 FROM {q(rt)} r WHERE {on}) ORDER BY 1")
            dangling = rows(ctx, "foreign-key", t, sql, ",".join(cols), f"a value present in {rt}.{','.join(rcols)}")
        found += dangling
        rule = deferred.pop(cols[0], None) if len(cols) == 1 else None
        if rule and not dangling and parent.typed is not None and f"pattern/{rcols[0]}" not in parent.failed:
            continue  # every value is in the parent column, which matches the pattern: so does this one
        if rule:
            found += _deferred(ctx, t, rule)
    for rule in deferred.values():  # no parent table to settle them
        found += _deferred(ctx, t, rule)
    return found


def _may_dangle(child, cols: list[str], parent, rcols: list[str], drop=None) -> bool:
    """Whether some reference may name no parent row: False only when every non-null value of a one-column key is a
    value of the parent column (Arrow's set lookups, is_in or index_in: the same bytewise equality as the anti-join,
    at a fraction of its fixed cost on a small table). A key of several columns is always left to the anti-join."""
    if len(cols) != 1 or cols[0] not in child.column_names or rcols[0] not in parent.column_names:
        return True
    return not screens.all_in(child.column(cols[0]), parent.column(rcols[0]), drop, skip_nulls=True)


def _deferred(ctx, t, deferred) -> list:
    rule, implied = deferred
    found, failed = run_rules(ctx, t, [rule])
    if failed:
        found += run_rules(ctx, t, implied)[0]
    return found


CHECKS = [
    Check("foreign-keys", check_foreign_keys, ("foreign-key", "pattern", "empty-string", "whitespace", "formula-cell"),
          needs=("table",), per_table=True, reads=parents, keys_only=True),  # references and keys: kept by slim
]
