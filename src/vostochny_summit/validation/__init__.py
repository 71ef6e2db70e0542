"""`validate`: every check the package guarantees, all layers, all errors collected (none stops the run).

Layers: descriptor, files, table schema, domain rules (spans, fixity, derived columns, codebook rules), parquet.
Each concern is a module of checks (checks.py lists them), each error code is in the catalogue (catalogue.py), and the
engine (engine.py) orders and runs the checks from what they declare. docs/error-codes.md lists the codes.
"""

from __future__ import annotations

import os

from ..package import Package
from .catalogue import CODES
from .problem import Problem, in_order, report, report_parts

__all__ = ["Problem", "report", "report_parts", "validate", "csv_bytes", "wanted_codes", "CODES"]


SERIAL_BYTES = 4 << 20  # a package whose CSVs are smaller than this is checked in the caller's thread, without a pool
BOUNDED_FROM = 256 << 20  # a package with at least this many bytes of CSV runs bounded (engine.Options.bounded)
BOUNDED_NOTE = ("bounded memory ({mib:,.0f} MiB of CSV): large tables are checked over row batches, and the columns the "
                "checks across tables read wait on disk in a temporary folder ({where}); --no-bounded is faster and "
                "holds them in memory")  # what the command says when the package's size bounds its memory


def validate(root=None, *, exhaustive: bool = False, pick=None, skip=None, checks=None, row_rules=None,
             workers: int | None = None, bounded: bool | None = None) -> list[Problem]:
    """Every problem of the package at root, in the report's order.

    exhaustive: every shortcut off (the result must be the same, only slower). pick / skip: error codes to report only /
    to leave out (checks that can report none of the wanted codes do not run). checks / row_rules: replace the
    registered ones (tests). workers: threads of the pool, 0 for none (default: none for a package under
    SERIAL_BYTES of CSV, where threads cost more than the checks, else one per core). bounded: less memory for a large
    package, at some cost in time: large tables' own checks over row batches, the columns kept for the checks across
    tables on disk (default: from BOUNDED_FROM bytes of CSV); the result is the same either way. Changes no
    process-wide state (tuning.py is the command line's); the serial runs of a process share one in-memory DuckDB
    database, each on a cursor of its own (context.serial_db).
    """
    from . import checks as registry
    from .engine import Options, Run, check_plan, select

    pick, skip = set(pick or ()), set(skip or ())
    unknown = sorted((pick | skip) - set(CODES))
    if unknown:
        raise ValueError(f"unknown error code(s): {', '.join(unknown)}; the codes are listed in docs/error-codes.md")
    wanted = wanted_codes(pick, skip)
    all_checks = registry.CHECKS if checks is None else checks
    all_rules = registry.ROW_RULES if row_rules is None else row_rules
    check_plan(all_checks, all_rules)  # the whole plan is sound before a part of it is chosen
    chosen, rules = select(all_checks, all_rules, wanted) if pick or skip else (all_checks, all_rules)
    import importlib.util

    if importlib.util.find_spec("duckdb") is None:  # imported only when a query runs (a valid small package runs none)
        return [Problem(code="missing-dependency", file="(validate)", expected="the duckdb package (pip install duckdb)")]
    pkg = root if isinstance(root, Package) else Package(root)
    run = Run(pkg, chosen, rules, Options(exhaustive=exhaustive))
    size = csv_bytes(run.tables)
    if bounded or bounded_by_size(size, bounded):  # its regroup step, and a spill where the temporary folder has room
        from dataclasses import replace

        from .batches import collapse
        from .spill import Spill

        run.options, run.regroup, run.spill = replace(run.options, bounded=True), collapse, Spill.open(size)
    if workers is None:
        workers = 0 if size < SERIAL_BYTES else max(2, os.cpu_count() or 2)
    problems = [p for p in run.execute(workers=workers) if wanted(p.code)]
    return in_order(problems, list(run.tables))


def wanted_codes(pick=None, skip=None):
    """Whether an error code is reported under --pick / --skip (pick: only these, when any; skip: never these)."""
    pick, skip = set(pick or ()), set(skip or ())
    return lambda code: (not pick or code in pick) and code not in skip


def bounded_by_size(size: int, bounded: bool | None) -> bool:
    """Whether a run not told (bounded None) runs bounded: from BOUNDED_FROM bytes of CSV."""
    return bounded is None and size >= BOUNDED_FROM


def csv_bytes(tables: dict) -> int:
    """The bytes of the tables' CSVs (a file that cannot be read counts 0: its check reports it)."""
    total = 0
    for t in tables.values():
        try:
            total += t.csv_path.stat().st_size
        except (OSError, KeyError, TypeError):
            pass
    return total
