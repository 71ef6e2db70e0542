"""The columns the package's rules and generated files work on, found from the model's declarations (field kinds,
derivations, references, vocabularies, a resource's label), never from their names: the articles' table, the events'
dates, and the inputs of the claim-status rule. build, validate and every exporter ask here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import vocabularies as v
from .classes import Resource
from .resources import RESOURCES


def _one(test, what: str) -> Resource:
    found = [r for r in RESOURCES.values() if test(r)]
    if len(found) != 1:
        raise LookupError(f"the model declares {len(found)} tables that are {what}; the code needs exactly one")
    return found[0]


def _field(res: Resource, test, what: str) -> str:
    found = [f.name for f in res.fields if test(f)]
    if len(found) != 1:
        raise LookupError(f"{res.name} declares {len(found)} fields that are {what}; the code needs exactly one")
    return found[0]


def _kind(res: Resource, kind: str) -> str:
    return _field(res, lambda f: f.kind == kind, f"of kind {kind!r}")


@dataclass(frozen=True)
class SourceColumns:
    """The articles' table: each row names its text file, the file's sha256 and length, and its independence group."""

    table: str
    id: str
    title: str
    url: str
    path: str
    sha256: str
    char_count: str
    group: str


@lru_cache(maxsize=None)
def sources() -> SourceColumns:
    res = _one(lambda r: any(f.kind == "text-path" for f in r.fields), "articles (a text-path field)")
    return SourceColumns(res.name, res.primary_key[0], res.label, _field(res, lambda f: f.format == "uri", "a URI"),
                         _kind(res, "text-path"), _kind(res, "text-sha256"), _kind(res, "text-length"),
                         _kind(res, "independence-group"))


@dataclass(frozen=True)
class EventColumns:
    """The events table's column names, as the model names them."""

    table: str
    id: str
    parent: str
    title: str
    date: str
    earliest: str
    latest: str
    basis: str
    type: str
    plover: str
    status: str


@lru_cache(maxsize=None)
def events() -> EventColumns:
    res = _one(lambda r: any(f.kind == "edtf-date" for f in r.fields), "events (an EDTF date field)")
    plover = next(f for f in res.fields if f.derived and f.derived["rule"] == "plover")
    return EventColumns(
        res.name, res.primary_key[0],
        _field(res, lambda f: f.references == f"{res.name}.{res.primary_key[0]}", "the parent event"),
        res.label, _kind(res, "edtf-date"), _kind(res, "edtf-earliest"), _kind(res, "edtf-latest"),
        _field(res, lambda f: f.vocabulary is v.DATE_BASIS, "the date basis"), plover.derived["from"][0], plover.name,
        _field(res, lambda f: f.vocabulary is v.EVENT_STATUS, "the event status"))


@dataclass(frozen=True)
class ClaimStatusColumns:
    """What the claim-status rule (CURATION.md §7, derive.claim_status_column) reads and writes."""

    claims: str
    key: str
    status: str
    evidence: str
    claim: str  # the evidence's reference to its claim
    source: str  # the evidence's article
    stance: str
    relayed_by: str  # the outlet a piece of evidence is relayed from: it counts in that outlet's group
    # the stance values the rule reads and the status values it writes (checked against the vocabularies below)
    terms: tuple[str, str, str, str, str] = ("supports", "refutes", "contested", "corroborated", "single-source")

    @property
    def evidence_columns(self) -> tuple[str, ...]:
        return self.claim, self.source, self.stance, self.relayed_by


@lru_cache(maxsize=None)
def claim_status() -> ClaimStatusColumns:
    claims = _one(lambda r: any(f.derived and f.derived["rule"] == "claim-status" for f in r.fields),
                  "claims (a field derived by the claim-status rule)")
    evidence = _one(lambda r: r.evidence_of == claims.name, f"evidence of {claims.name}")
    status = _field(claims, lambda f: f.derived and f.derived["rule"] == "claim-status", "the derived status")
    claim = _field(evidence, lambda f: f.references == f"{claims.name}.{claims.primary_key[0]}", "the claim reference")
    out = ClaimStatusColumns(claims.name, claims.primary_key[0], status, evidence.name, claim, evidence.span.source,
                             _field(evidence, lambda f: f.vocabulary is v.STANCE, "the stance"), evidence.relayed_by)
    stances, statuses = out.terms[:2], out.terms[2:]
    if not set(stances) <= set(v.STANCE.values) or set(statuses) != set(claims.field(status).vocabulary.values):
        raise LookupError(f"the claim-status rule's values {out.terms} are not the stance and status vocabularies'")
    return out
