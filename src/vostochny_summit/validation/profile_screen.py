"""A fast, exact yes/no of JSON Schema (draft 7) validity, so that a valid descriptor or Table Schema never waits for
jsonschema (whose import and validation of the Data Package profiles cost more than every other check of a small
package together).

compile_schema(schema) turns a schema into a predicate that agrees with `jsonschema.Draft7Validator(schema).is_valid`
on every instance (the same keyword semantics, the same `equal` and `uniq`), or returns None when the schema uses a
keyword this module does not implement ($ref, if/then/else, dependencies, …); the caller then asks jsonschema. Like
jsonschema without a format checker, `format` asserts nothing. The profile check runs jsonschema only on a document
the predicate rejects, to name its errors (tests/test_fast_checks.py holds the two to the same verdict).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from itertools import islice
from numbers import Number

# validation keywords of draft 7 that this module does not implement: a schema using one is not compiled
UNSUPPORTED = frozenset({"$ref", "additionalItems", "contains", "dependencies", "if", "then", "else", "multipleOf",
                         "patternProperties", "propertyNames", "additionalProperties", "not", "allOf", "const",
                         "maxItems", "maxProperties", "minLength", "maxLength", "maximum", "exclusiveMaximum",
                         "exclusiveMinimum"})


class _Unsupported(Exception):
    pass


def _is_integer(x) -> bool:
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


TYPES = {
    "array": lambda x: isinstance(x, list),
    "boolean": lambda x: isinstance(x, bool),
    "integer": _is_integer,
    "null": lambda x: x is None,
    "number": lambda x: isinstance(x, Number) and not isinstance(x, bool),
    "object": lambda x: isinstance(x, dict),
    "string": lambda x: isinstance(x, str),
}

_TRUE, _FALSE = object(), object()


def _unbool(x):
    if x is True:
        return _TRUE
    if x is False:
        return _FALSE
    return x


def equal(one, two) -> bool:
    """jsonschema's equality: True is not 1, and containers compare element by element."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return one.keys() == two.keys() and all(equal(one[k], two[k]) for k in one)
    return _unbool(one) == _unbool(two)


def uniq(container) -> bool:
    """jsonschema's uniqueItems: no two equal items."""
    try:
        ordered = sorted(_unbool(i) for i in container)
        for i, j in zip(ordered, islice(ordered, 1, None)):
            if equal(i, j):
                return False
    except (NotImplementedError, TypeError):
        seen = []
        for e in container:
            e = _unbool(e)
            if any(equal(i, e) for i in seen):
                return False
            seen.append(e)
    return True


def _exactly_one(tests, x) -> bool:
    found = False
    for t in tests:
        if t(x):
            if found:
                return False
            found = True
    return found


def _discriminator(alternatives) -> tuple[str, dict] | None:
    """(name, {value: alternative}) when every alternative holds property `name` to an enum of strings and no string is
    in two of them (a Table Schema field's `type`): an object that has the property can match only the alternative
    its value names."""
    if not alternatives or not all(isinstance(a, dict) and isinstance(a.get("properties"), dict) for a in alternatives):
        return None
    for name in sorted(set.intersection(*(set(a["properties"]) for a in alternatives))):
        index = {}
        for i, a in enumerate(alternatives):
            sub = a["properties"][name]
            values = sub.get("enum") if isinstance(sub, dict) else None
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values) or index.keys() & set(values):
                break
            index.update((v, i) for v in values)
        else:
            return name, index
    return None


def _one_named(by, tests, x) -> bool:
    """oneOf through its discriminator: the alternative that x's value names, alone (a value no alternative names, or
    one that is not a string, matches none: each enum holds only strings); without the property, every alternative."""
    name, index = by
    if isinstance(x, dict) and name in x:
        value = x[name]
        i = index.get(value) if isinstance(value, str) else None
        return i is not None and tests[i](x)
    return _exactly_one(tests, x)


def _all(tests):
    tests = tuple(tests)
    if not tests:
        return lambda x: True
    if len(tests) == 1:
        return tests[0]
    return lambda x: all(t(x) for t in tests)


def _compile(schema):  # noqa: C901 - one branch per JSON Schema keyword the profiles use
    if schema is True:
        return lambda x: True
    if schema is False:
        return lambda x: False
    if not isinstance(schema, dict):
        raise _Unsupported(type(schema).__name__)
    used = UNSUPPORTED.intersection(schema)
    if used:
        raise _Unsupported(", ".join(sorted(used)))
    tests = []
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if any(n not in TYPES for n in names):
            raise _Unsupported(f"type {names}")
        checks = tuple(TYPES[n] for n in names)
        tests.append(lambda x, c=checks: any(t(x) for t in c))
    if "enum" in schema:
        values = schema["enum"]
        tests.append(lambda x, v=values: any(equal(e, x) for e in v))
    if "required" in schema:
        req = tuple(schema["required"])
        tests.append(lambda x, r=req: not isinstance(x, dict) or all(p in x for p in r))
    if "minProperties" in schema:
        n = schema["minProperties"]
        tests.append(lambda x, n=n: not isinstance(x, dict) or len(x) >= n)
    if "properties" in schema:
        # properties held to a vocabulary first: they tell the alternatives of a oneOf apart at once (the order in
        # which the properties are tested changes nothing else)
        order = sorted(schema["properties"].items(), key=lambda kv: not (isinstance(kv[1], dict) and "enum" in kv[1]))
        props = tuple((name, _compile(sub)) for name, sub in order)
        tests.append(lambda x, p=props: not isinstance(x, dict) or all(t(x[k]) for k, t in p if k in x))
    if "items" in schema:
        items = schema["items"]
        if isinstance(items, list):
            subs = tuple(_compile(s) for s in items)
            tests.append(lambda x, s=subs: not isinstance(x, list) or all(t(v) for v, t in zip(x, s)))
        else:
            sub = _compile(items)
            tests.append(lambda x, t=sub: not isinstance(x, list) or all(t(v) for v in x))
    if "minItems" in schema:
        n = schema["minItems"]
        tests.append(lambda x, n=n: not isinstance(x, list) or len(x) >= n)
    if schema.get("uniqueItems"):
        tests.append(lambda x: not isinstance(x, list) or uniq(x))
    if "pattern" in schema:
        rx = re.compile(schema["pattern"])
        tests.append(lambda x, rx=rx: not isinstance(x, str) or rx.search(x) is not None)
    if "minimum" in schema:
        m = schema["minimum"]
        tests.append(lambda x, m=m: not TYPES["number"](x) or not x < m)
    if "anyOf" in schema:
        subs = tuple(_compile(s) for s in schema["anyOf"])
        tests.append(lambda x, s=subs: any(t(x) for t in s))
    if "oneOf" in schema:
        subs = tuple(_compile(s) for s in schema["oneOf"])
        by = _discriminator(schema["oneOf"])
        tests.append((lambda x, s=subs, by=by: _one_named(by, s, x)) if by else (lambda x, s=subs: _exactly_one(s, x)))
    return _all(tests)


def compile_schema(schema):
    """A predicate instance -> bool equal to jsonschema's draft 7 verdict, or None when the schema is beyond it."""
    try:
        return _compile(schema)
    except (_Unsupported, re.error, TypeError, AttributeError):
        return None


@lru_cache(maxsize=None)
def profile_predicate(path: str):
    """The compiled predicate of a vendored profile file (compiled once per process), or None."""
    import json

    with open(path, encoding="utf-8") as fh:
        return compile_schema(json.load(fh))
