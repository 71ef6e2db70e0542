"""The rules of one field of the Table Schema layer, planned from its declaration: which run in the table's scan,
which wait for Arrow's cast (integers), which are implied by a stronger rule (and run only when it fails), and the
field's pattern (which a foreign key may settle). Each rule carries its exact Arrow screen (screens.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pyarrow as pa

from .. import kernels as pc
from . import roles, screens
from .cells import string_rules
from .sql import Rule, lit, q
from .string_scans import all_canonical_integers, hygiene_suspects

TYPE_RULES = {
    "integer": (r"^[+-]?[0-9]+$", "a whole number, such as 42"),
    "number": (r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$", "a number"),
    "boolean": (r"^(true|false)$", "true or false"),
    "date": (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "a calendar date written YYYY-MM-DD, such as 2023-09-13"),
}


@dataclass
class FieldRules:
    """The rules of one field: scanned at once, integer rules judged after the cast, rules implied by a stronger
    one (run only when the field fails), and its pattern (which a foreign key may settle)."""
    scan: list = field(default_factory=list)
    integer: list = field(default_factory=list)
    implied: list = field(default_factory=list)
    pattern: Rule | None = None


def _required(f, data, ex: bool) -> list[Rule]:
    if f.required and (ex or data.column(f.name).null_count):  # Arrow counts nulls while parsing
        return [Rule("required", f.name, f"{q(f.name)} IS NULL", "a value (required)", "NULL")]
    return []


def _type(f) -> Rule | None:
    if f.type not in TYPE_RULES:
        return None
    col, (regex, what) = q(f.name), TYPE_RULES[f.type]
    extra = f" OR TRY_CAST({col} AS DATE) IS NULL" if f.type == "date" else ""
    return Rule("type", f.name, f"{col} IS NOT NULL AND (NOT regexp_full_match({col}, {lit(regex)}){extra})", what, col,
                screens.breaks_pattern(f.name, regex, date=f.type == "date"))


def pattern_words(f) -> str:
    """What a field's pattern asks for, in the model's words (the regular expression only for a field the model does
    not know, or whose published pattern is not the model's)."""
    m = f.model
    if m is not None and m.pattern == f.constraints.get("pattern") and m.expects:
        return m.expects
    return f"a value matching the pattern {f.constraints.get('pattern')}"


def _pattern(f) -> Rule | None:
    p = f.constraints.get("pattern")
    if p is None:
        return None
    return Rule("pattern", f.name, f"NOT regexp_full_match({q(f.name)}, {lit(p)})", pattern_words(f), q(f.name),
                screens.breaks_pattern(f.name, p))


def _vocabularies(f, ex: bool) -> tuple[list[Rule], list[Rule]]:
    """(scanned, implied): categories equal to the enum fail on exactly the same cells, so they run only when it fails."""
    scan, implied = [], []
    vocabularies = [(v, code) for v, code in ((f.constraints.get("enum"), "enum"), (f.categories, "categories")) if v]
    for i, (vocab, code) in enumerate(vocabularies):
        screen = screens.outside(f.name, vocab) if all(isinstance(v, str) for v in vocab) else None
        rule = Rule(code, f.name, f"{q(f.name)} NOT IN ({', '.join(lit(v) for v in vocab)})",
                    f"one of {', '.join(map(str, vocab))}", q(f.name), screen)
        same = i and set(map(str, vocab)) == set(map(str, vocabularies[0][0])) and not ex
        (implied if same else scan).append(rule)
    return scan, implied


def _bounds(f) -> list[Rule]:
    num = {"integer": "BIGINT", "number": "DOUBLE"}.get(f.type)
    out = []
    for bound, op in (("minimum", "<"), ("maximum", ">")):
        if bound in f.constraints and num:
            limit = f.constraints[bound]
            screen = screens.beyond(f.name, op, limit, TYPE_RULES["number"][0]) if f.type == "number" else None
            out.append(Rule(bound, f.name, f"TRY_CAST({q(f.name)} AS {num}) {op} {lit(limit)}", f"{bound} {limit}",
                            q(f.name), screen))
    return out


def _lengths(f, ex: bool) -> list[Rule]:
    """k code points are k to 4k bytes: the byte length (stored) settles most cells before the code points count."""
    out = []
    for bound, op in (("minLength", "<"), ("maxLength", ">")):
        k = f.constraints.get(bound)
        if k is not None:
            k, col = int(k), q(f.name)
            chars = f"length({col}) {op} {k}"
            bytes_ = (f"strlen({col}) < {4 * k}" if op == "<" else f"strlen({col}) > {k}") + " AND "
            out.append(Rule(bound, f.name, chars if ex else bytes_ + chars, f"{bound} {k}", col,
                            screens.length_beyond(f.name, op, k)))
    return out


def _clean_enum(f) -> bool:
    enum = f.constraints.get("enum")
    return bool(enum) and _clean_vocabulary(tuple(str(v) for v in enum))


@lru_cache(maxsize=1024)
def _clean_vocabulary(values: tuple[str, ...]) -> bool:
    """No value is empty, padded or formula-like: judged once per vocabulary in a process (a function of the values)."""
    return not hygiene_suspects(pa.chunked_array([pa.array(list(values), pa.string())]))


def _hygiene(f, data, ex: bool, typed_rule: bool) -> tuple[list[Rule], list[Rule]]:
    """(scanned, implied) hygiene rules: a typed, slug or clean-vocabulary cell that passes its rule is non-empty,
    unpadded and formula-free; another column is scanned only where the first and last bytes of a value break one."""
    hygiene = string_rules(f)
    if ex:
        return hygiene, []
    if typed_rule or roles.is_slug(f) or _clean_enum(f):
        return [], hygiene
    if hygiene_suspects(data.column(f.name), whitespace=not roles.keeps_padding(f), formula=f.type == "string"):
        return hygiene, []
    return [], []


def field_rules(f, data, ex: bool) -> FieldRules:
    out = FieldRules(scan=_required(f, data, ex), pattern=_pattern(f))
    type_rule = _type(f)
    later = out.integer if f.type == "integer" and not ex else out.scan  # integers: judged through Arrow's cast
    later += [r for r in (type_rule,) if r]
    scan, implied = _vocabularies(f, ex)
    out.scan += scan
    out.implied += implied
    later += _bounds(f)
    out.scan += _lengths(f, ex)
    scan, implied = _hygiene(f, data, ex, type_rule is not None)
    out.scan += scan
    out.implied += implied
    return out


def _integer_rule_needed(raw: pa.Table, value: pa.ChunkedArray, limit, rule: Rule) -> bool:
    """Whether an integer column's type or bound rule can fail, judged from the Arrow-typed column: every allowed
    spelling other than the value's own rendering ("05", "+5") differs from it."""
    if rule.code == "type":
        if all_canonical_integers(raw.column(rule.field)):  # each text is its value's rendering, read from its bytes
            return False
        return not pc.all(pc.fill_null(pc.equal(raw.column(rule.field), pc.cast(value, pa.string())), True)).as_py()
    extreme = pc.min_max(value).as_py()
    if rule.code == "minimum":
        return extreme["min"] is not None and extreme["min"] < limit
    return extreme["max"] is not None and extreme["max"] > limit


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
