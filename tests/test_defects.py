"""The planted-defect suite: plant one defect of the catalogue (tests/defects.py) in a copy of the built package, and
prove `validate` rejects it precisely.

Each case names the defect class, how it is planted, and what the report must name: the error code, the table
(or file) and, for row-level defects, the field and a row number. The report must hold no other problem than the
defect's consequences it names (`also`), and --exhaustive must report exactly the same problems. Every copy is made
from one base package built once per session (conftest.built_base), and validated in-process.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vostochny_summit.validation import validate
from vostochny_summit.validation.catalogue import CODES

from .defects import DEFECTS, plant


def test_defect_classes_are_distinct_and_name_catalogued_codes():
    assert len({d.name for d in DEFECTS}) == len(DEFECTS)
    for d in DEFECTS:
        assert d.code in CODES and set(d.also) <= set(CODES), d.name


def test_every_code_has_a_planted_defect_or_a_waiver():
    planted = {d.code for d in DEFECTS}
    bare = sorted(c for c, entry in CODES.items() if c not in planted and not entry.waiver)
    assert not bare, f"codes without a planted-defect test or a waiver in the catalogue: {bare}"
    waived_but_planted = sorted(c for c, entry in CODES.items() if c in planted and entry.waiver)
    assert not waived_but_planted, f"waivers of codes that have a planted test: {waived_but_planted}"


def _csv_bytes(root: Path) -> dict:
    return {p.name: p.read_bytes() for p in (root / "data").glob("*.csv")}


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_validate_rejects_planted_defect(defect, package_copy, monkeypatch):
    before = _csv_bytes(package_copy)
    planted_row = plant(package_copy, defect)
    problems = validate(package_copy)
    hits = [p for p in problems if p.code == defect.code and defect.where in ((p.table or "") + " " + p.file)]
    assert hits, f"{defect.name}: no [{defect.code}] error naming {defect.where!r}; got:\n" + "\n".join(p.line() for p in problems[:30])
    if defect.field:
        assert any(p.field == defect.field for p in hits), [p.line() for p in hits]
    if defect.row_level:
        assert any(p.row is not None and p.row >= 1 for p in hits), [p.line() for p in hits]
        if isinstance(planted_row, int):
            assert planted_row in {p.row for p in hits}, (planted_row, [p.line() for p in hits])
    for p in hits:
        assert p.line(), "every problem renders as one line"
    # nothing unrelated: only the defect's code, the consequences it names, and a stale Parquet file of an edited CSV
    edited = {name[:-4] for name, data in _csv_bytes(package_copy).items() if before.get(name) != data}
    unrelated = [p.line() for p in problems if p.code not in {defect.code, *defect.also}
                 and not (p.code == "parquet-stale" and p.table in edited)]
    assert not unrelated, f"{defect.name}: unrelated problems:\n" + "\n".join(unrelated[:20])
    # the shortcuts change nothing
    assert validate(package_copy, exhaustive=True) == problems, defect.name
    # nor does a bounded run, its tables over batches of a few rows and its kept columns and texts on disk
    _small_batches(monkeypatch)
    assert validate(package_copy, bounded=True) == problems, defect.name


def _small_batches(monkeypatch) -> None:
    """Every table of the small package that a large package checks over row batches (all but sources, which feeds
    checks of the whole package) in three batches (batches.batch_bytes: a third of its CSV, from 877 bytes to 74 KB),
    and the checks across tables walking their columns 64 rows at a time (ranges.py: several ranges of each large
    table), as a large package's do. Until the nineteenth round, batches of 4 KiB: 60 batches on a clean copy, 34 of
    them the claims' and their evidence's, and four tables in one batch; thirds are 36 batches, every table split,
    in 0.6 of the time."""
    from vostochny_summit.validation import batches, ranges

    monkeypatch.setattr(batches, "BATCH_FROM", 0)
    monkeypatch.setattr(batches, "batch_bytes", lambda table_bytes: max(table_bytes // 3, 256))
    monkeypatch.setattr(ranges, "ROWS", 64)


def test_build_then_validate_passes_on_a_clean_copy(package_copy, monkeypatch):
    from vostochny_summit.build import build

    build(package_copy)
    assert validate(package_copy) == []
    assert validate(package_copy, exhaustive=True) == []
    _small_batches(monkeypatch)
    assert validate(package_copy, bounded=True) == []
