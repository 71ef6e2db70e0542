"""README.md's first screen and its list of export formats say what the package holds: the row count of every table
(and their total), the sizes, and every registered export format (the list build generates from the registry)."""

from __future__ import annotations

import re

import pyarrow.parquet as pq

from vostochny_summit.exports import formats

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
WORDS = {"Thirteen": 13, "Fourteen": 14, "Fifteen": 15, "Twelve": 12}


def test_the_first_screen_counts_and_sizes_are_the_datas(pkg):
    """build writes them from the data; here they are read back and compared with the data."""
    from vostochny_summit.docs.pages import CONTENTS_BEGIN, with_formats

    assert CONTENTS_BEGIN in README and with_formats(README, pkg) == README, "README's first screen is stale: run build"
    head = README[:README.index("## Install")]
    counts = {t: int(n) for t, n in re.findall(r"`([a-z_]+)` (\d+)", head)}
    want = {name: pq.ParquetFile(t.parquet_path).metadata.num_rows for name, t in pkg.tables.items()}  # = the CSVs'
    assert counts == want
    m = re.search(r"(\w+) tables, ([\d,]+) rows, and the (\w+) article texts", head)
    assert m and WORDS[m[1]] == len(want) and int(m[2].replace(",", "")) == sum(want.values())
    assert m[3] == "five" and len(list((ROOT / "data" / "texts").glob("*.txt"))) == 5
    m = re.search(r"about (\d+) kB of CSV, (\d+) kB of typed Parquet, (\d+) kB of text", head)
    actual = [sum(t.csv_path.stat().st_size for t in pkg.tables.values()) / 1000,
              sum(t.parquet_path.stat().st_size for t in pkg.tables.values()) / 1000,
              sum(p.stat().st_size for p in (ROOT / "data" / "texts").glob("*.txt")) / 1000]
    assert m and all(abs(said - real) <= 1 for said, real in zip(map(int, m.groups()), actual)), (m and m.groups(), actual)


def test_the_readme_lists_every_export_format_from_the_registry():
    from vostochny_summit.docs.pages import FORMATS_BEGIN, with_formats

    assert FORMATS_BEGIN in README and with_formats(README) == README, "the README's list of formats is stale: run build"
    for f in formats().values():  # and each has a section with its command line
        assert f"vostochny-summit export {f.name} " in README, f.name
    extras = set(re.findall(r"^([a-z]+) = \[", (ROOT / "pyproject.toml").read_text(encoding="utf-8"), flags=re.M))
    assert {f.extra for f in formats().values() if f.extra} <= extras
