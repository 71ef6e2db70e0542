"""`export annotations FILE.jsonld`: the mentions, quotes and claim evidence as W3C Web Annotations (JSON-LD), for
annotation tools (Hypothesis and any client of the W3C Web Annotation Data Model).

One file, one AnnotationCollection (`@context` http://www.w3.org/ns/anno.jsonld) whose `first` (and `last`) page is
embedded: an AnnotationPage with every annotation in `items`, the form section 5 of the model gives for a
collection and the one its test suite's page and collection checks take. One annotation per row of the tables that
name entities (motivation `identifying`), that hold utterances (`describing`: the W3C vocabulary has no `quoting`
motivation; its thirteen are in the model's section 3.3.5) and that assess claims (`assessing`), asked of the model
(`Resource.names_entities`, `Resource.utterance`, `Resource.evidence_of` with a `Span.label`). Each annotation carries
its own `@context`, so it can be taken out of the collection and stand alone.

- `id`: `urn:vostochny-summit:annotation:<table>:<row id>` (the row's primary key joined with "/"): stable across
  versions as the ids are (an informal URN: the namespace is not registered). Rows of other tables are named the same
  way, `urn:vostochny-summit:<table>:<id>`.
- `body`: what the row says, as SpecificResources with a `purpose` (the entity, its Wikidata item) and TextualBodies
  (the entity's kind and name; the speaker; the stance, the claim's statement and who in the text asserts it).
- `target`: a SpecificResource whose `source` is the article (its URL where `sources` has one, else
  `urn:sha256:<hex>` of the text's bytes, with type Text, format text/plain and its language) and two selectors for
  the same characters: a TextQuoteSelector (`exact`, with `prefix` and `suffix` of 32 characters, longer where
  needed for the three to occur once in the article) and a TextPositionSelector (offsets in Unicode code points,
  end exclusive; JavaScript counts UTF-16 code units, so a client in a browser counts one more for every character
  outside the Basic Multilingual Plane before the span).
- `rights`: the data licence (CC BY 4.0), on the collection and on every annotation.

Deterministic: the same package gives the same bytes (rows in descriptor, article and offset order; no dates).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..package import Package
from . import Format
from .croissant import DATA_LICENSE
from .spans import Entity, SpanRow, Spans

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
URN = "urn:vostochny-summit:"  # the prefix of every id: annotations, and the rows they point at
WIKIDATA = "http://www.wikidata.org/entity/"
CONTEXT_CHARS = 32  # prefix and suffix length, as Hypothesis uses


def motivation(res) -> str | None:
    """The motivation of a span table's annotations, or None when the table is not annotated."""
    if res.names_entities:
        return "identifying"
    if res.utterance:
        return "describing"
    if res.evidence_of and res.span.label:
        return "assessing"
    return None


def quote_selector(text: str, start: int, end: int) -> dict:
    """A TextQuoteSelector for text[start:end], its prefix and suffix grown from CONTEXT_CHARS until the three
    occur once in the text."""
    n = CONTEXT_CHARS
    while True:
        prefix, suffix = text[max(0, start - n):start], text[end:end + n]
        whole = prefix + text[start:end] + suffix
        first = text.find(whole)
        if text.find(whole, first + 1) < 0 or (len(prefix) == start and len(suffix) == len(text) - end):
            break
        n *= 2
    out = {"type": "TextQuoteSelector", "exact": text[start:end]}
    if prefix:
        out["prefix"] = prefix
    if suffix:
        out["suffix"] = suffix
    return out


class Writer:
    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.spans = Spans(pkg)
        self.urn = URN
        self.rights = DATA_LICENSE

    def source(self, source_id: str) -> dict:
        a = self.spans.articles[source_id]
        out = {"id": a.url or f"urn:sha256:{a.sha256}", "type": "Text", "format": "text/plain"}
        if a.language:
            out["language"] = a.language
        return out

    def entity_body(self, e: Entity, purpose: str) -> list[dict]:
        body = [{"type": "SpecificResource", "purpose": purpose, "source": f"{self.urn}{e.table}:{e.id}"}]
        if e.qid:
            body.append({"type": "SpecificResource", "purpose": purpose, "source": WIKIDATA + e.qid})
        return body

    def body(self, r: SpanRow, why: str) -> list[dict]:
        if why == "identifying":
            return (self.entity_body(r.entity, "identifying")
                    + [{"type": "TextualBody", "purpose": "tagging", "value": r.entity.kind},
                       {"type": "TextualBody", "purpose": "describing", "value": r.entity.name or r.entity.id}])
        if why == "describing":
            said_by = r.entity.name or r.entity.id if r.entity else r.label
            body = self.entity_body(r.entity, "linking") if r.entity else []
            return body + ([{"type": "TextualBody", "purpose": "describing", "value": f"Said by {said_by}"}]
                           if said_by else [{"type": "TextualBody", "purpose": "describing",
                                             "value": "Quoted words, attributed to no one"}])
        t = r.target
        body = [{"type": "TextualBody", "purpose": "assessing", "value": r.label},
                {"type": "TextualBody", "purpose": "describing", "value": t.label or t.id},
                {"type": "SpecificResource", "purpose": "linking", "source": f"{self.urn}{t.table}:{t.id}"}]
        if r.entity:  # who in the text asserts it
            body += self.entity_body(r.entity, "linking") + [
                {"type": "TextualBody", "purpose": "describing", "value": f"Asserted by {r.entity.name or r.entity.id}"}]
        return body

    def annotation(self, r: SpanRow, why: str) -> dict:
        text = self.spans.articles[r.source_id].text
        out = {"@context": CONTEXT, "id": f"{self.urn}annotation:{r.table}:{r.id}", "type": "Annotation",
               "motivation": why, "body": self.body(r, why),
               "target": {"type": "SpecificResource", "source": self.source(r.source_id),
                          "selector": [quote_selector(text, r.start, r.end),
                                       {"type": "TextPositionSelector", "start": r.start, "end": r.end}]}}
        out["rights"] = self.rights
        return out

    def collection(self) -> dict:
        items = []
        for name in self.spans.tables():
            why = motivation(self.pkg.table(name).model)
            if why:
                items += [self.annotation(r, why) for r in self.spans.rows(name)]
        cid = f"{self.urn}{self.pkg.version}:annotations"
        out = {"@context": CONTEXT, "id": cid, "type": "AnnotationCollection",
               "label": f"{self.pkg.descriptor.get('title', '')} (version {self.pkg.version}): entity mentions, "
                        f"quotes and claim evidence as W3C Web Annotations",
               "total": len(items), "first": {"id": f"{cid}:page-1", "type": "AnnotationPage", "partOf": cid,
                                               "startIndex": 0, "items": items}, "last": f"{cid}:page-1"}
        out["rights"] = self.rights
        return out


def render(pkg: Package) -> str:
    return json.dumps(Writer(pkg).collection(), ensure_ascii=False, indent=1) + "\n"


def write(pkg: Package, out: Path) -> list[Path]:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(pkg), encoding="utf-8")
    return [out]


FORMAT = Format("annotations", "W3C Web Annotations (JSON-LD): every mention, quote and piece of claim evidence "
                "anchored in its article by quote and position", "file", "-annotations.jsonld", write,
                example="annotations.jsonld")
