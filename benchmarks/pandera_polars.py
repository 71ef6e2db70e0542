#!/usr/bin/env python3
"""The schema-layer peer of the benchmarks: every CSV of a package read with polars, typed by the Table Schema (the
model's polars types), and checked with the package's pandera schemas on the polars backend (types, required,
vocabularies, patterns, bounds, lengths, primary and unique keys, and the model's single-row rules). Exit 0 when
every table passes.

    python benchmarks/pandera_polars.py PACKAGE_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main(root: str) -> int:
    import pandera.errors
    import polars as pl

    import vostochny_summit as vs
    from vostochny_summit.model import TYPES
    from vostochny_summit.package import Package

    pkg, failed = Package(root), 0
    for name, t in pkg.tables.items():
        schema = {f.name: getattr(pl, TYPES[f.type]["polars"]) for f in t.fields}
        frame = pl.read_csv(t.csv_path, schema=schema)
        try:
            vs.pandera_schema(name, backend="polars").validate(frame, lazy=True)
        except pandera.errors.SchemaErrors as exc:
            failed += 1
            print(f"{name}: {len(exc.failure_cases)} failure cases", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
