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
from vostochny_summit.package import Package as pkg_of
from vostochny_summit.release.artefacts import release, snapshot_keys
from vostochny_summit.release.diff import diff, render, render_summary

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


def test_diff_names_added_removed_and_changed_ids_with_old_and_new_values(package_copy):
    people = read_rows(package_copy, "people")
    removed, changed = people[0]["person_id"], people[1]["person_id"]
    before = people[1]["description"]
    people[1]["description"] = "A corrected description."
    people = people[1:] + [dict(people[2], person_id="someone-new", wikidata_qid="", wikidata_qid_confidence="")]
    write_rows(package_copy, "people", people)
    evidence = read_rows(package_copy, "claim_evidence")
    row = evidence[3]
    old_stance = row["stance"]
    flipped = "qualifies" if old_stance != "qualifies" else "supports"
    row["stance"] = flipped
    write_rows(package_copy, "claim_evidence", evidence)
    write_all(package_copy, __version__, [])  # sealed as it is: diff reads sealed packages only
    d = diff(ROOT, package_copy)
    people_diff = d["tables"]["people"]
    assert (people_diff["added"], people_diff["removed"]) == (["someone-new"], [removed])
    assert people_diff["changed"] == [{"key": changed, "fields": {"description": {"old": before, "new": "A corrected description."}}}]
    key = f"{row['claim_id']}/{row['source_id']}/{row['char_start']}"  # a composite key, joined with /
    assert d["tables"]["claim_evidence"]["changed"] == [{"key": key, "fields": {"stance": {"old": old_stance, "new": flipped}}}]
    assert d["tables"]["claim_evidence"]["key"] == ["claim_id", "source_id", "char_start"]
    text = render(d)
    assert "- added (1): `someone-new`" in text and f"- removed (1): `{removed}`" in text
    assert f"  - `{changed}`: description: {before!r} → 'A corrected description.'" in text
    assert f"  - `{key}`: stance: {old_stance!r} → {flipped!r}" in text
    counts = render_summary(d)  # --summary: today's table of counts
    assert "| people | 1 | 1 | 1 | description |" in counts and "| claim_evidence | 0 | 0 | 1 | stance |" in counts
    same = diff(ROOT, ROOT)["tables"]["quotes"]
    assert same == {"key": ["quote_id"], "added": [], "removed": [], "changed": [], "columns_added": [], "columns_removed": []}


def test_diff_command_by_id_summary_and_json(package_copy):
    events = read_rows(package_copy, "events")
    i = next(i for i, r in enumerate(events) if not r["date"])  # an undated event gets a date: two fields change,
    event_id = events[i]["event_id"]                                 # and build derives its bounds
    events[i]["date"], events[i]["date_basis"] = "2023", "derived"
    write_rows(package_copy, "events", events)
    write_all(package_copy, __version__, [])

    def run(*a):
        return subprocess.run([sys.executable, "-m", "vostochny_summit.cli", "diff", str(ROOT), str(package_copy), *a],
                              capture_output=True, text=True, check=True).stdout

    d = json.loads(run("--format", "json"))
    assert d["tables"]["events"]["changed"] == [{"key": event_id, "fields": {
        "date": {"old": None, "new": "2023"}, "date_earliest": {"old": None, "new": "2023-01-01"},
        "date_latest": {"old": None, "new": "2023-12-31"}, "date_basis": {"old": "unknown", "new": "derived"}}}]
    assert d["tables"]["events"]["added"] == [] and d["tables"]["events"]["removed"] == []
    assert (f"  - `{event_id}`: date: (empty) → '2023'; date_earliest: (empty) → '2023-01-01'; date_latest: (empty) → "
            "'2023-12-31'; date_basis: 'unknown' → 'derived'") in run().splitlines()
    assert "| events | 0 | 0 | 1 | date, date_basis, date_earliest, date_latest |" in run("--summary").splitlines()
    assert json.loads(run("--format", "json", "--summary"))["tables"]["events"] == {
        "added": 0, "removed": 0, "changed": 1, "changed_fields": ["date", "date_basis", "date_earliest", "date_latest"],
        "columns_added": [], "columns_removed": []}


