"""README.md's first screen and its list of export formats say what the package holds: the row count of every table
(and their total), the sizes, and every registered export format with its summary, output and extra."""

from __future__ import annotations

import re

import pyarrow.parquet as pq

from vostochny_summit.exports import formats

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
WORDS = {"Thirteen": 13, "Fourteen": 14, "Fifteen": 15, "Twelve": 12}


def test_the_first_screen_row_counts_are_the_datas(pkg):
    head = README[:README.index("## Install")]
    counts = {t: int(n) for t, n in re.findall(r"`([a-z_]+)` (\d+)", head)}
    want = {name: pq.ParquetFile(t.parquet_path).metadata.num_rows for name, t in pkg.tables.items()}  # = the CSVs'

    line = " · ".join(f"`{t}` {n}" for t, n in want.items())
    assert counts == want, f"README's first screen should list the tables as: {line}"
    m = re.search(r"(\w+) tables, ([\d,]+) rows, and the (\w+) article texts", head)
    assert m, "README's first screen: '<N> tables, <rows> rows, and the <n> article texts'"
    assert WORDS[m[1]] == len(want) and int(m[2].replace(",", "")) == sum(want.values()), f"{len(want)}, {sum(want.values()):,}"
    assert m[3] == "five" and len(list((ROOT / "data" / "texts").glob("*.txt"))) == 5


def test_the_first_screen_sizes_are_the_datas_within_ten_percent(pkg):
    head = README[:README.index("## Install")]
    m = re.search(r"about (\d+) kB of CSV, (\d+) kB of\s+typed Parquet, (\d+) kB of text", head)
    assert m, "README's first screen: 'about N kB of CSV, N kB of typed Parquet, N kB of text'"
    actual = [sum(t.csv_path.stat().st_size for t in pkg.tables.values()) / 1000,
              sum(t.parquet_path.stat().st_size for t in pkg.tables.values()) / 1000,
              sum(p.stat().st_size for p in (ROOT / "data" / "texts").glob("*.txt")) / 1000]
    for said, real in zip(map(int, m.groups()), actual):
        assert abs(said - real) <= 0.1 * real, f"README says {said} kB, the data is {real:.0f} kB"


def test_the_readme_lists_every_export_format_as_the_registry_declares_it():
    rows = re.findall(r"^\| `([a-z]+)` \| (file|folder) \| (.+?) \| (.+?) \|$", README, flags=re.M)
    want = [(f.name, f.output, f.summary, f"`{f.extra}`" if f.extra else "—") for f in formats().values()]
    assert rows == want, "README's 'Every export format' table differs from the registry (exports/): rows should be\n" + \
        "\n".join(f"| `{n}` | {o} | {s} | {e} |" for n, o, s, e in want)
    for f in formats().values():  # and each has a section with its command line
        assert f"vostochny-summit export {f.name} " in README, f.name
    extras = set(re.findall(r"^([a-z]+) = \[", (ROOT / "pyproject.toml").read_text(encoding="utf-8"), flags=re.M))
    assert {f.extra for f in formats().values() if f.extra} <= extras
