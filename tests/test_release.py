"""Release engineering: stable IDs, the data diff, and reproducible, complete release artefacts."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import zipfile

import pytest

from vostochny_summit import __version__
from vostochny_summit.build import write_all
from vostochny_summit.release.diff import diff
from vostochny_summit.package import Package as pkg_of
from vostochny_summit.release.artefacts import release, snapshot_keys

from .helpers import ROOT, read_csv, read_rows, require, write_rows


def _version_key(path):
    return tuple(int(x) for x in re.match(r"(\d+)\.(\d+)\.(\d+)", path.name).groups())


def retired():
    return read_csv(ROOT / "releases" / "retired-ids.csv")


def test_ids_of_the_last_release_still_exist_or_are_retired(pkg):
    snapshots = sorted((ROOT / "releases").glob("*-keys.json"), key=_version_key)
    assert snapshots, "releases/ must hold the key snapshot of the last release"
    baseline = json.loads(snapshots[-1].read_text(encoding="utf-8"))["keys"]
    now = snapshot_keys(pkg)["keys"]
    gone = {(t, k) for t, keys in baseline.items() for k in keys} - {(t, k) for t, keys in now.items() for k in keys}
    recorded = {(r["table"], r["id"]) for r in retired()}
    assert gone <= recorded, f"IDs removed without a record in releases/retired-ids.csv: {sorted(gone - recorded)[:20]}"


def test_retired_ids_have_a_reason_and_are_never_reused(pkg):
    now = {(t, k) for t, keys in snapshot_keys(pkg)["keys"].items() for k in keys}
    for r in retired():
        assert r["reason"].strip() and r["retired_in"], r
        assert (r["table"], r["id"]) not in now, f"retired ID reused: {r}"
        if r["replaced_by"]:
            assert (r["table"], r["replaced_by"]) in now, f"replacement does not exist: {r}"


def test_diff_reports_added_removed_and_changed_rows(package_copy):
    people = read_rows(package_copy, "people")
    removed, changed = people[0]["person_id"], people[1]["person_id"]
    people[1]["description"] = "A corrected description."
    people = people[1:] + [dict(people[2], person_id="someone-new")]
    write_rows(package_copy, "people", people)
    write_all(package_copy, __version__, [])  # sealed as it is: diff reads sealed packages only
    d = diff(ROOT, package_copy)["tables"]["people"]
    assert (d["added"], d["removed"]) == (1, 1)
    assert d["changed"] == [{"key": changed, "fields": ["description"]}]
    assert removed != changed
    assert diff(ROOT, ROOT)["tables"]["quotes"] == {"added": 0, "removed": 0, "changed": [], "columns_added": [], "columns_removed": []}


@pytest.mark.slow(cost=8)
def test_release_artefacts_are_reproducible_complete_and_valid(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    release(ROOT, first)
    release(ROOT, second)
    sums = (first / "SHA256SUMS").read_text()
    assert sums == (second / "SHA256SUMS").read_text(), "two builds from the same commit differ"
    names = {line.split()[1] for line in sums.splitlines()}
    version = json.loads((ROOT / "datapackage.json").read_text())["version"]
    exports = {f"vostochny-summit-{version}.db", f"vostochny-summit-{version}.metadata.json",
               f"vostochny-summit-{version}-claims.jsonl"}
    assert names == {f"vostochny-summit-{version}.zip", f"vostochny_summit-{version}-py3-none-any.whl",
                     f"vostochny_summit-{version}.tar.gz"} | exports
    with zipfile.ZipFile(first / f"vostochny_summit-{version}-py3-none-any.whl") as z:
        assert "vostochny_summit/_package/datapackage.json" in z.namelist()
        assert any(n.startswith("vostochny_summit/_package/data/parquet/") for n in z.namelist())
    archive = first / f"vostochny-summit-{version}.zip"
    top = f"vostochny-summit-{version}"
    with zipfile.ZipFile(archive) as z:
        members = set(z.namelist())
        z.extractall(tmp_path / "unzipped")
    for export in exports:
        with zipfile.ZipFile(archive) as z:
            assert z.read(f"{top}/exports/{export}") == (first / export).read_bytes(), export
    for required in ("datapackage.json", "croissant.json", "README.md", "CHANGELOG.md", "CITATION.cff", "LICENSE", "LICENSE-DATA.md",
                     "data/quotes.csv", "data/parquet/quotes.parquet", "schemas/quotes.schema.json", "docs/data-dictionary.md"):
        assert f"{top}/{required}" in members, required
    assert sum(m.startswith(f"{top}/data/texts/") for m in members) == len(list((ROOT / "data/texts").glob("*.txt")))
    unpacked = tmp_path / "unzipped" / top
    frictionless = require("frictionless")
    report = frictionless.Package(str(unpacked / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])[:10]
    out = subprocess.run([sys.executable, "-m", "vostochny_summit.cli", "validate", str(unpacked)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-2000:]
    assert diff(ROOT, archive)["tables"]["claims"]["added"] == 0
    if importlib.util.find_spec("mlcroissant"):  # the Croissant metadata resolves its files inside the unpacked zip
        import mlcroissant as mlc

        records = list(mlc.Dataset(jsonld=str(unpacked / "croissant.json")).records(record_set="claims"))
        assert len(records) == len(snapshot_keys(pkg_of(unpacked))["keys"]["claims"])