@pytest.mark.slow(cost=8)
def test_release_artefacts_are_reproducible_complete_and_valid(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    release(ROOT, first)
    release(ROOT, second)
    sums = (first / "SHA256SUMS").read_text()
    assert sums == (second / "SHA256SUMS").read_text(), "two builds from the same commit differ"
    names = {line.split()[1] for line in sums.splitlines()}
    version = json.loads((ROOT / "datapackage.json").read_text())["version"]
    from vostochny_summit.exports import formats

    artefacts = {fmt.artefact_name(version) for fmt in formats().values()}  # one per registered format
    assert {f"vostochny-summit-{version}.db", f"vostochny-summit-{version}-claims.jsonl",
            f"vostochny-summit-{version}-annotations.jsonld", f"vostochny-summit-{version}-spacy.zip",
            f"vostochny-summit-{version}-huggingface.zip", f"vostochny-summit-{version}-site.zip"} <= artefacts
    exports = {a for a in artefacts if not a.endswith(".zip")} | {f"vostochny-summit-{version}.metadata.json"}
    folders = {fmt.name: fmt.artefact_name(version) for fmt in formats().values() if fmt.output == "folder"}
    assert names == set(folders.values()) | {f"vostochny-summit-{version}.zip", f"vostochny_summit-{version}-py3-none-any.whl",
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
    for name, artefact in folders.items():  # a folder format: its zip in dist/, its files under exports/<name>/
        with zipfile.ZipFile(first / artefact) as folder, zipfile.ZipFile(archive) as z:
            inner = {m.split("/", 1)[1]: folder.read(m) for m in folder.namelist()}
            assert inner and all(m.split("/", 1)[0] == artefact.removesuffix(".zip") for m in folder.namelist())
            assert inner == {m: z.read(f"{top}/exports/{name}/{m}") for m in inner}, name
    with zipfile.ZipFile(first / folders["site"]) as z:  # the site: its index and search index are there
        assert {f"{top}-site/index.html", f"{top}-site/assets/search-index.js"} <= set(z.namelist())
    with zipfile.ZipFile(first / f"vostochny_summit-{version}-py3-none-any.whl") as z:
        wheel = set(z.namelist())
    assert {"vostochny_summit/exports/site/templates/article.html", "vostochny_summit/exports/site/static/site.js",
            "vostochny_summit/_package/releases/retired-ids.csv"} <= wheel
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
    assert diff(ROOT, archive)["tables"]["claims"]["added"] == []
    if importlib.util.find_spec("mlcroissant"):  # the Croissant metadata resolves its files inside the unpacked zip
        import mlcroissant as mlc

        records = list(mlc.Dataset(jsonld=str(unpacked / "croissant.json")).records(record_set="claims"))
        assert len(records) == len(snapshot_keys(pkg_of(unpacked))["keys"]["claims"])


def test_release_outside_a_source_checkout_refuses_in_one_line_and_writes_nothing(package_copy, tmp_path, monkeypatch):
    """A sealed package folder that is not a checkout (a copy, an unzipped data zip, the installed package) cannot
    build a wheel: release says so and why, exit 2, no traceback, no dist folder, no key snapshot."""
    from .helpers import run_cli

    snapshots = sorted((package_copy / "releases").glob("*-keys.json")) if (package_copy / "releases").is_dir() else []
    out = run_cli("release", package_copy, "--dist", tmp_path / "dist")
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr[-2000:]
    assert out.stderr.strip().splitlines()[-1] == (
        f"release refused: {package_copy} is not a source checkout (it has no pyproject.toml), and release builds the "
        f"wheel and the sdist from one: run it in a clone of the repository"), out.stderr
    assert not (tmp_path / "dist").exists()
    assert (sorted((package_copy / "releases").glob("*-keys.json")) if (package_copy / "releases").is_dir() else []) == snapshots

    # a checkout without the `build` package (it is a dev dependency): the same, naming the fix
    from vostochny_summit.release import ReleaseRefused

    (package_copy / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "build" else real(name, *a))
    with pytest.raises(ReleaseRefused, match=r"with the `build` package, which is not installed: pip install build"):
        release(package_copy, tmp_path / "dist")
    assert not (tmp_path / "dist").exists()
