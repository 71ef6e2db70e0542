"""The Table Schema layer: types, required, patterns, vocabularies, bounds, lengths, and the keys of one table, in one
DuckDB scan per table together with every row rule of the other checks (engine.RowRules); each field's rules are
planned in field_rules.py, and a rule whose Arrow screen clears it is left out of the scan.

Provides "table" (TableState): the raw and typed table and what the other checks of the table may lean on. The fast
paths, each exact and each off with --exhaustive: integer types and bounds read through Arrow; hygiene rules run only
where a stronger rule fails or the first and last bytes of some value break them; categories equal to the enum run
only where the enum fails; an id pattern that a foreign key settles waits for the foreign-key check; a table sorted by
key shows duplicate keys as neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pyarrow as pa

from .. import kernels as pc
from ..sql import key_expr
from ..tabular import key_neighbours, typed
from . import kept, roles, screens
from .batches import Batched
from .engine import Check
from .field_rules import _integer_rule_needed, field_rules, pattern_via_parent
from .problem import Problem
from .sql import Rule, key_sql, q, rows, run_rules


@dataclass
class TableState:
    """What the Table Schema layer leaves for the table's other checks."""

    raw: pa.Table | None  # every cell a string, plus __row (once slim: the text it keeps, without __row)
    typed: pa.Table | None = None  # typed from the schema (None when a cell cannot be read as its type; once slim: its kept columns)
    failed: set = field(default_factory=set)  # "code/field" of the failing rules
    deferred: dict = field(default_factory=dict)  # field -> (pattern rule, rules implied by it): waits for the foreign keys
    plain: frozenset = frozenset()  # string columns known to hold no comma, quote or line break
    rendered: frozenset = frozenset()  # non-string columns whose text equals the rendering of their value
    out_of_order: object = None  # numpy bool per neighbour pair: row i + 1 sorts before row i
    sorted_by_key: bool = False
    on_disk: bool = False  # its tables are spilled and mapped (kept.py): a bounded run's kept columns

    def spilled(self, spill) -> TableState:
        """The state with its tables written to the spill and read back mapped (the same values)."""
        if self.on_disk or self.raw is None:
            return self
        raw, typed = kept.spilled(spill, self.raw, self.typed)
        return replace(self, raw=raw, typed=typed, on_disk=True)

    def fails(self, name: str) -> bool:
        return any(k.endswith("/" + name) for k in self.failed)


def slim(state: TableState, pkg, t, options) -> TableState:
    """The table once its own checks are done: only the columns a check across tables reads (roles.read_across_tables),
    each once. A typed column is kept typed only, and as text too only in a key (the SQL of the checks across tables
    joins and reports keys as text) or with --exhaustive (whose queries read the text); a string column is one buffer
    in both. The row numbers go: they are 1 to n, and Context adds them back to a table it registers for SQL. Most of
    a large table's bytes are its free text, its numbers as text and its row numbers."""
    if state.raw is None:
        return state
    across, keys = roles.read_across_tables(pkg, t), roles.key_columns(pkg, t)
    d = state.typed
    kept = [f.name for f in t.fields if f.name in across]
    text = [c for c in kept if d is None or options.exhaustive or c in keys or d.schema.field(c).type == pa.string()]
    return TableState(state.raw.select(text), None if d is None else d.select(kept), state.failed, state.deferred,
                      state.plain, state.rendered, state.out_of_order, state.sorted_by_key, state.on_disk)


@dataclass
class _Plan:
    """The rules of one table's scan, and those that wait for an integer, a failure or a foreign key."""

    scan: list = field(default_factory=list)
    integer: dict = field(default_factory=dict)  # field -> integer rules
    implied: dict = field(default_factory=dict)  # field -> implied rules
    via_parent: dict = field(default_factory=dict)  # field -> pattern rule a foreign key settles


def _plan(ctx, t, raw) -> _Plan:
    plan, ex = _Plan(), ctx.exhaustive
    settled = set() if ex else pattern_via_parent(ctx.pkg, t)
    for f in t.fields:
        rules = field_rules(f, raw, ex)
        plan.scan += rules.scan
        plan.integer[f.name], plan.implied[f.name] = rules.integer, rules.implied
        if rules.pattern and f.name in settled:
            plan.via_parent[f.name] = rules.pattern
        elif rules.pattern:
            plan.scan.append(rules.pattern)
    for rr in ctx.row_rules():
        plan.scan += rr.rules(t, raw, ctx)
    return plan


class _Found:
    """Problems found so far and the rules that failed ({code/field: rows})."""

    def __init__(self):
        self.problems, self.failed = [], {}

    def add(self, result) -> None:
        self.problems += result[0]
        self.failed.update(result[1])

    def type_failed(self) -> bool:
        return any(k.startswith("type/") for k in self.failed)

    def fails(self, name: str) -> bool:
        return any(k.endswith("/" + name) for k in self.failed)


