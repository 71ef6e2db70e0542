"""`export annotations`: the collection, its page and every annotation pass the MUST assertions of the W3C Web
Annotation Data Model's test suite (JSON Schemas vendored in tests/data/w3c-annotation-model/, references resolved
locally, validated with jsonschema), and every annotation re-anchors in its article: both selectors find the same
characters, the row's.

Validating 756 annotations against the 54 assertions takes jsonschema about 50 s. The schemas look at the strings and
numbers of an annotation only through `type`, `format: uri` and `minimum` (a test below proves it of the vendored
files), so each annotation is validated in its *shape*: free text replaced by one string, offsets by 0 and 1, and
every URI (each checked first with the same format checker) by one URI. The shapes are few, and every annotation has
one; an annotation the schemas would reject has a shape they reject."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from vostochny_summit.exports import export
from vostochny_summit.exports.annotations import CONTEXT, motivation
from vostochny_summit.exports.spans import Spans

from .conftest import ROOT

W3C = Path(__file__).parent / "data" / "w3c-annotation-model"


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("annotations") / "annotations.jsonld"
    assert export("annotations", out, ROOT) == [out]
    return out


@pytest.fixture(scope="module")
def collection(written) -> dict:
    return json.loads(written.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def items(collection) -> list[dict]:
    return collection["first"]["items"]


def _registry():
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    return Registry().with_resources(
        (p.name, Resource(json.loads(p.read_text(encoding="utf-8")), DRAFT4)) for p in (W3C / "definitions").glob("*.json")).crawl()


def musts(test_file: str) -> list[tuple[str, jsonschema.Draft4Validator, bool]]:
    """The assertions a W3C `.test` file lists: (file, validator, whether the document must be valid against it)."""
    registry = _registry()
    checker = jsonschema.Draft4Validator.FORMAT_CHECKER
    assert "uri" in checker.checkers, "format 'uri' is not checked: install rfc3986-validator"
    out = []
    for name in json.loads((W3C / test_file).read_text(encoding="utf-8"))["assertions"]:
        schema = json.loads((W3C / name).read_text(encoding="utf-8"))
        jsonschema.Draft4Validator.check_schema(schema)
        out.append((name, jsonschema.Draft4Validator(schema, registry=registry, format_checker=checker),
                    schema.get("expectedResult", "valid") == "valid"))
    return out


def failures(doc: dict, checks) -> list[str]:
    return [name for name, validator, valid in checks if validator.is_valid(doc) != valid]


# keys whose string or integer values the schemas constrain only by type, `format: uri` and `minimum` -> what stands
# for every value in an annotation's shape
STAND_IN = {"exact": "…", "prefix": "…", "suffix": "…", "value": "…", "start": 0, "end": 1, "id": "urn:x:y",
            "source": "urn:x:y"}
URI_KEYS = ("id", "source")
VALUE_KEYWORDS = ("enum", "const", "pattern", "minLength", "maxLength", "maximum", "exclusiveMinimum",
                  "exclusiveMaximum", "multipleOf", "format", "minimum")


def shape(doc, key=None):
    """The annotation with each scalar value under a STAND_IN key replaced (URIs checked first)."""
    if isinstance(doc, dict):
        return {k: shape(v, k) for k, v in doc.items()}
    if isinstance(doc, list):
        return [shape(v, key) for v in doc]
    if key in STAND_IN and isinstance(doc, (str, int)) and not isinstance(doc, bool):
        if key in URI_KEYS:
            assert jsonschema.Draft4Validator.FORMAT_CHECKER.conforms(doc, "uri"), (key, doc)
        return STAND_IN[key]
    return doc


def test_the_schemas_constrain_the_stood_in_values_only_by_type_uri_and_minimum():  # noqa: C901 - one branch per stood-in keyword
    """Every schema that applies to a value under a STAND_IN key (through $ref, allOf, anyOf, oneOf, not) uses no
    value keyword but `format: uri` and `minimum: 0`: so a value and its stand-in pass and fail the same schemas."""
    files = {p.relative_to(W3C).as_posix(): json.loads(p.read_text(encoding="utf-8")) for p in W3C.rglob("*.json")}
    defs = {p.split("/")[-1]: d for p, d in files.items() if p.startswith("definitions/")}

    def resolve(ref: str, here: str):
        name, _, pointer = ref.partition("#")
        node = defs[name or here]
        for part in filter(None, pointer.split("/")):
            node = node[part]
        return node, name or here

    def applied(schema, here, seen):  # the schemas that apply to the value itself
        if not isinstance(schema, dict) or id(schema) in seen:
            return
        seen.add(id(schema))
        yield schema
        if "$ref" in schema:
            yield from applied(*resolve(schema["$ref"], here), seen)
        for k in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(k, []):
                yield from applied(sub, here, seen)
        yield from applied(schema.get("not"), here, seen)

    def walk(node, here):
        if isinstance(node, dict):
            for key, sub in (node.get("properties") or {}).items():
                if key in STAND_IN:
                    for s in applied(sub, here, set()):
                        used = {k: s[k] for k in VALUE_KEYWORDS if k in s}
                        assert used in ({}, {"format": "uri"}, {"minimum": 0}), (here, key, used)
            for v in node.values():
                walk(v, here)
        elif isinstance(node, list):
            for v in node:
                walk(v, here)

    for path, schema in files.items():
        walk(schema, path.split("/")[-1] if path.startswith("definitions/") else "")


def test_every_annotation_passes_the_w3c_annotation_musts(items):
    checks = musts("annotations/annotationMusts.test")
    assert len(checks) > 40
    shapes = {}
    for a in items:
        shapes.setdefault(json.dumps(shape(a), sort_keys=True), a["id"])
    assert len(shapes) < len(items) / 10, len(shapes)
    bad = {ident: f for doc, ident in shapes.items() if (f := failures(json.loads(doc), checks))}
    assert not bad, list(bad.items())[:3]
    # the checks bite: an annotation without a target, with a negative offset or a selector without `exact` fails
    broken = [dict(items[0]), json.loads(json.dumps(items[0])), json.loads(json.dumps(items[0]))]
    del broken[0]["target"]
    broken[1]["target"]["selector"][1]["start"] = -1
    del broken[2]["target"]["selector"][0]["exact"]
    assert all(failures(b, checks) for b in broken)


def test_the_collection_and_its_embedded_page_pass_their_musts(collection, items):
    shell = dict(collection, first=dict(collection["first"], items=items[:2]))  # the page's items are checked above
    assert not failures(shell, musts("collections/collectionMusts.test"))
    assert not failures(shell, musts("collections/pages/pageMusts.test"))
    assert collection["@context"] == CONTEXT and collection["type"] == "AnnotationCollection"
    assert collection["total"] == len(items) and collection["last"] == collection["first"]["id"]


def test_motivations_are_the_w3c_vocabulary_s(items):
    motivations = json.loads((W3C / "definitions" / "annotations.json").read_text())["definitions"]["motivationList"]["enum"]
    assert {a["motivation"] for a in items} == {"identifying", "describing", "assessing"}
    assert {a["motivation"] for a in items} <= set(motivations)
    purposes = {b["purpose"] for a in items for b in a["body"]}
    assert purposes <= set(motivations), purposes


def test_one_annotation_per_row_that_re_anchors_in_its_article(pkg, items):
    spans = Spans(pkg)
    want = {}
    for name in spans.tables():
        if motivation(pkg.table(name).model):
            want |= {f"urn:vostochny-summit:annotation:{name}:{r.id}": r for r in spans.rows(name)}
    assert [a["id"] for a in items] == list(want) and len(set(want)) == len(items)
    by_source = {}
    for a in spans.articles.values():
        by_source[a.url or f"urn:sha256:{a.sha256}"] = a.text
    for a in items:
        row = want[a["id"]]
        text = by_source[a["target"]["source"]["id"]]
        quote, position = a["target"]["selector"]
        assert (position["type"], quote["type"]) == ("TextPositionSelector", "TextQuoteSelector")
        assert (position["start"], position["end"]) == (row.start, row.end)
        assert text[position["start"]:position["end"]] == quote["exact"] == row.text
        whole = quote.get("prefix", "") + quote["exact"] + quote.get("suffix", "")
        found = text.find(whole)
        assert found >= 0 and text.find(whole, found + 1) < 0, a["id"]  # the quote selector finds one place …
        assert found + len(quote.get("prefix", "")) == position["start"], a["id"]  # … the position selector's


def test_bodies_say_what_the_row_says(pkg, items):
    by_id = {a["id"]: a for a in items}
    spans = Spans(pkg)
    for name in spans.tables():
        for r in spans.rows(name):
            a = by_id.get(f"urn:vostochny-summit:annotation:{name}:{r.id}")
            if a is None:
                continue
            values = [b.get("value") for b in a["body"]]
            sources = [b.get("source") for b in a["body"]]
            if r.entity:
                assert f"urn:vostochny-summit:{r.entity.table}:{r.entity.id}" in sources
                assert (f"http://www.wikidata.org/entity/{r.entity.qid}" in sources) == bool(r.entity.qid)
            if a["motivation"] == "assessing":
                assert values[:2] == [r.label, r.target.label]
                assert f"urn:vostochny-summit:{r.target.table}:{r.target.id}" in sources


def test_no_astral_characters_so_positions_match_javascript(pkg):
    """The README says JavaScript counts UTF-16 code units; in these articles the two counts agree (no character is
    outside the Basic Multilingual Plane). A text with one would need the README's caveat in practice."""
    for a in Spans(pkg).articles.values():
        assert all(ord(c) <= 0xFFFF for c in a.text), a.source_id


def test_written_twice_byte_identical(written, tmp_path):
    again = tmp_path / "again.jsonld"
    export("annotations", again, ROOT)
    assert again.read_bytes() == written.read_bytes()
