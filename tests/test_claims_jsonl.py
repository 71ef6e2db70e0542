"""claims.jsonl: one valid line per claim, its evidence verbatim, labels by the README's rule, no verdicts."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import jsonschema
import pytest

from vostochny_summit.exports.claims import LABELS, SCHEMA

from .helpers import ROOT, read_rows
from .oracles import claim_status


@pytest.fixture(scope="module")
def lines(tmp_path_factory) -> list[dict]:
    out = tmp_path_factory.mktemp("claims") / "claims.jsonl"
    done = subprocess.run([sys.executable, "-m", "vostochny_summit.cli", "export", "claims", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert text.endswith("\n") and "\r" not in text
    return [json.loads(line) for line in text.splitlines()]


def rows(name: str) -> list[dict]:
    return read_rows(ROOT, name)


def test_every_line_validates_against_the_json_schema(lines):
    schema = json.loads((ROOT / SCHEMA).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for line in lines:
        errors = [e.message for e in validator.iter_errors(line)]
        assert not errors, (line["claim_id"], errors[:3])


def test_one_line_per_claim_with_its_status_and_all_its_evidence(lines, pkg):
    claims = {c["claim_id"]: c for c in rows("claims")}
    assert [line["claim_id"] for line in lines] == sorted(claims)
    evidence = rows("claim_evidence")
    texts = {s["source_id"]: (ROOT / s["text_path"]).read_text(encoding="utf-8") for s in rows("sources")}
    for line in lines:
        c = claims[line["claim_id"]]
        assert (line["claim"], line["status"]) == (c["statement"], c["status"])
        want = sorted((e["source_id"], int(e["char_start"]), e["stance"]) for e in evidence if e["claim_id"] == c["claim_id"])
        assert sorted((e["source_id"], e["char_start"], e["stance"]) for e in line["evidence"]) == want
        for e in line["evidence"]:
            assert texts[e["source_id"]][e["char_start"]:e["char_end"]] == e["text"]


def test_independence_groups_reproduce_the_derived_status(lines):
    """The evidence's independence groups are the ones the status rule counts: counting them again gives the status."""
    for line in lines:
        ev = [(line["claim_id"], e["independence_group"], e["stance"], None) for e in line["evidence"]]
        groups = {e["independence_group"]: e["independence_group"] for e in line["evidence"]}
        assert claim_status(ev, groups)[line["claim_id"]] == line["status"], line["claim_id"]


def test_labels_follow_the_rule_the_readme_gives(lines):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = dict((s, (f, a)) for s, f, a in re.findall(r"^\| `([a-z-]+)` \| `([A-Z ]+)` \| `([^`]+)` \|", readme, flags=re.M))
    assert table == LABELS, "README's label table and claims_jsonl.LABELS differ"
    for line in lines:
        assert (line["fever_label"], line["averitec_label"]) == LABELS[line["status"]]


def test_no_verdicts_are_emitted(lines):
    text = json.dumps(lines).lower()
    for word in ("claimreview", "reviewrating", "verdict", "truthfulness", "\"rating"):
        assert word not in text, word
