"""Properties of the package as a whole: schemas, descriptor, generated files, canonical CSVs, API, CLI."""

from __future__ import annotations

import difflib
import json
import subprocess
import sys

import pytest

from vostochny_summit.build import build
from vostochny_summit.tabular import canonical_csv, read_typed
from vostochny_summit.validation import validate

from .helpers import ROOT, SHARED, read_csv, read_rows, require, run_cli, write_rows


def test_every_table_has_a_schema_file_and_a_csv(pkg):
    schema_files = {p.name.removesuffix(".schema.json") for p in (ROOT / "schemas").glob("*.schema.json")}
    assert schema_files == set(pkg.tables), "schemas/ and datapackage.json resources disagree"
    for t in pkg.tables.values():
        assert t.resource["schema"] == f"schemas/{t.name}.schema.json"
        assert t.resource["path"] == f"data/{t.name}.csv"


@pytest.mark.parametrize("name", sorted(json.loads((ROOT / "datapackage.json").read_text())["resources"][i]["name"]
                                        for i in range(len(json.loads((ROOT / "datapackage.json").read_text())["resources"]))))
def test_schema_fields_equal_csv_header_in_order(pkg, name):
    t = pkg.table(name)
    header = list(read_csv(t.csv_path)[0])
    assert header == t.field_names


def test_every_field_is_documented(pkg):
    undocumented = []
    for t in pkg.tables.values():
        assert t.schema.get("description"), f"{t.name}: table has no description"
        for f in t.fields:
            if len(f.description.strip()) < 10 or f.type not in {"string", "integer", "number", "date", "boolean"}:
                undocumented.append(f"{t.name}.{f.name}")
            if f.categories:
                labels = [c.get("label") for c in f.raw["categories"]]
                assert all(labels), f"{t.name}.{f.name}: every category needs a label"
                assert f.constraints.get("enum") == list(f.categories), f"{t.name}.{f.name}: enum must repeat categories"
    assert not undocumented, f"fields without a real description or a known type: {undocumented}"


def test_every_id_column_is_a_slug(pkg):
    """Every column named *_id, and every reference, is a slug in the model and carries its pattern in the schema."""
    from vostochny_summit.model import SLUG_PATTERN, resource

    for t in pkg.tables.values():
        for f in resource(t.name).fields:
            if f.type == "string" and (f.name.endswith("_id") or f.references or f.kind in ("id", "ref", "slug")):
                assert f.is_slug and f.kind in ("id", "ref", "slug", "span-source"), f"{t.name}.{f.name}"
                assert t.field(f.name).constraints.get("pattern") == SLUG_PATTERN, f"{t.name}.{f.name}"


def test_keys_are_declared(pkg):
    for t in pkg.tables.values():
        assert t.primary_key, f"{t.name} has no primaryKey"
        for fk in t.foreign_keys:
            ref = fk["reference"]
            target = pkg.table(ref.get("resource") or t.name)
            assert set(ref["fields"]) <= set(target.field_names)
            assert set(fk["fields"]) <= set(t.field_names)


