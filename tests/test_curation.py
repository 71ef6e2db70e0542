"""Curation properties, checked in plain Python independently of the validator's SQL."""

from __future__ import annotations

from collections import defaultdict

import pytest

from vostochny_summit.articles import read_text, sentences
from vostochny_summit.model import entity_tables, span_tables
from vostochny_summit.tabular import read_typed

from .helpers import ROOT, SHARED, read_csv
from .oracles import claim_status

ENTITY_ID = {name: r.primary_key[0] for name, r in entity_tables().items()}  # people: person_id, …


@pytest.fixture(scope="module")
def data(pkg):
    return {name: read_typed(t).to_pylist() for name, t in pkg.tables.items()}


@pytest.fixture(scope="module")
def texts(pkg, data):
    return {s["source_id"]: read_text(pkg.root / s["text_path"]) for s in data["sources"]}


@pytest.mark.parametrize("table", list(span_tables()))
def test_every_span_is_verbatim(data, texts, table):
    bad = [(r["source_id"], r["char_start"], r["char_end"], r["text"]) for r in data[table]
           if texts[r["source_id"]][r["char_start"]:r["char_end"]] != r["text"]]
    assert data[table] and not bad, bad[:5]


def test_every_entity_has_a_mention(data):
    for table, col in ENTITY_ID.items():
        mentioned = {m[col] for m in data["mentions"]}
        assert {e[col] for e in data[table]} <= mentioned, f"{table} never mentioned"


def test_every_mention_names_exactly_one_entity(data):
    assert all(sum(m[c] is not None for c in ENTITY_ID.values()) == 1 for m in data["mentions"])


def test_every_claim_and_event_has_evidence(data):
    assert {c["claim_id"] for c in data["claims"]} <= {e["claim_id"] for e in data["claim_evidence"]}
    assert {e["event_id"] for e in data["events"]} <= {e["event_id"] for e in data["event_evidence"]}


def test_every_quote_lies_inside_quotation_marks(data, texts):
    outside = []
    for q in data["quotes"]:
        body = texts[q["source_id"]]
        if body[q["char_start"] - 1] not in "“‘\"" or body[q["char_end"]] not in "”’\"":
            outside.append(q["quote_id"])
    assert not outside


def test_every_utterance_group_has_one_speaker(data):
    speakers = defaultdict(set)
    for q in data["quotes"]:
        if q["utterance_id"]:
            speakers[q["utterance_id"]].add((q["speaker_person_id"], q["speaker_org_id"], q["speaker_description"]))
    assert speakers and {u: s for u, s in speakers.items() if len(s) > 1} == {}


def test_claim_status_agrees_with_evidence(data):
    groups = {s["source_id"]: s["independence_group"] for s in data["sources"]}
    rows = [(e["claim_id"], e["source_id"], e["stance"], e["attributed_org_id"]) for e in data["claim_evidence"]]
    derived = claim_status(rows, groups)
    assert {c["claim_id"]: c["status"] for c in data["claims"]} == derived


def test_contested_claims_carry_both_sides(data):
    stances = defaultdict(set)
    for e in data["claim_evidence"]:
        stances[e["claim_id"]].add(e["stance"])
    contested = [c["claim_id"] for c in data["claims"] if c["status"] == "contested"]
    assert contested, "the articles disagree in places; some claim must be contested"
    assert all({"supports", "refutes"} <= stances[c] for c in contested)


def test_speech_act_claims_are_asserted_by_the_reporter(data):
    """CURATION.md §7: a `statement` or `denial` claim is asserted by the article, or by the outlet it relays. The
    validate code `reporter-voice` holds the data to it; this is its plain-Python oracle on the real data."""
    kinds = {c["claim_id"]: c["claim_type"] for c in data["claims"]}
    groups = {s["independence_group"] for s in data["sources"]}
    bad = [(e["claim_id"], e["source_id"], e["char_start"]) for e in data["claim_evidence"]
           if kinds[e["claim_id"]] in ("statement", "denial")
           and (e["attributed_person_id"] or e["attributed_description"]
                or (e["attributed_org_id"] and e["attributed_org_id"] not in groups))]
    assert not bad, bad


def test_quotes_take_the_event_their_sentence_is_evidence_of(data, texts):
    """CURATION.md §6, the plain-Python oracle of the validate code `quote-event`: where an event evidence span
    overlaps a sentence the quote overlaps, the quote's event is one of those events (quotes with a speaker)."""
    events = defaultdict(set)  # (source, sentence) -> events
    bounds = {sid: sentences(body) for sid, body in texts.items()}
    for e in data["event_evidence"]:
        for s, t in bounds[e["source_id"]]:
            if e["char_start"] < t and e["char_end"] > s:
                events[e["source_id"], s].add(e["event_id"])
    checked, bad = 0, []
    for q in data["quotes"]:
        if not (q["speaker_person_id"] or q["speaker_org_id"] or q["speaker_description"]):
            continue
        named = set().union(*(events[q["source_id"], s] for s, t in bounds[q["source_id"]]
                              if q["char_start"] < t and q["char_end"] > s))
        checked += bool(named)
        if named and q["event_id"] not in named:
            bad.append((q["quote_id"], q["event_id"], sorted(named)))
    assert checked and not bad, bad


def test_identifiers_appear_only_where_the_reference_has_them(data):
    ref_path = SHARED / "reference" / "entity-identifiers.csv"
    if not ref_path.is_file():
        ref_path = ROOT / "data" / "reference" / "entity-identifiers.csv"
    ref = read_csv(ref_path)
    qids = {r["wikidata_qid"]: r for r in ref if r["wikidata_qid"]}
    geonames = {int(r["geonames_id"]): r for r in ref if r["geonames_id"]}
    coords = {(float(r["latitude"]), float(r["longitude"])) for r in ref if r["latitude"]}
    for table in ENTITY_ID:
        for e in data[table]:
            if e["wikidata_qid"]:
                assert e["wikidata_qid"] in qids and qids[e["wikidata_qid"]]["qid_confidence"] == e["wikidata_qid_confidence"], e
    for p in data["places"]:
        if p["geonames_id"] is not None:
            assert p["geonames_id"] in geonames, p
        if p["latitude"] is not None:
            assert (p["latitude"], p["longitude"]) in coords, p


def test_every_sentence_is_covered_or_excluded(data, texts):
    spans = defaultdict(list)
    for table in ("claim_evidence", "quotes", "excluded_spans"):
        for r in data[table]:
            spans[r["source_id"]].append((r["char_start"], r["char_end"]))
    uncovered = [(sid, body[s:e][:50]) for sid, body in texts.items() for s, e in sentences(body)
                 if not any(a < e and b > s for a, b in spans[sid])]
    assert not uncovered, uncovered[:10]


def test_sentence_splitter_keeps_abbreviations_together():
    text = "He cited U.N. Security Council resolutions. Then he left.\nSat. Sep 30th, 2023\nNext line"
    assert [text[s:e] for s, e in sentences(text)] == [
        "He cited U.N. Security Council resolutions.", "Then he left.", "Sat. Sep 30th, 2023", "Next line"]


def test_printed_dates_that_are_not_publication_dates_stay_unpublished(data):
    assert any(s["published_basis"] != "printed-dateline" for s in data["sources"])
    for s in data["sources"]:
        if s["published_basis"] != "printed-dateline":
            assert s["published"] is None, s["source_id"]
