""".zenodo.json (the record Zenodo makes from a GitHub release) agrees with CITATION.cff: title, abstract, authors,
licence and keywords; it carries no version or date, which Zenodo takes from the release."""

from __future__ import annotations

import json

import pytest

from .conftest import ROOT

yaml = pytest.importorskip("yaml")


def test_zenodo_json_agrees_with_citation_cff():
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert zenodo["upload_type"] == "dataset" == cff["type"]
    assert zenodo["title"] == cff["title"]
    assert " ".join(zenodo["description"].split()) == " ".join(cff["abstract"].split())
    assert [c["name"] for c in zenodo["creators"]] == [a["name"] for a in cff["authors"]]
    assert zenodo["license"].lower() == cff["license"].lower() == "cc-by-4.0"
    assert zenodo["keywords"] == cff["keywords"]
    assert not {"version", "publication_date"} & set(zenodo), "Zenodo takes the version and date from the release"
    assert zenodo["access_right"] == "open"
    homepage = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["homepage"]
    assert homepage in [r["identifier"] for r in zenodo["related_identifiers"]]
