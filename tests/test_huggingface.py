"""`export huggingface`: a Hub-ready folder. Offline (HF_DATASETS_OFFLINE=1, HF_HUB_OFFLINE=1), `datasets`
loads every table's config from the folder with the package's rows and typed columns; the card's front matter has
the Hub's fields and one config per table; its prose covers every table and field, the texts' licence caveat and the
citation; the texts are the package's."""

from __future__ import annotations

import csv
import hashlib

import pyarrow.parquet as pq
import pytest

from vostochny_summit.exports import export
from vostochny_summit.model import TYPES

from .conftest import ROOT

yaml = pytest.importorskip("yaml")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("hf") / "dataset"
    export("huggingface", out, ROOT)
    return out


@pytest.fixture(scope="module")
def card(folder):
    text = (folder / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    head, _, prose = text[4:].partition("\n---\n")
    return yaml.safe_load(head), prose


@pytest.fixture(scope="module")
def loaded(folder, tmp_path_factory, pkg):
    """Every table's config, loaded with `datasets` offline."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_DATASETS_OFFLINE", "1")
        mp.setenv("HF_HUB_OFFLINE", "1")
        datasets = pytest.importorskip("datasets")
        cache = tmp_path_factory.mktemp("hf-cache")
        return {name: datasets.load_dataset(str(folder), name, split="train", cache_dir=str(cache))
                for name in pkg.tables}


def csv_rows(name):
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_config_loads_the_tables_rows_with_typed_columns(loaded, pkg):
    for name, t in pkg.tables.items():
        ds = loaded[name]
        assert ds.column_names == t.field_names, name
        for f in t.fields:
            assert ds.features[f.name].dtype == TYPES[f.type]["arrow"].rstrip("_"), (name, f.name)  # bool_ -> bool
        assert ds.to_list() == pq.read_table(t.parquet_path).to_pylist(), name  # the package's typed rows
        rows = csv_rows(name)
        assert ds.num_rows == len(rows), name
        for key in t.primary_key:  # the CSV's rows, in the CSV's order
            assert ["" if v is None else str(v) for v in ds[key]] == [r[key] for r in rows], (name, key)


def test_the_card_front_matter_has_the_hub_fields_and_one_config_per_table(card, folder, pkg):
    meta, _ = card
    assert meta["license"] == "cc-by-4.0" and meta["language"] == ["en"]
    assert meta["pretty_name"] == pkg.descriptor["title"]
    assert meta["task_categories"] and meta["size_categories"] == ["1K<n<10K"]
    total = sum(len(csv_rows(n)) for n in pkg.tables)
    assert 1000 < total < 10000
    assert [c["config_name"] for c in meta["configs"]] == list(pkg.tables)
    assert [c["config_name"] for c in meta["configs"] if c.get("default")] == [next(iter(pkg.tables))]
    for c in meta["configs"]:
        (files,) = c["data_files"]
        assert files["split"] == "train" and (folder / files["path"]).read_bytes() == \
            pkg.table(c["config_name"]).parquet_path.read_bytes()


def test_the_card_prose_is_generated_from_the_model(card, pkg):
    _, prose = card
    for name, t in pkg.tables.items():
        assert f"### `{name}`: {t.model.title}" in prose
        assert f"| `{name}` | {len(csv_rows(name))} |" in prose
        for f in t.model.fields:
            assert f"| `{f.name}` | {f.type} |" in prose, (name, f.name)
    assert "third-party copyright" in prose and "Creative Commons Attribution 4.0" in prose
    assert "## Citation" in prose and f"version = {{{pkg.version}}}" in prose
    assert "How the data was made" in prose and "language-model assistants" in prose


def test_the_texts_are_the_packages(folder):
    for s in csv_rows("sources"):
        data = (folder / s["text_path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == s["text_sha256"]


def test_written_twice_byte_identical(folder, tmp_path):
    again = tmp_path / "again"
    export("huggingface", again, ROOT)
    mine = sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
    assert mine == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for rel in mine:
        assert (again / rel).read_bytes() == (folder / rel).read_bytes(), rel
