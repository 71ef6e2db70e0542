#!/usr/bin/env python3
"""Write a valid synthetic package K times the size of the real one, for scale tests and benchmarks.

    python scripts/synthesize.py --scale K --out DIR [--source PATH]

Copy 0 is the real package; copies 1..K-1 repeat every table with every ID suffixed `-sN` (primary keys, foreign
keys, utterance groups, independence groups), the article texts copied to data/texts/sN-<name> (same bytes, same spans),
and the external identifiers emptied (a QID belongs to one entity only). Derived columns stay consistent because
every copy has the same structure. The result passes `vostochny-summit validate` and `frictionless validate`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from vostochny_summit.build import build  # noqa: E402
from vostochny_summit.model import resource  # noqa: E402
from vostochny_summit.package import Package  # noqa: E402
from vostochny_summit.tabular import canonical_csv, read_typed  # noqa: E402


def id_columns(table) -> list[str]:
    """String columns that hold IDs (slugs, by the model), which the copies suffix."""
    return [f.name for f in resource(table.name).fields if f.is_slug]


def synthesize(source: Path, out: Path, scale: int) -> Package:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copy2(source / "datapackage.json", out / "datapackage.json")
    for folder in ("schemas", "docs"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, out / folder)
    (out / "data").mkdir()
    shutil.copytree(source / "data" / "texts", out / "data" / "texts")
    shutil.copytree(source / "data" / "reference", out / "data" / "reference")
    src = Package(source)
    texts = sorted((source / "data" / "texts").glob("*.txt"))
    for k in range(1, scale):
        for t in texts:
            shutil.copy2(t, out / "data" / "texts" / f"s{k}-{t.name}")
    dst = Package(out)
    for name, table in src.tables.items():
        base = read_typed(table)
        ids = id_columns(table)
        parts = [base]
        for k in range(1, scale):
            copy = base
            for col in ids:
                i = copy.schema.get_field_index(col)
                copy = copy.set_column(i, copy.schema.field(i), pc.binary_join_element_wise(copy.column(col), pa.scalar(f"-s{k}"), ""))
            for col in (f.name for f in resource(name).fields if f.kind == "text-path"):
                i = copy.schema.get_field_index(col)
                paths = pc.replace_substring(copy.column(col), "data/texts/", f"data/texts/s{k}-")
                copy = copy.set_column(i, copy.schema.field(i), paths)
            for col in (f.name for f in resource(name).fields if f.reference_column):  # copies are not verified
                i = copy.schema.get_field_index(col)
                copy = copy.set_column(i, copy.schema.field(i), pa.nulls(copy.num_rows, copy.schema.field(i).type))
            parts.append(copy)
        data = pa.concat_tables(parts)
        (out / "data" / f"{name}.csv").write_text(canonical_csv(dst.table(name), data), encoding="utf-8")
    build(out)
    return Package(out)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=int, required=True, help="how many copies of the real package (>= 1)")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--source", type=Path, default=ROOT)
    a = p.parse_args()
    if a.scale < 1:
        p.error("--scale must be at least 1")
    pkg = synthesize(a.source.resolve(), a.out.resolve(), a.scale)
    rows = sum(sum(1 for _ in open(t.csv_path, "rb")) - 1 for t in pkg.tables.values())
    print(f"wrote {pkg.root}: {rows} rows in {len(pkg.tables)} tables")


if __name__ == "__main__":
    main()