def _cast(t, raw, state: TableState) -> str | None:
    """Type the table (state.typed); the first line of Arrow's error when a cell cannot be read as its type."""
    try:
        state.typed = typed(t, raw.drop_columns(["__row"]), enforce_required=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        return str(exc).splitlines()[0]
    return None


def _integer_rules(t, raw, state: TableState, integer: dict) -> tuple[list[Rule], set]:
    """(the integer rules that may fail, the integer columns whose text is the rendering of their value)."""
    more, rendered = [], set()
    for name, rs in integer.items():
        for r in rs:
            if state.typed is None or _integer_rule_needed(raw, state.typed.column(name), t.field(name).constraints.get(r.code), r):
                more.append(r)
            elif r.code == "type":
                rendered.add(name)  # the canonical check need not compare again
    return more, rendered


def _plain(t, found: _Found, via_parent: dict) -> frozenset:
    """String columns that never need CSV quotes: a slug or vocabulary column whose every value passed its rule holds
    no comma or quote (one whose pattern waits for the foreign-key check is not known to pass it yet: not plain)."""
    def closed(f) -> bool:
        enum = f.constraints.get("enum")
        return roles.is_slug(f) or bool(enum and not any(set(str(v)) & set(',"\r\n') for v in enum))
    return frozenset(f.name for f in t.fields if f.type == "string" and not found.fails(f.name)
                     and f.name not in via_parent and closed(f))


def check_table(ctx):
    t, raw, ex = ctx.table, ctx.output("raw"), ctx.exhaustive
    if raw is None:
        return [], TableState(None)
    ctx.register(t.name, raw)
    plan, found, state = _plan(ctx, t, raw), _Found(), TableState(raw)
    found.add(run_rules(ctx, t, plan.scan, raw))
    cast_error = None if found.type_failed() else _cast(t, raw, state)
    more, rendered = _integer_rules(t, raw, state, plan.integer)
    found.add(run_rules(ctx, t, more, raw))
    for name, rule in list(plan.via_parent.items()):
        if found.fails(name):  # the field fails anyway: check its pattern now, with the rest
            plan.implied[name].insert(0, rule)
            del plan.via_parent[name]
    found.add(run_rules(ctx, t, [r for name, rs in plan.implied.items() if found.fails(name) for r in rs], raw))
    if cast_error and not found.type_failed():
        # a cell the rules let through but that cannot be read as its type (an integer beyond 64 bits)
        found.problems.append(Problem(code="type", file=ctx.rel(t.csv_path), table=t.name, value=cast_error,
                                      expected="every cell readable as its field's type (64-bit integers, double-precision numbers)"))
    state.failed = set(found.failed)
    state.deferred = {name: (rule, plan.implied[name]) for name, rule in plan.via_parent.items()}
    if not ex:
        state.plain, state.rendered = _plain(t, found, plan.via_parent), frozenset(rendered)
    return found.problems + _keys(ctx, t, state), state


def _keys(ctx, t, state: TableState) -> list[Problem]:
    found, key_unique = [], False  # known to hold no duplicate primary key
    if t.primary_key:
        if state.typed is not None:
            before, tied = key_neighbours(t, state.typed)
            state.out_of_order = before  # the canonical check reports the first of them
            if not before.any():
                state.sorted_by_key = True
                key_unique = not tied.any() and not ctx.exhaustive  # sorted: equal keys would be neighbours
        if not key_unique:  # typed, the keys are out of order or two neighbours tie (an invalid table): the query
            # is cheaper than the screen (on a 1 M-row table 0.35 s against 0.88 s for its codes of every key)
            found += _duplicates(ctx, t, state.raw, t.primary_key, "primary-key",
                                 f"a unique primary key ({', '.join(t.primary_key)})", False, screen=state.typed is None)
    for f in t.fields:
        if f.constraints.get("unique") and not (key_unique and t.primary_key == [f.name]):
            found += _duplicates(ctx, t, state.raw, [f.name], "unique", f"a unique {f.name}", True)
    for uk in t.unique_keys:
        found += _duplicates(ctx, t, state.raw, uk, "unique-key", f"a unique ({', '.join(uk)})", True)
    return found


def _duplicates(ctx, t, raw, cols: list[str], code: str, expected: str, skip_nulls: bool, screen: bool = True) -> list[Problem]:
    if screen and ctx.screens and _distinct(raw, cols, skip_nulls):
        return []
    tn, key = q(t.name), key_sql(t)
    cl = ", ".join(q(c) for c in cols)
    where = ("WHERE " + " AND ".join(f"{q(c)} IS NOT NULL" for c in cols)) if skip_nulls else ""
    value = key_expr(cols)
    n, distinct = ctx.con.execute(f"SELECT count(*), count(DISTINCT ({cl})) FROM {tn} {where}").fetchall()[0]
    if n == distinct:
        return []
    sql = (f"SELECT __row, {key}, {value} FROM (SELECT *, row_number() OVER (PARTITION BY {cl} ORDER BY __row) AS __n "
           f"FROM {tn} {where}) WHERE __n > 1 ORDER BY 1")
    return rows(ctx, code, t, sql, ",".join(cols), expected)


def _distinct(raw, cols: list[str], skip_nulls: bool, drop=None) -> bool:
    """No two rows (with a value in every column, when skip_nulls) share the columns' values: the duplicates query
    would list no row. drop: in a bounded run, the spill's drop_pages (screens.distinct)."""
    data = raw.select(cols)
    if skip_nulls and any(data.column(c).null_count for c in cols):  # a copy of the rows with a value in every column
        valid = [pc.is_valid(data.column(c)) for c in cols]
        keep = valid[0]
        for v in valid[1:]:
            keep = pc.and_(keep, v)
        data = pc.filter(data, keep)
    return screens.distinct([data.column(c) for c in cols], drop)


def _batch(ctx, carry):
    """check_table on one batch (batches.py), and what crosses batch boundaries: the key of the batch's first row
    follows the last key of the batch before, and the batch's kept columns and unique columns are carried."""
    t = ctx.table
    found, state = check_table(ctx)
    if found:
        return found, state
    if state.typed is None or (t.primary_key and not state.sorted_by_key):  # found by the whole table's checks
        return [Problem(code="primary-key", file=ctx.rel(t.csv_path), table=t.name, expected="rows in key order")], state
    n = state.typed.num_rows
    if t.primary_key and n:
        keys = state.typed.select(t.primary_key)
        if "last" in carry:
            before, tied = key_neighbours(t, pa.concat_tables([carry["last"], keys.slice(0, 1)]))
            if before.any() or tied.any():
                return [Problem(code="primary-key", file=ctx.rel(t.csv_path), table=t.name, value="(across batches)",
                                expected=f"a unique primary key ({', '.join(t.primary_key)}) in key order")], state
        carry["last"] = keys.take([n - 1])  # a copy: the batch's columns go
    mine = slim(state, ctx.pkg, t, ctx.options)
    carry.setdefault("kept", kept.Gather(ctx.spill)).add(mine.raw, mine.typed)
    carry.setdefault("flags", []).append((mine.plain, mine.rendered, mine.deferred))
    return [], state


def _unique_sets(t) -> list[list[str]]:
    """The unique fields and keys, but the primary key (each batch sorted by it, and each after the one before)."""
    sets = [[f.name] for f in t.fields if f.constraints.get("unique")] + [list(uk) for uk in t.unique_keys]
    return [cols for cols in sets if cols != list(t.primary_key)]


def _finish(ctx, carry):
    """Once every batch is clean: the kept columns of every batch, as one TableState for the checks across tables, and
    no unique column or key repeating a value across batches, judged on those columns (a key's columns are kept as
    text: table_schema.slim) by the whole table's own screen (_distinct); where it is not clear, the whole table's
    checks say where."""
    t = ctx.table
    if "kept" not in carry:
        return [], TableState(None)
    raw, typed = carry["kept"].finish()
    for cols in _unique_sets(t):
        if raw is None or not set(cols) <= set(raw.column_names) or not _distinct(raw, cols, True, ctx.drop_pages):
            return [Problem(code="unique", file=ctx.rel(t.csv_path), table=t.name, expected=f"a unique ({', '.join(cols)})")], None
    flags = carry["flags"]
    plain, rendered, deferred = flags[0][0], flags[0][1], {}
    for p, r, d in flags:
        plain, rendered = plain & p, rendered & r
        deferred.update(d)
    return [], TableState(raw, typed, set(), deferred, plain, rendered, None, bool(t.primary_key),
                          on_disk=ctx.spill is not None)


def _close(carry):
    for what in carry.values():
        if isinstance(what, kept.Gather):
            what.close()


CHECKS = [
    Check("table-schema", check_table, ("type", "required", "pattern", "enum", "categories", "minimum", "maximum", "minLength",
                                        "maxLength", "primary-key", "unique", "unique-key", "empty-string", "whitespace", "formula-cell"),
          needs=("raw",), provides="table", per_table=True, row_rules=True, release=slim,
          over_batches=Batched(_batch, _finish, _close)),
]
