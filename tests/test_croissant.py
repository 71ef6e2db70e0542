"""croissant.json: Croissant 1.1 + RAI, valid for mlcroissant, loadable record by record, true to the descriptor."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import ROOT, read_csv, require

CROISSANT = ROOT / "croissant.json"
# Any attempt to reach the network fails fast: mlcroissant must work from the local files alone.
OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}


@pytest.fixture(scope="module")
def meta() -> dict:
    return json.loads(CROISSANT.read_text(encoding="utf-8"))


def csv_rows(path: Path) -> list[dict]:
    return read_csv(path)


@pytest.mark.slow
def test_mlcroissant_validate_passes_offline():
    cli = Path(sys.executable).parent / "mlcroissant"
    require("mlcroissant")
    out = subprocess.run([str(cli), "validate", "--jsonld", str(CROISSANT)], capture_output=True, text=True,
                         env={**os.environ, **OFFLINE}, cwd="/")
    assert out.returncode == 0, (out.stdout + out.stderr)[-3000:]
    assert "error" not in (out.stdout + out.stderr).lower(), (out.stdout + out.stderr)[-3000:]


@pytest.mark.slow
def test_every_record_set_loads_with_the_rows_of_its_csv(pkg, monkeypatch):
    mlc = require("mlcroissant")
    for k, v in OFFLINE.items():
        monkeypatch.setenv(k, v)
    ds = mlc.Dataset(jsonld=str(CROISSANT))
    assert {rs.uuid for rs in ds.metadata.record_sets} == set(pkg.tables)
    for name, t in pkg.tables.items():
        records = list(ds.records(record_set=name))
        rows = csv_rows(t.csv_path)
        assert len(records) == len(rows), name

        def decoded(v):
            return v.decode("utf-8") if isinstance(v, bytes) else v

        got = sorted(tuple(str(decoded(r[f"{name}/{k}"])) for k in t.primary_key) for r in records)
        want = sorted(tuple(r[k] or "None" for k in t.primary_key) for r in rows)
        assert got == want, name


def test_record_sets_follow_the_schemas(pkg, meta):
    types = {"string": "sc:Text", "integer": "sc:Integer", "number": "sc:Float", "boolean": "sc:Boolean", "date": "sc:Date"}
    sets = {rs["@id"]: rs for rs in meta["recordSet"]}
    assert set(sets) == set(pkg.tables)
    for name, t in pkg.tables.items():
        rs = sets[name]
        assert rs["description"] == t.schema["description"]
        assert [k["@id"] for k in rs["key"]] == [f"{name}/{k}" for k in t.primary_key]
        fields = {f["name"]: f for f in rs["field"]}
        assert list(fields) == t.field_names
        for f in t.fields:
            assert fields[f.name]["description"] == f.description
            assert fields[f.name]["dataType"] == types[f.type]
        for fk in t.foreign_keys:
            (col,) = fk["fields"]
            ref = fields[col]["references"]
            assert ref["fileObject"]["@id"] == f"{fk['reference']['resource']}.parquet"
            assert ref["extract"]["column"] == fk["reference"]["fields"][0]
        assert sum("references" in f for f in rs["field"]) == len(t.foreign_keys)


def test_every_file_is_listed_with_its_sha256_and_licence(pkg, meta):
    files = {f["contentUrl"]: f for f in meta["distribution"]}
    expected = {t.resource["path"] for t in pkg.tables.values()} | {t.resource["x-parquet"]["path"] for t in pkg.tables.values()}
    texts = {p.relative_to(ROOT).as_posix() for p in (ROOT / "data" / "texts").glob("*.txt")}
    assert set(files) == expected | texts
    for path, f in files.items():
        assert f["sha256"] == hashlib.sha256((ROOT / path).read_bytes()).hexdigest(), path
        if path in texts:
            assert "third-party copyright" in f["license"].lower()
        else:
            assert f["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert set(meta["license"]) == {"https://creativecommons.org/licenses/by/4.0/", "https://opensource.org/licenses/MIT"}
    assert "third-party copyright" in meta["usageInfo"]


def test_citation_version_and_rai_come_from_the_package(pkg, meta):
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    title = next(line.split(":", 1)[1].strip().strip('"') for line in cff.splitlines() if line.startswith("title:"))
    assert title in meta["citeAs"] and f"version = {{{pkg.version}}}" in meta["citeAs"]
    assert meta["version"] == pkg.version and meta["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    for key in ("dataCollection", "dataAnnotationProtocol", "machineAnnotationTools", "personalSensitiveInformation",
                "dataBiases", "dataLimitations", "dataUseCases", "dataReleaseMaintenancePlan"):
        assert meta[f"rai:{key}"], key
    assert "machine" in meta["rai:annotatorDemographics"]
    assert "reuters" in meta["rai:dataBiases"].lower() and "machine translation" in meta["rai:dataBiases"]
