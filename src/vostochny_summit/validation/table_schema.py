"""The Table Schema layer: types, required, patterns, vocabularies, bounds, lengths, and the keys of one table, in one
DuckDB scan per table together with every row rule of the other checks (engine.RowRules).

Provides "table" (TableState): the raw and typed table and what the other checks of the table may lean on. The fast
paths, each exact and each off with --exhaustive: integer types and bounds read through Arrow; hygiene rules run only
where a stronger rule fails or the first and last bytes of some value break them; categories equal to the enum run
only where the enum fails; an id pattern that a foreign key settles waits for the foreign-key check; a table sorted by
key shows duplicate keys as neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from ..tabular import key_neighbours, typed
from .byte_scans import hygiene_suspects
from . import roles
from .cells import string_rules
from .engine import Check
from .problem import Problem
from ..sql import key_expr
from .sql import Rule, key_sql, lit, q, rows, run_rules

TYPE_RULES = {
    "integer": (r"^[+-]?[0-9]+$", "an integer"),
    "number": (r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$", "a number"),
    "boolean": (r"^(true|false)$", "true or false"),
    "date": (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "a date YYYY-MM-DD"),
}


@dataclass
class TableState:
    raw: pa.Table | None  # every cell a string, plus __row
    typed: pa.Table | None = None  # typed from the schema (None when a cell cannot be read as its type)
    failed: set = field(default_factory=set)  # "code/field" of the failing rules
    deferred: dict = field(default_factory=dict)  # field -> (pattern rule, rules implied by it): waits for the foreign keys
    plain: frozenset = frozenset()  # string columns known to hold no comma, quote or line break
    rendered: frozenset = frozenset()  # non-string columns whose text equals the rendering of their value
    out_of_order: object = None  # numpy bool per neighbour pair: row i + 1 sorts before row i
    sorted_by_key: bool = False

    def fails(self, name: str) -> bool:
        return any(k.endswith("/" + name) for k in self.failed)


def pattern_via_parent(pkg, t) -> set[str]:
    """Fields whose pattern a foreign key settles: a value present in a parent primary key with the same pattern, all
    of whose values match it, matches it too (checked by foreign_keys when a value dangles or the parent fails)."""
    out = set()
    for fk in t.foreign_keys:
        cols, ref = names(fk["fields"]), fk["reference"]
        rt, rcols = ref.get("resource") or t.name, names(ref["fields"])
        if len(cols) != 1 or rt not in pkg.tables or cols[0] not in t.field_names:
            continue
        parent = pkg.table(rt)
        if parent.primary_key != rcols or rcols[0] not in parent.field_names:
            continue
        pattern = t.field(cols[0]).constraints.get("pattern")
        if pattern and pattern == parent.field(rcols[0]).constraints.get("pattern") \
                and not any(names(p["fields"]) == rcols for p in parent.foreign_keys):
            out.add(cols[0])
    return out


def names(fields) -> list[str]:
    """Table Schema allows a single field name where a list is meant."""
    return [fields] if isinstance(fields, str) else list(fields)


def _field_rules(f, data, exhaustive: bool):
    """(rules for the scan, integer rules for after typing, rules implied by the field's type/pattern/vocabulary)."""
    c, col = f.constraints, q(f.name)
    rules, integer, implied = [], [], []
    if f.required and (exhaustive or data.column(f.name).null_count):  # Arrow counts nulls while parsing
        rules.append(Rule("required", f.name, f"{col} IS NULL", "a value (required)", "NULL"))
    type_rule = TYPE_RULES.get(f.type)
    later = integer if f.type == "integer" and not exhaustive else rules
    if type_rule:
        extra = f" OR TRY_CAST({col} AS DATE) IS NULL" if f.type == "date" else ""
        later.append(Rule("type", f.name, f"{col} IS NOT NULL AND (NOT regexp_full_match({col}, {lit(type_rule[0])}){extra})",
                          type_rule[1], col))
    pattern = Rule("pattern", f.name, f"NOT regexp_full_match({col}, {lit(c['pattern'])})", f"a value matching {c['pattern']}", col) \
        if "pattern" in c else None
    vocabularies = [(v, code) for v, code in ((c.get("enum"), "enum"), (f.categories, "categories")) if v]
    for i, (vocab, code) in enumerate(vocabularies):
        rule = Rule(code, f.name, f"{col} NOT IN ({', '.join(lit(v) for v in vocab)})", f"one of {', '.join(map(str, vocab))}", col)
        # categories equal to the enum fail on exactly the same cells: checked only when the enum fails
        same = i and set(map(str, vocab)) == set(map(str, vocabularies[0][0])) and not exhaustive
        (implied if same else rules).append(rule)
    num = {"integer": "BIGINT", "number": "DOUBLE"}.get(f.type)
    for bound, op in (("minimum", "<"), ("maximum", ">")):
        if bound in c and num:
            later.append(Rule(bound, f.name, f"TRY_CAST({col} AS {num}) {op} {lit(c[bound])}", f"{bound} {c[bound]}", col))
    # k code points are k to 4k bytes: the byte length (stored) settles most cells before the code points are counted
    for bound, k in (("minLength", c.get("minLength")), ("maxLength", c.get("maxLength"))):
        if k is not None:
            k = int(k)
            chars = f"length({col}) {'<' if bound == 'minLength' else '>'} {k}"
            screen = (f"strlen({col}) < {4 * k}" if bound == "minLength" else f"strlen({col}) > {k}") + " AND "
            rules.append(Rule(bound, f.name, chars if exhaustive else screen + chars, f"{bound} {k}", col))
    hygiene = string_rules(f)
    clean_enum = c.get("enum") and not hygiene_suspects(pa.chunked_array([pa.array([str(v) for v in c["enum"]], pa.string())]))
    if exhaustive:
        rules += hygiene
    elif type_rule or roles.is_slug(f) or clean_enum:
        implied += hygiene  # a typed, slug or clean-vocabulary cell that passes its rule is non-empty, unpadded, formula-free
    elif hygiene_suspects(data.column(f.name), whitespace=not roles.keeps_padding(f),
                          formula=f.type == "string"):
        rules += hygiene  # the first and last bytes of some value break a hygiene rule: find which
    return rules, integer, implied, pattern


def _integer_rule_needed(raw: pa.Table, value: pa.ChunkedArray, limit, rule: Rule) -> bool:
    """Whether an integer column's type or bound rule can fail, judged from the Arrow-typed column: every allowed
    spelling other than the value's own rendering ("05", "+5") differs from it."""
    if rule.code == "type":
        return not pc.all(pc.fill_null(pc.equal(raw.column(rule.field), value.cast(pa.string())), True)).as_py()
    extreme = pc.min_max(value).as_py()
    if rule.code == "minimum":
        return extreme["min"] is not None and extreme["min"] < limit
    return extreme["max"] is not None and extreme["max"] > limit


def check_table(ctx):
    t, raw, ex = ctx.table, ctx.output("raw"), ctx.exhaustive
    if raw is None:
        return [], TableState(None)
    ctx.register(t.name, raw)
    rules, integer, implied, via_parent = [], {}, {}, {}
    settled = set() if ex else pattern_via_parent(ctx.pkg, t)
    for f in t.fields:
        r, i, imp, pattern = _field_rules(f, raw, ex)
        rules += r
        integer[f.name], implied[f.name] = i, imp
        if pattern and f.name in settled:
            via_parent[f.name] = pattern
        elif pattern:
            rules.append(pattern)
    for rr in ctx.row_rules():
        rules += rr.rules(t, raw, ctx)
    found, failed = run_rules(ctx, t, rules)
    state = TableState(raw)
    cast_error = None
    if not any(k.startswith("type/") for k in failed):
        try:
            state.typed = typed(t, raw.drop_columns(["__row"]), enforce_required=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            cast_error = str(exc).splitlines()[0]
    rendered = set()
    more = []
    for name, rs in integer.items():
        for r in rs:
            if state.typed is None or _integer_rule_needed(raw, state.typed.column(name), t.field(name).constraints.get(r.code), r):
                more.append(r)
            elif r.code == "type":
                rendered.add(name)  # the canonical check need not compare again
    f2, fl = run_rules(ctx, t, more)
    found += f2
    failed.update(fl)
    fails = lambda n: any(k.endswith("/" + n) for k in failed)  # noqa: E731
    for name, rule in list(via_parent.items()):
        if fails(name):  # the field fails anyway: check its pattern now, with the rest
            implied[name].insert(0, rule)
            del via_parent[name]
    f3, fl = run_rules(ctx, t, [r for name, rs in implied.items() if fails(name) for r in rs])
    found += f3
    failed.update(fl)
    if cast_error and not any(k.startswith("type/") for k in failed):
        # a cell the rules let through but that cannot be read as its type (an integer beyond 64 bits)
        found.append(Problem(code="type", file=ctx.rel(t.csv_path), table=t.name, value=cast_error,
                             expected="every cell readable as its field's type (64-bit integers, double-precision numbers)"))
    state.failed = set(failed)
    state.deferred = {name: (rule, implied[name]) for name, rule in via_parent.items()}
    if not ex:
        # a slug or vocabulary column whose every value passed its rule holds no comma or quote: never needs CSV quotes
        # (one whose pattern waits for the foreign-key check is not known to pass it yet: not plain)
        state.plain = frozenset(f.name for f in t.fields if f.type == "string" and not fails(f.name) and f.name not in via_parent
                                and (roles.is_slug(f) or (f.constraints.get("enum")
                                                          and not any(set(str(v)) & set(',"\r\n') for v in f.constraints["enum"]))))
        state.rendered = frozenset(rendered)
    found += _keys(ctx, t, state)
    return found, state


def _keys(ctx, t, state: TableState) -> list[Problem]:
    found, key_unique = [], False  # known to hold no duplicate primary key
    if t.primary_key:
        if state.typed is not None:
            before, tied = key_neighbours(t, state.typed)
            state.out_of_order = before  # the canonical check reports the first of them
            if not before.any():
                state.sorted_by_key = True
                key_unique = not tied.any() and not ctx.exhaustive  # sorted: equal keys would be neighbours
        if not key_unique:
            found += _duplicates(ctx, t, t.primary_key, "primary-key", f"a unique primary key ({', '.join(t.primary_key)})", False)
    for f in t.fields:
        if f.constraints.get("unique") and not (key_unique and t.primary_key == [f.name]):
            found += _duplicates(ctx, t, [f.name], "unique", f"a unique {f.name}", True)
    for uk in t.unique_keys:
        found += _duplicates(ctx, t, uk, "unique-key", f"a unique ({', '.join(uk)})", True)
    return found


def _duplicates(ctx, t, cols: list[str], code: str, expected: str, skip_nulls: bool) -> list[Problem]:
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


CHECKS = [
    Check("table-schema", check_table, ("type", "required", "pattern", "enum", "categories", "minimum", "maximum", "minLength",
                                        "maxLength", "primary-key", "unique", "unique-key", "empty-string", "whitespace", "formula-cell"),
          needs=("raw",), provides="table", per_table=True, row_rules=True),
]
