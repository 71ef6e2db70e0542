"""Canonical form, told by validation's byte scan (is_canonical_file): the seal's one-line refusal names `fmt` first
exactly when a changed CSV is out of canonical form, else `build`; `fmt` rewrites exactly the files out of it. The
byte scan must give the answer that rendering the whole file gives (canonical_csv of its rows, byte for byte)."""

from __future__ import annotations

import pytest

from vostochny_summit import seal
from vostochny_summit.build import fmt
from vostochny_summit.package import Package
from vostochny_summit.tabular import canonical_csv, read_typed


def _people(root):
    return root / "data" / "people.csv"


def canonical_edit(root):  # a new description, written as fmt writes it: build alone is the fix
    p = _people(root)
    p.write_bytes(p.read_bytes().replace(b"President of Belarus [art-001].", b"Belarusian president [art-001].", 1))


def needless_quotes(root):  # a cell quoted though it holds no comma: it reads the same, fmt writes it bare
    p = _people(root)
    p.write_bytes(p.read_bytes().replace(b",Alexander Lukashenko,", b',"Alexander Lukashenko",', 1))


def swapped_rows(root):  # two rows out of primary-key order
    p = _people(root)
    header, first, second, *rest = p.read_bytes().split(b"\n")
    p.write_bytes(b"\n".join([header, second, first, *rest]))


def spreadsheet_line_ends(root):
    p = _people(root)
    p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n"))


def integer_with_plus(root):  # an integer cell that reads as its value but is not its rendering
    p = root / "data" / "quotes.csv"
    p.write_bytes(p.read_bytes().replace(b",2527,2551,", b",+2527,2551,", 1))


def ragged_row(root):  # a row that cannot be read: build's located problems, not fmt
    p = _people(root)
    p.write_bytes(p.read_bytes().replace(b",BY,Q2866,", b",BY,Q2866,,", 1))


CASES = {f.__name__: (f, needs_fmt) for f, needs_fmt in (
    (canonical_edit, False), (needless_quotes, True), (swapped_rows, True), (spreadsheet_line_ends, True),
    (integer_with_plus, True), (ragged_row, False))}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refusal_of_a_changed_csv_names_fmt_exactly_when_it_is_not_canonical(case, package_copy):
    edit, needs_fmt = CASES[case]
    edit(package_copy)
    pkg = Package(package_copy)
    broken = seal.check(pkg)
    assert len(broken) == 1 and broken[0].file.endswith(".csv"), broken
    line = seal.refusal(pkg, broken)
    assert line.startswith(f"{package_copy}: {broken[0].file} has changed since the package was sealed: "), line
    assert ("`vostochny-summit fmt`" in line) is needs_fmt, line
    assert "`vostochny-summit build`" in line, line
    if case != "ragged_row":  # the byte scan agrees with rendering every row
        t = next(t for t in pkg.tables.values() if t.resource.get("path") == broken[0].file)
        rendered = canonical_csv(t, read_typed(t)).encode("utf-8")
        assert (rendered != t.csv_path.read_bytes().removeprefix(b"\xef\xbb\xbf")) is needs_fmt


@pytest.mark.parametrize("case", sorted(c for c in CASES if c != "ragged_row"))
def test_fmt_rewrites_exactly_the_files_out_of_canonical_form(case, package_copy):
    edit, needs_fmt = CASES[case]
    before = {p.name: p.read_bytes() for p in (package_copy / "data").glob("*.csv")}
    edit(package_copy)
    edited = {p.name: p.read_bytes() for p in (package_copy / "data").glob("*.csv")}
    touched = sorted(n for n in before if edited[n] != before[n])
    changed = fmt(package_copy)
    assert changed == ([f"data/{n}" for n in touched] if needs_fmt else []), changed
    pkg = Package(package_copy)
    for t in pkg.tables.values():
        now = t.csv_path.read_bytes()
        assert now == canonical_csv(t, read_typed(t)).encode("utf-8"), t.name
        if t.csv_path.name not in touched:
            assert now == before[t.csv_path.name], t.name
    if needs_fmt:  # each of these edits changed only the form: fmt undoes it
        assert {p.name: p.read_bytes() for p in (package_copy / "data").glob("*.csv")} == before


def test_the_canonical_form_is_written_a_batch_of_rows_at_a_time_and_only_when_it_changes(pkg, tmp_path, monkeypatch):
    """write_canonical (fmt, and build's derived columns) writes exactly canonical_csv, however its batches fall: rows
    in key order or not (in file order when not sorted), a table without rows; it leaves a file that holds it already
    untouched and says so, and leaves no file of its own beside it."""
    import os

    from vostochny_summit import build

    monkeypatch.setattr(build, "FMT_ROWS", 7)
    t = pkg.table("claims")
    data = read_typed(t)
    path = tmp_path / "claims.csv"
    for rows in (data, data.take(list(range(data.num_rows))[::-1]), data.slice(0, 0)):
        for sort in (True, False):
            path.write_bytes(b"stale")
            assert build.write_canonical(t, rows, path, sort=sort)
            assert path.read_bytes() == canonical_csv(t, rows, sort=sort).encode("utf-8")
            os.utime(path, ns=(1, 1))
            assert not build.write_canonical(t, rows, path, sort=sort) and path.stat().st_mtime_ns == 1
            assert [p.name for p in tmp_path.iterdir()] == ["claims.csv"]


def test_fmt_refuses_a_row_it_cannot_read_and_says_to_run_fmt_again(package_copy, capsys):
    """A row that cannot be read would be lost by a rewrite: fmt writes nothing, names the row, and its one-line fix
    names fmt (not build) as the command to run again."""
    from vostochny_summit import cli

    ragged_row(package_copy)
    spreadsheet_line_ends(package_copy)
    before = {p.name: p.read_bytes() for p in (package_copy / "data").glob("*.csv")}
    assert cli.main(["fmt", str(package_copy)]) == 1
    err = capsys.readouterr().err
    assert "[ragged-row]" in err and err.rstrip().endswith("fmt refused, nothing written: fix the problems above, then run fmt "
                                                            "again"), err[-400:]
    assert {p.name: p.read_bytes() for p in (package_copy / "data").glob("*.csv")} == before
