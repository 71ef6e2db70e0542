"""The version is set once (src/vostochny_summit/__init__.py) and every other place agrees with it."""

from __future__ import annotations

import re
from importlib import metadata

import pyarrow.parquet as pq

import vostochny_summit

from .helpers import ROOT


def test_version_is_semantic():
    assert re.fullmatch(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)", vostochny_summit.__version__)


def test_every_place_agrees_on_the_version(pkg):
    v = vostochny_summit.__version__
    assert metadata.version("vostochny-summit") == v, "installed metadata (pyproject's dynamic version)"
    assert pkg.descriptor["version"] == v, "datapackage.json (run build)"
    headings = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
    assert headings and headings[0] == v, f"newest CHANGELOG heading {headings[:1]} is not {v}"
    cff = re.search(r'^version:\s*"?([^"\n]+)"?', (ROOT / "CITATION.cff").read_text(encoding="utf-8"), re.M)
    assert cff and cff.group(1) == v, "CITATION.cff"
    cite = re.search(r"\(data package, version (\S+?)\)", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert cite and cite.group(1) == v, "README.md, How to cite"
    for t in pkg.tables.values():
        meta = pq.read_schema(t.parquet_path).metadata
        assert meta[b"vostochny_summit.version"].decode() == v, t.parquet_path


def test_pyproject_does_not_repeat_the_version():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in text
    assert not re.search(r"^version\s*=", text, re.M)
