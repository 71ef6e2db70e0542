"""The model checks itself when it is imported (after PUDL's self-validating classes): a misspelled column in a row
rule, a key naming no field or a reference to a missing table fails at import with ModelError, naming the table and
the field, instead of surfacing later as a database error in `validate`.
"""

from __future__ import annotations

from .classes import Field, Resource
from .rules import Cond, Equals, RowRule

KINDS = {"id", "ref", "slug", "span-source", "span-start", "span-end", "span-text", "vocabulary", "iso-country",
         "wikidata-qid", "edtf-date", "edtf-earliest", "edtf-latest", "text", "value", "text-path", "text-sha256",
         "text-length", "latitude", "longitude", "geonames-id", "independence-group", "web-address", "language-tag",
         "evidence-stance", "exclusion-reason"}
VOCABULARY_KINDS = {"vocabulary", "evidence-stance", "exclusion-reason"}  # the kinds of a field that takes a vocabulary
TYPES = {"string", "integer", "number", "boolean", "date"}
DERIVED_RULES = {"edtf-earliest", "edtf-latest", "plover", "claim-status"}


class ModelError(ValueError):
    """The model contradicts itself; the message lists every mistake as `table.field: what is wrong`."""


def _field_mistakes(res: Resource, f: Field) -> list[str]:
    at = f"{res.name}.{f.name}"
    out = []
    if f.type not in TYPES:
        out.append(f"{at}: type {f.type!r} is not one of {sorted(TYPES)}")
    if f.kind not in KINDS:
        out.append(f"{at}: kind {f.kind!r} is not one of the kinds the code knows ({', '.join(sorted(KINDS))})")
    if (f.kind in VOCABULARY_KINDS) != (f.vocabulary is not None):
        out.append(f"{at}: a field with a vocabulary has one of the kinds {sorted(VOCABULARY_KINDS)}, and only it")
    if f.pattern and not f.expects:
        out.append(f"{at}: a pattern needs pattern_words (what it asks for, in words, for error messages)")
    if not f.description or len(f.description) < 10:
        out.append(f"{at}: needs a description")
    if f.derived and f.derived.get("rule") not in DERIVED_RULES:
        out.append(f"{at}: derived by an unknown rule {f.derived.get('rule')!r} (known: {sorted(DERIVED_RULES)})")
    return out


def _reference_mistakes(resources: dict[str, Resource], res: Resource, f: Field) -> list[str]:
    if not f.references:
        return []
    table, _, column = f.references.partition(".")
    target = resources.get(table)
    if target is None:
        return [f"{res.name}.{f.name}: references {f.references!r}, but there is no table {table!r}"]
    if column not in target.field_names:
        return [f"{res.name}.{f.name}: references {f.references!r}, but {table} has no field {column!r}"]
    if [column] != list(target.primary_key) and not target.field(column).unique:
        return [f"{res.name}.{f.name}: references {f.references!r}, which is neither {table}'s primary key nor unique"]
    return []


def _cond_values(cond: Cond):
    """Every (column, value) an Equals inside the condition compares."""
    if isinstance(cond, Equals):
        yield cond.column, cond.value
    for part in getattr(cond, "parts", ()) or ():
        yield from _cond_values(part)
    for attr in ("inner", "a", "b"):
        inner = getattr(cond, attr, None)
        if isinstance(inner, Cond):
            yield from _cond_values(inner)


def _rule_mistakes(res: Resource, rule: RowRule) -> list[str]:
    out = []
    names = set(res.field_names)
    for col in dict.fromkeys(list(rule.violated.columns) + rule.fields):
        if col not in names:
            out.append(f"{res.name}.{col}: row rule {rule.code!r} names a field the table does not have")
    for col, value in _cond_values(rule.violated):
        if col in names:
            vocab = res.field(col).vocabulary
            if vocab is not None and value not in vocab.values:
                out.append(f"{res.name}.{col}: row rule {rule.code!r} compares with {value!r}, which is not in the "
                           f"{vocab.name} vocabulary ({', '.join(vocab.values)})")
    return out


def _resource_mistakes(resources: dict[str, Resource], res: Resource) -> list[str]:
    names = res.field_names
    out = [f"{res.name}.{n}: declared twice" for n in sorted({n for n in names if names.count(n) > 1})]
    if not res.primary_key:
        out.append(f"{res.name}: has no primary key")
    for key, what in [(res.primary_key, "primary key")] + [(k, "unique key") for k in res.unique_keys]:
        out += [f"{res.name}.{k}: the {what} names a field the table does not have" for k in key if k not in names]
    if res.span:
        for role in ("source", "start", "end", "text", "label"):
            col = getattr(res.span, role)
            if col is not None and col not in names:
                out.append(f"{res.name}.{col}: the span's {role} column is not a field of the table")
    for role in ("label", "relayed_by"):
        col = getattr(res, role)
        if col is not None and col not in names:
            out.append(f"{res.name}.{col}: the table's {role} is not a field of the table")
    if res.evidence_of and res.evidence_of not in resources:
        out.append(f"{res.name}: evidence_of names no table ({res.evidence_of!r})")
    if res.utterance:
        out += [f"{res.name}.{c}: the utterance declaration names a field the table does not have"
                for c in (res.utterance[0], *res.utterance[1]) if c not in names]
    for f in res.fields:
        out += _field_mistakes(res, f) + _reference_mistakes(resources, res, f)
        for source in (f.derived or {}).get("from", []):
            if source not in names and source not in resources:
                out.append(f"{res.name}.{f.name}: derived from {source!r}, which is neither a field nor a table")
    for rule in res.rules:
        out += _rule_mistakes(res, rule)
    return out


def _layout_mistakes(resources: dict[str, Resource]) -> list[str]:
    from .layouts import CLAIMS_LINE as line

    out = []
    for table, pairs in ((line.claims, line.claim), (line.evidence, line.items + line.asserted_by)):
        res = resources.get(table)
        if res is None:
            out.append(f"{table}: the claims JSONL layout names no table {table!r}")
            continue
        out += [f"{table}.{f}: the claims JSONL layout names a field the table does not have"
                for _, f in pairs if f not in res.field_names]
    status = next((f for f in resources[line.claims].fields if f.derived), None) if line.claims in resources else None
    if status is not None and {s for s, _, _ in line.labels} != set(status.vocabulary.values):
        out.append(f"{line.claims}.{status.name}: the claims JSONL labels do not map every status exactly once")
    return out


def check_model(resources: dict[str, Resource]) -> None:
    """Raise ModelError listing every mistake of the model (none: return)."""
    mistakes = _layout_mistakes(resources)
    for name, res in resources.items():
        if name != res.name:
            mistakes.append(f"{name}: registered under another name than its own ({res.name!r})")
        mistakes += _resource_mistakes(resources, res)
    if mistakes:
        raise ModelError("the model contradicts itself:\n  " + "\n  ".join(mistakes))
