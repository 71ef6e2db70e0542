"""`export spacy`: the DocBin read back with spaCy has one Doc per article, its text verbatim, every span row of every
span table as a span of its group (offsets, text, label, kb id and id), the non-overlapping mentions as doc.ents; the
JSONL twin says the same; a span that does not align with the tokens refuses the export, naming its table and id."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys

import pytest

from vostochny_summit.api import MissingExtra
from vostochny_summit.exports import ExportRefused, export
from vostochny_summit.exports.spacy_docs import DOCBIN, JSONL
from vostochny_summit.exports.spans import Spans
from vostochny_summit.model import span_tables

from .conftest import ROOT

# spaCy is imported where a test needs it, not at collection (a second in every worker, most of which never use it)
pytestmark = pytest.mark.skipif(importlib.util.find_spec("spacy") is None, reason="spacy is not installed")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("spacy") / "docs"
    written = export("spacy", out, ROOT)
    assert sorted(p.name for p in written) == sorted([DOCBIN, JSONL])
    return out


@pytest.fixture(scope="module")
def docs(folder):
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    return list(DocBin().from_bytes((folder / DOCBIN).read_bytes()).get_docs(nlp.vocab))


@pytest.fixture(scope="module")
def lines(folder):
    return [json.loads(line) for line in (folder / JSONL).read_text(encoding="utf-8").splitlines()]


def csv_rows(name):
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_one_doc_per_article_with_its_text_verbatim(docs, lines):
    sources = csv_rows("sources")
    assert [d.user_data["meta"]["source_id"] for d in docs] == sorted(s["source_id"] for s in sources)
    for doc, line, s in zip(docs, lines, sorted(sources, key=lambda s: s["source_id"])):
        text = (ROOT / s["text_path"]).read_text(encoding="utf-8")
        assert doc.text == line["text"] == text
        assert doc.user_data["meta"] == line["meta"]
        assert line["meta"]["text_sha256"] == s["text_sha256"] and line["meta"]["package_version"]


def test_every_span_row_is_a_span_of_its_group(pkg, docs):
    spans = Spans(pkg)
    by_doc = {d.user_data["meta"]["source_id"]: d for d in docs}
    assert set(docs[0].spans) == set(span_tables())
    for name in span_tables():
        want = {}
        for r in spans.rows(name):
            want.setdefault(r.source_id, []).append((r.start, r.end, r.text, r.label, r.kb_id, r.id))
        assert sum(map(len, want.values())) == len(csv_rows(name)), name  # every row, none dropped
        for sid, doc in by_doc.items():
            got = [(s.start_char, s.end_char, s.text, s.label_, s.kb_id_, s.id_) for s in doc.spans[name]]
            assert got == want.get(sid, []), (name, sid)


def test_labels_follow_the_model(docs):
    stance = {(r["claim_id"], r["source_id"], int(r["char_start"])): r["stance"] for r in csv_rows("claim_evidence")}
    kinds = {"person_id": "person", "org_id": "organization", "place_id": "place"}
    mention = {r["mention_id"]: next((kinds[c], r[c]) for c in kinds if r[c]) for r in csv_rows("mentions")}
    speaker = {r["quote_id"]: r["speaker_person_id"] or r["speaker_org_id"] or r["speaker_description"]
               for r in csv_rows("quotes")}
    event = {(r["event_id"], r["source_id"], int(r["char_start"])): r["event_id"] for r in csv_rows("event_evidence")}
    for doc in docs:
        for s in doc.spans["claim_evidence"]:
            claim, source, start = s.id_.split("/")
            assert (s.label_, s.kb_id_) == (stance[claim, source, int(start)], claim)
        for s in doc.spans["mentions"]:
            assert (s.label_, s.kb_id_) == mention[s.id_]
        for s in doc.spans["quotes"]:
            assert s.label_ == speaker[s.id_]
        for s in doc.spans["event_evidence"]:
            ev, source, start = s.id_.split("/")
            assert s.label_ == s.kb_id_ == event[ev, source, int(start)]


def test_ents_are_the_mentions_that_overlap_no_other(docs):
    total = 0
    for doc in docs:
        mentions = list(doc.spans["mentions"])
        alone = [m for m in mentions if not any(o is not m and o.start_char < m.end_char and m.start_char < o.end_char
                                                for o in mentions)]
        got = [(e.start_char, e.end_char, e.label_, e.kb_id_) for e in doc.ents]
        assert got == [(m.start_char, m.end_char, m.label_, m.kb_id_) for m in alone]
        total += len(got)
    assert total > 300


def test_the_jsonl_twin_says_what_the_docbin_says(docs, lines):
    qids = {}
    for table in ("people", "organizations", "places"):
        key = {"people": "person_id", "organizations": "org_id", "places": "place_id"}[table]
        qids |= {r[key]: r["wikidata_qid"] or None for r in csv_rows(table)}
    for doc, line in zip(docs, lines):
        want = sorted(((s.start_char, s.end_char, s.label_, g, s.id_, s.kb_id_, s.start, s.end - 1)
                       for g in doc.spans for s in doc.spans[g]), key=lambda t: (t[0], t[1], t[3], t[4]))
        got = [(s["start"], s["end"], s["label"], s["group"], s["id"], s["kb_id"], s["token_start"], s["token_end"])
               for s in line["spans"]]
        assert got == want
        for s in line["spans"]:
            assert line["text"][s["start"]:s["end"]] == s["text"]
            assert s["qid"] == (qids[s["entity"]] if s["entity"] else None)
    mention = next(s for s in lines[0]["spans"] if s["group"] == "mentions" and s["qid"])
    assert mention["entity"] == mention["kb_id"]


def test_written_twice_byte_identical(folder, tmp_path):
    again = tmp_path / "again"
    export("spacy", again, ROOT)
    for name in (DOCBIN, JSONL):
        assert (again / name).read_bytes() == (folder / name).read_bytes(), name
    export("spacy", again, ROOT)  # a folder this export wrote is replaced
    (again / "mine.txt").write_text("not the export's")
    with pytest.raises(ExportRefused, match="mine.txt"):  # any other file is never deleted
        export("spacy", again, ROOT)
    assert (again / "mine.txt").is_file()


def test_a_span_off_the_token_boundaries_refuses_the_export_naming_it(monkeypatch, tmp_path):
    rows = Spans.rows

    def shifted(self, name):
        out = rows(self, name)
        if name == "mentions":
            from dataclasses import replace

            out[0] = replace(out[0], start=out[0].start + 1)  # starts inside a word
        return out

    monkeypatch.setattr(Spans, "rows", shifted)
    with pytest.raises(ExportRefused) as exc:
        export("spacy", tmp_path / "out", ROOT)
    line = str(exc.value)
    assert "\n" not in line and line.startswith("mentions row art-000-m001:") and "token" in line
    assert not (tmp_path / "out").exists()


def test_without_spacy_the_extra_is_named_in_one_line(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "spacy", None)  # as if it were not installed
    with pytest.raises(MissingExtra, match=r"pip install 'vostochny-summit\[spacy\]'"):
        export("spacy", tmp_path / "out", ROOT)