def test_descriptor_is_data_package_v2(pkg):
    d = pkg.descriptor
    assert d["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    for key in ("name", "title", "description", "version", "licenses", "contributors", "keywords"):
        assert d.get(key), key
    assert {lic["name"] for lic in d["licenses"]} >= {"CC-BY-4.0", "MIT"}
    assert "third-party copyright" in d["description"]
    for res in d["resources"]:
        assert res["type"] == "table" and res["hash"].startswith("sha256:") and res["bytes"] > 0
        assert res["x-parquet"]["path"] == f"data/parquet/{res['name']}.parquet"


def test_generated_files_are_fresh(package_copy):
    """A build on a copy of the package changes nothing: Parquet, descriptor, docs and derived columns are current."""
    changed = build(package_copy)
    assert changed == [], f"stale generated files (run `vostochny-summit build`): {changed}"


def test_build_is_reproducible(package_copy):
    """Deleting every generated file and building again gives byte-identical files, with the pyarrow that wrote the
    committed ones (Parquet's bytes change with pyarrow's version, which each file's footer names)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    originals = {p: p.read_bytes() for p in (package_copy / "data" / "parquet").glob("*.parquet")}
    writers = {pq.ParquetFile(p).metadata.created_by for p in originals}
    if writers != {f"parquet-cpp-arrow version {pa.__version__}"}:
        pytest.skip(f"the committed Parquet was written by {sorted(writers)}, this is pyarrow {pa.__version__}")
    for p in originals:
        p.unlink()
    build(package_copy)
    assert {p: p.read_bytes() for p in originals} == originals


@pytest.mark.parametrize("name", [r["name"] for r in json.loads((ROOT / "datapackage.json").read_text())["resources"]])
def test_csv_is_in_canonical_form(pkg, name):
    t = pkg.table(name)
    have = t.csv_path.read_text(encoding="utf-8")
    want = canonical_csv(t, read_typed(t))
    if have != want:
        diff = "".join(difflib.unified_diff(have.splitlines(True), want.splitlines(True), "as committed", "canonical", n=1))
        pytest.fail(f"{t.csv_path.name} is not canonical (run `vostochny-summit fmt`):\n{diff[:4000]}")


def test_texts_are_byte_identical_to_the_received_articles(pkg):
    if not (SHARED / "articles").is_dir():
        pytest.skip("../shared/articles is not beside this checkout")
    received = sorted((SHARED / "articles").glob("*.txt"))
    stored = sorted((ROOT / "data" / "texts").glob("*.txt"))
    assert [p.name for p in received] == [p.name for p in stored]
    for a, b in zip(received, stored):
        assert a.read_bytes() == b.read_bytes(), b.name


def test_reference_copy_is_byte_identical(pkg):
    if not (SHARED / "reference").is_dir():
        pytest.skip("../shared/reference is not beside this checkout")
    assert (ROOT / "data/reference/entity-identifiers.csv").read_bytes() == (SHARED / "reference/entity-identifiers.csv").read_bytes()


def test_the_real_package_validates_clean(problems):
    assert [p.line() for p in problems] == []


@pytest.mark.slow
def test_frictionless_validate_passes(pkg):
    frictionless = require("frictionless")
    report = frictionless.Package(str(pkg.descriptor_path)).validate()
    assert report.valid, report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "message"])[:20]


# ---- API ----------------------------------------------------------------------------------------------------------


def test_api_loads_every_table_in_every_engine(pkg):
    import vostochny_summit as vs

    assert vs.tables() == list(pkg.tables)
    for name in vs.tables():
        arrow = vs.load(name, engine="arrow")
        df = vs.load(name)
        pl = vs.load(name, engine="polars")
        assert arrow.num_rows == len(df) == pl.height > 0, name
        assert list(df.columns) == pkg.table(name).field_names
        assert vs.path(name).is_file() and vs.path(name, "parquet").is_file()
    with pytest.raises(ValueError):
        vs.load("quotes", engine="spark")
    with pytest.raises(KeyError):
        vs.load("no_such_table")


def test_pandas_load_uses_arrow_dtypes_and_real_nulls():
    import pandas as pd

    import vostochny_summit as vs

    df = vs.load("events")
    assert all(isinstance(t, pd.ArrowDtype) for t in df.dtypes)
    assert str(df["date_earliest"].dtype).startswith("date32")
    unknown = df[df["date_basis"] == "unknown"]
    assert unknown["date"].isna().all() and unknown["date_earliest"].isna().all()


def test_csv_reader_keeps_the_string_NA(package_copy):
    """'NA' is a value, not a null: only an empty cell is null."""
    from vostochny_summit.package import Package

    people = package_copy / "data" / "people.csv"
    lines = people.read_text(encoding="utf-8").split("\n")
    cells = lines[1].split(",")
    lines[1] = ",".join([cells[0], "NA"] + cells[2:])
    people.write_text("\n".join(lines), encoding="utf-8")
    data = read_typed(Package(package_copy).table("people"))
    assert data.column("name")[0].as_py() == "NA"


def test_connect_has_commented_views(pkg):
    import vostochny_summit as vs

    con = vs.connect()
    n = con.execute("select count(*) from quotes").fetchone()[0]
    assert n == vs.load("quotes", engine="arrow").num_rows
    comment = con.execute("select comment from duckdb_columns() where table_name = 'quotes' and column_name = 'char_start'").fetchone()[0]
    assert comment == pkg.table("quotes").field("char_start").description


def test_import_is_light():
    code = ("import sys, vostochny_summit; heavy = {'pandas', 'polars', 'pandera', 'duckdb', 'pyarrow', 'numpy'} "
            "& set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


# ---- CLI ------------------------------------------------------------------------------------------------------------



def test_cli_validate_exit_codes(tmp_path, package_copy):
    ok = run_cli("validate", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout[-2000:] + ok.stderr
    assert "VALID" in ok.stdout
    people = package_copy / "data" / "people.csv"
    people.write_text(people.read_text(encoding="utf-8").replace("vladimir-putin,", "Vladimir Putin,", 1), encoding="utf-8")
    bad = run_cli("validate", str(package_copy), cwd=tmp_path)
    assert bad.returncode == 1
    assert "data/people.csv line " in bad.stdout and "(people row " in bad.stdout and "column person_id" in bad.stdout
    as_json = run_cli("validate", str(package_copy), "--format", "json", cwd=tmp_path)
    assert as_json.returncode == 1 and any(p["table"] == "people" for p in json.loads(as_json.stdout))
    assert run_cli("validate", str(tmp_path / "nowhere")).returncode == 2
    assert run_cli("validate", "--format", "yaml").returncode == 2
    assert run_cli("no-such-command").returncode == 2


def test_cli_info_sql_and_locate():
    info = run_cli("info")
    assert info.returncode == 0 and "quotes" in info.stdout
    sql = run_cli("sql", "select quote_id, text from quotes order by quote_id limit 1", "--format", "json")
    assert sql.returncode == 0 and json.loads(sql.stdout)[0]["quote_id"]
    loc = run_cli("locate", "art-003", "That’s why we came here")
    assert loc.returncode == 0
    sid, start, end, text = loc.stdout.rstrip("\n").split("\t")
    body = (ROOT / "data/texts/003_2a18783046106177.txt").read_text(encoding="utf-8")
    assert body[int(start):int(end)] == text
    assert run_cli("locate", "art-003", "Kim").returncode == 1  # ambiguous
    assert run_cli("locate", "art-003", "no such words here").returncode == 1
    assert run_cli("locate", "art-003", "Kim", "--occurrence", "2").returncode == 0


def test_curation_vocabularies_are_generated_from_the_model():
    """CURATION.md's vocabulary tables are what build renders from the model, and every vocabulary is there."""
    from vostochny_summit.docs.pages import BEGIN, END, with_vocabularies
    from vostochny_summit.model import RESOURCES

    text = (ROOT / "CURATION.md").read_text(encoding="utf-8")
    assert BEGIN in text and END in text
    assert with_vocabularies(text) == text, "CURATION.md vocabularies are stale: run `vostochny-summit build`"
    for vocab in {f.vocabulary.name for r in RESOURCES.values() for f in r.fields if f.vocabulary}:
        assert f"#### `{vocab}`" in text, vocab


def test_validate_command_ends_without_teardown_and_loses_no_output(tmp_path, package_copy):
    """The command ends its process as soon as its report is flushed (no atexit handler runs), with its exit code and
    every line of a report larger than a pipe's buffer; a command that writes files ends normally."""
    rows = read_rows(package_copy, "claim_evidence")
    for r in rows:
        r["stance"] = "agrees"  # not in the vocabulary: a problem on every row
    write_rows(package_copy, "claim_evidence", rows)
    want = validate(package_copy)
    probe = ("import atexit, sys; atexit.register(lambda: print('TEARDOWN', file=sys.stderr)); "
             "from vostochny_summit.cli import console; console()")
    out = subprocess.run([sys.executable, "-c", probe, "validate", str(package_copy), "--format", "json"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 1, out.stderr[-2000:]
    assert len(out.stdout) > 1 << 16 and len(json.loads(out.stdout)) == len(want) >= len(rows), len(out.stdout)
    assert "TEARDOWN" not in out.stderr
    fmt = subprocess.run([sys.executable, "-c", probe, "fmt", str(package_copy)], capture_output=True, text=True, cwd=tmp_path)
    assert "TEARDOWN" in fmt.stderr, fmt.stderr[-2000:]
