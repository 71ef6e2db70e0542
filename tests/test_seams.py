"""Trust at every seam: plant every defect class of the suite, and the edits people make by hand, and run every
command on each. Never exit 3, never a traceback, never a silent success on an invalid or stale package; a refused
`build` leaves every file byte-identical; a successful `build` leaves a package that validates.

The commands run in this process (cli.main), against copies of one sealed package.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from vostochny_summit import cli
from vostochny_summit.exports import formats
from vostochny_summit.validation import validate

from .defects import DEFECTS, set_cell
from .helpers import ROOT, copy_package, read_rows, write_rows


# ---- the edits people make ---------------------------------------------------------------------------------------
def spreadsheet_save(root: Path):
    p = root / "data" / "quotes.csv"
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes().replace(b"\n", b"\r\n"))


def typed_date(root: Path):
    set_cell("events", "date", "13/09/2023", lambda r: r["date"] == "2023-09-13")(root)


def renamed_id(root: Path):
    set_cell("people", "person_id", "kim-jongun", lambda r: r["person_id"] == "kim-jong-un")(root)


def formula_cell(root: Path):
    set_cell("claims", "statement", "=1+1")(root)


def one_character_of_an_article(root: Path):
    p = next((root / "data" / "texts").glob("*.txt"))
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace("Kim", "Kin", 1), encoding="utf-8")


def emptied_csv(root: Path):
    (root / "data" / "quotes.csv").write_text("", encoding="utf-8")


def truncated_descriptor(root: Path):
    p = root / "datapackage.json"
    p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2])


def parquet_row_deleted(root: Path):
    import pyarrow.parquet as pq

    p = root / "data" / "parquet" / "quotes.parquet"
    t = pq.read_table(p)
    pq.write_table(t.slice(0, t.num_rows - 1), p, compression="zstd")


def parquet_deleted(root: Path):
    (root / "data" / "parquet" / "claims.parquet").unlink()


def valid_edit_not_rebuilt(root: Path):
    set_cell("people", "description", "Leader of North Korea, as every article says [art-000].",
             lambda r: r["person_id"] == "kim-jong-un")(root)


def dropped_column(root: Path):
    rows = read_rows(root, "quotes")
    for r in rows:
        del r["speaker_person_id"]
    write_rows(root, "quotes", rows)


def reordered_columns(root: Path):
    rows = read_rows(root, "people")
    header = list(rows[0])
    header[1], header[2] = header[2], header[1]
    write_rows(root, "people", rows, header)


def schema_edited(root: Path):
    p = root / "schemas" / "people.schema.json"
    d = json.loads(p.read_text(encoding="utf-8"))
    d["description"] = "edited by hand"
    p.write_text(json.dumps(d, indent=2) + "\n", encoding="utf-8")


EDITS = {f.__name__: f for f in (spreadsheet_save, typed_date, renamed_id, formula_cell, one_character_of_an_article,
                                  emptied_csv, truncated_descriptor, parquet_row_deleted, parquet_deleted,
                                  valid_edit_not_rebuilt, dropped_column, reordered_columns, schema_edited)}
CASES = {**{f"defect:{d.name}": d.plant for d in DEFECTS}, **{f"edit:{n}": f for n, f in EDITS.items()}}


# ---- running commands ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sealed(tmp_path_factory) -> Path:
    return copy_package(tmp_path_factory.mktemp("sealed") / "pkg")


@pytest.fixture(autouse=True)
def no_tuning(monkeypatch):
    monkeypatch.setenv("VOSTOCHNY_SUMMIT_NO_TUNING", "1")  # cli.main in this process: no process-wide tuning


def run(*argv, cwd: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main([str(a) for a in argv])
            except SystemExit as exc:  # argparse
                code = exc.code
    finally:
        os.chdir(here)
    return code, out.getvalue(), err.getvalue()


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def readers(root: Path, out: Path) -> dict[str, list]:
    """Every command that hands out data, with its arguments."""
    cmds = {"info": ["info", root], "sql": ["sql", "select count(*) from quotes", root],
            "diff": ["diff", ROOT, root], "release": ["release", root, "--dist", out / "dist"]}
    for name in formats():
        cmds[f"export {name}"] = ["export", name, out / f"{name}-out", root]
    return cmds


def api_refuses(root: Path) -> list[str]:
    """The Python readers that handed out data from the package (none may, when it is invalid or stale)."""
    import vostochny_summit as vs
    from vostochny_summit.package import DescriptorError

    handed = []
    for name, call in (("load", lambda: vs.load("quotes", root=root)), ("load_all", lambda: vs.load_all(root=root)),
                       ("connect", lambda: vs.connect(root)), ("text", lambda: vs.text("art-000", root=root))):
        try:
            call()
            handed.append(name)
        except (vs.SealBroken, DescriptorError):
            pass
    return handed


def check_answer(name: str, code: int, err: str) -> None:
    assert code in (0, 1, 2), f"{name}: exit {code}\n{err[-3000:]}"
    assert "Traceback" not in err, f"{name}: a traceback\n{err[-3000:]}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_command_on_a_broken_package(case, sealed, tmp_path):
    root = tmp_path / "pkg"
    shutil.copytree(sealed, root)
    CASES[case](root)
    # validate with PATH finds the problems (1), or cannot read the input (2): either way the case is one validate
    # rejects, so no reader below may hand out data. For the hand edits, validate in the folder without PATH does the
    # same (the folder rule: it checks the copy it is in, not the installed one, and says which)
    variants = {"validate PATH": ["validate", root]}
    if case.startswith("edit:"):
        variants["validate in the folder"] = ["validate"]
    for name, argv in variants.items():
        code, out, err = run(*argv, cwd=root if len(argv) == 1 else tmp_path)
        check_answer(f"{case} {name}", code, err)
        assert code in (1, 2), f"{case} {name}: exit {code}: validate finds nothing wrong, so the case tests nothing"
        assert f"package {root} " in out + err, f"{case} {name}: does not say it checked {root}"

    for name, argv in readers(root, tmp_path).items():
        code, out, err = run(*argv)
        check_answer(f"{case} {name}", code, err)
        assert code in (1, 2), f"{case} {name}: handed out data from an invalid package (exit {code})"
        said = out + err
        assert any(w in said for w in ("refused", "error", "BROKEN")), f"{case} {name}: {out[-300:]}{err[-500:]}"
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir()), f"{case}: release wrote artefacts"
    assert api_refuses(root) == [], f"{case}: the Python API handed out data"

    before = files(root)
    code, out, err = run("build", root)
    check_answer(f"{case} build", code, err)
    if code == 0:  # build could fix it (a generated file): what it sealed must validate
        assert validate(root) == [], f"{case}: build sealed a package that validate rejects"
        assert run("sql", "select count(*) from quotes", root)[0] == 0
    else:
        assert files(root) == before, f"{case}: a refused build changed files"
        assert "refused" in err, err[-500:]
