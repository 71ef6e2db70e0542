"""What the tests share: where the package is, the one CSV reader and writer of the tests, the copy of a package,
running the command line (or a probe of a process tuned as it is), and requiring an optional dependency (a skip on
a developer's machine, a failure in CI).

No test module imports a script, and no script imports the test package: scripts/defect_matrix.py loads the planted
defect catalogue (tests/defects.py) and this module from their files.
"""

from __future__ import annotations

import csv
import importlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PACKAGE_FILES = ("datapackage.json", "CITATION.cff", "croissant.json")
PACKAGE_FOLDERS = ("data", "schemas", "docs")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(module: str, why: str = ""):
    """Import an optional (dev) dependency: skip the test without it, except under CI=true, where a missing dev
    dependency is a broken install and fails the test."""
    import pytest

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        message = f"{module} is not installed{f' ({why})' if why else ''}: pip install -e '.[dev]'"
        if in_ci():
            pytest.fail(f"{message} [CI=true: a missing dev dependency fails]: {exc}")
        pytest.skip(message)


def read_csv(path: Path) -> list[dict]:
    """A CSV file as dicts of strings (an empty cell is ""): the tests' one CSV reader."""
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_rows(root: Path, table: str) -> list[dict]:
    """A table's CSV in the package at root."""
    return read_csv(Path(root) / "data" / f"{table}.csv")


def write_rows(root: Path, table: str, rows: list[dict], header: list[str] | None = None) -> None:
    """Write a table's CSV (LF, minimal quoting), header from the first row unless given."""
    header = header or list(rows[0].keys())
    buf = io.StringIO()
    w = csv.DictWriter(buf, header, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    (Path(root) / "data" / f"{table}.csv").write_text(buf.getvalue(), encoding="utf-8")


def copy_package(dest: Path, source: Path = ROOT) -> Path:
    """Copy what makes a package (descriptor, citation, Croissant metadata, data, schemas, docs) into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PACKAGE_FILES:
        if (source / name).is_file():
            shutil.copy2(source / name, dest / name)
    for folder in PACKAGE_FOLDERS:
        if (source / folder).is_dir():
            shutil.copytree(source / folder, dest / folder)
    return dest


def run_probe(code: str, *args, timeout: float = 120) -> subprocess.CompletedProcess:
    """Python code in its own process with args as sys.argv[1:], with the command line's process tuning on (whatever
    VOSTOCHNY_SUMMIT_NO_TUNING says here), text output captured."""
    env = {k: v for k, v in os.environ.items() if k != "VOSTOCHNY_SUMMIT_NO_TUNING"}
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=timeout)


def run_cli(*args, cwd=None, env=None) -> subprocess.CompletedProcess:
    """`vostochny-summit ARGS` in its own process (text output captured)."""
    return subprocess.run([sys.executable, "-m", "vostochny_summit.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env)
