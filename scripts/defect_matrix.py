#!/usr/bin/env python3
"""The generated references of `validate`: docs/error-codes.md from the catalogue of error codes, and
docs/defect-classes.md from the catalogue and the planted-defect catalogue (tests/defects.py), with whether
`frictionless validate` alone notices each class. tests/test_generated_docs.py fails when either is stale.

    python scripts/defect_matrix.py            # frictionless runs only for classes the page does not list yet
    python scripts/defect_matrix.py --refresh  # run frictionless on every class again (slow)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

ERROR_CODES = ROOT / "docs" / "error-codes.md"
DEFECT_CLASSES = ROOT / "docs" / "defect-classes.md"


def catalogue():
    """The planted-defect catalogue, tests/defects.py, loaded from its file together with tests/helpers.py under a
    private package name: never through the test package (tests/__init__.py and its conftest are not imported)."""
    import importlib
    import types

    name = "_planted_defects"
    if name not in sys.modules:
        holder = types.ModuleType(name)
        holder.__path__ = [str(ROOT / "tests")]
        sys.modules[name] = holder
    return importlib.import_module(f"{name}.defects")


def frictionless_catches(root: Path) -> str:
    from frictionless import Package

    try:
        report = Package(str(root / "datapackage.json")).validate()
    except Exception as exc:  # a descriptor frictionless cannot even load counts as caught
        return f"yes (fails to load: {type(exc).__name__})"
    if report.valid:
        return "**no**"
    types = sorted({e.type for task in report.tasks for e in task.errors} | {e.type for e in report.errors})
    return "yes (" + ", ".join(types[:3]) + ")"


def measure(names: set[str]) -> dict[str, str]:
    defects = catalogue()
    copy_package = sys.modules["_planted_defects.helpers"].copy_package
    out = {}
    for d in defects.DEFECTS:
        if d.name not in names:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            root = copy_package(Path(tmp) / "pkg")
            d.plant(root)
            if defects.CODES[d.code].layer != "descriptor" or d.code not in defects.HASH_CODES:
                defects.refresh_hashes(root)
            out[d.name] = frictionless_catches(root)
            print(d.name, out[d.name], flush=True)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--refresh", action="store_true", help="measure frictionless on every class again")
    a = p.parse_args()
    defects = catalogue()
    cached = {} if a.refresh else defects.cached_frictionless(DEFECT_CLASSES)
    cached.update(measure({d.name for d in defects.DEFECTS} - set(cached)))
    ERROR_CODES.write_text(defects.render_error_codes(), encoding="utf-8")
    DEFECT_CLASSES.write_text(defects.render_defect_classes(cached), encoding="utf-8")
    print(f"wrote {ERROR_CODES.relative_to(ROOT)} and {DEFECT_CLASSES.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
