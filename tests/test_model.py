"""The model checks itself: each kind of mistake planted in a copy of it fails with ModelError naming table and field,
and a mistake in the model's source fails at import time."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys

import pytest

from vostochny_summit.model import RESOURCES, ModelError, check_model
from vostochny_summit.model.classes import Span
from vostochny_summit.model.rules import Equals, RowRule, before

from .conftest import ROOT


def with_table(name: str, **changes) -> dict:
    return {**RESOURCES, name: dataclasses.replace(RESOURCES[name], **changes)}


def with_field(table: str, field: str, **changes) -> dict:
    res = RESOURCES[table]
    fields = tuple(f.but(**changes) if f.name == field else f for f in res.fields)
    return with_table(table, fields=fields)


MISTAKES = {
    "row rule names a missing column": (with_table("events", rules=(before("date-order", "date_erliest", "date_latest", "x"),)),
                                        "events.date_erliest", "row rule 'date-order'"),
    "rule value outside the vocabulary": (with_table("quotes", rules=(RowRule("x", Equals("quote_kind", "rumour"), "x",
                                                                              "quote_kind"),)),
                                          "quotes.quote_kind", "'rumour'"),
    "primary key names no field": (with_table("people", primary_key=("persn_id",)), "people.persn_id", "primary key"),
    "unique key names no field": (with_table("places", unique_keys=(("geonames",),)), "places.geonames", "unique key"),
    "reference to a missing table": (with_field("quotes", "event_id", references="happenings.event_id"), "quotes.event_id",
                                     "no table 'happenings'"),
    "reference to a missing field": (with_field("quotes", "event_id", references="events.id"), "quotes.event_id",
                                     "events has no field 'id'"),
    "span column missing": (with_table("mentions", span=Span(text="name")), "mentions.name", "span's text column"),
    "pattern without words": (with_field("people", "country", pattern_words=None), "people.country", "pattern_words"),
    "unknown kind": (with_field("people", "name", kind="label"), "people.name", "kind 'label'"),
    "utterance names a missing field": (with_table("quotes", utterance=("utterance", ("speaker_person_id",))),
                                        "quotes.utterance", "utterance"),
    "evidence of a missing table": (with_table("event_evidence", evidence_of="happenings"), "event_evidence",
                                    "evidence_of"),
    "derived from nothing": (with_field("events", "plover_type", derived={"rule": "plover", "from": ["kind"]}),
                             "events.plover_type", "derived from 'kind'"),
}


def test_the_model_is_consistent():
    check_model(RESOURCES)  # the import did this already; here it is stated


@pytest.mark.parametrize("name", MISTAKES)
def test_a_model_mistake_is_named_with_its_table_and_field(name):
    resources, at, what = MISTAKES[name]
    with pytest.raises(ModelError) as exc:
        check_model(resources)
    message = str(exc.value)
    assert at in message and what in message, message


def test_a_mistake_in_the_model_source_fails_at_import(tmp_path):
    """A copy of the package whose resources.py misspells a column in a row rule cannot be imported."""
    copy = tmp_path / "vostochny_summit"
    shutil.copytree(ROOT / "src" / "vostochny_summit", copy, ignore=shutil.ignore_patterns("__pycache__"))
    source = copy / "model" / "resources.py"
    text = source.read_text(encoding="utf-8")
    assert 'before("date-order", "date_earliest"' in text
    source.write_text(text.replace('before("date-order", "date_earliest"', 'before("date-order", "date_earliest_"'),
                      encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", "import vostochny_summit.model"], cwd=tmp_path, capture_output=True,
                          text=True, env={"PYTHONPATH": str(tmp_path)})
    assert done.returncode != 0
    assert "ModelError" in done.stderr and "events.date_earliest_" in done.stderr, done.stderr[-2000:]
