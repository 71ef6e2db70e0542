#!/usr/bin/env python3
"""Set up a virtual environment and run the package's two everyday jobs. Needs only python3.

    python3 scripts/dev.py demo          # install, build, validate, print a sample query
    python3 scripts/dev.py test          # install, run the whole test suite and `frictionless validate`
    python3 scripts/dev.py test --fast   # the edit loop: every test but the slow ones (marker `slow`)

The suite runs on two pytest-xdist workers (VS_TEST_WORKERS=N to change, 0 for none).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
SAMPLE = ("SELECT q.source_id, q.text FROM quotes q WHERE q.speaker_person_id = 'kim-jong-un' "
          "AND q.quote_kind = 'full-sentence' ORDER BY q.source_id, q.char_start")


def run(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True)


def setup() -> None:
    stamp = VENV / ".installed"
    # The installed metadata carries the version read from __init__.py, so a version bump reinstalls too.
    inputs = (ROOT / "pyproject.toml", ROOT / "src" / "vostochny_summit" / "__init__.py")
    if stamp.is_file() and stamp.stat().st_mtime >= max(p.stat().st_mtime for p in inputs):
        return
    if not (BIN / "python").exists():
        run(sys.executable, "-m", "venv", VENV)
    run(BIN / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", ".[dev]")
    stamp.touch()


def demo() -> None:
    setup()
    run(BIN / "vostochny-summit", "build")
    run(BIN / "vostochny-summit", "validate")
    run(BIN / "vostochny-summit", "sql", SAMPLE)


def test(fast: bool = False) -> None:
    setup()
    workers = os.environ.get("VS_TEST_WORKERS", "2")
    parallel = ["-n", workers, "--dist", "worksteal"] if workers != "0" else []
    run(BIN / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", *parallel, *(["-m", "not slow"] if fast else []))
    if not fast:
        run(BIN / "frictionless", "validate", "datapackage.json")


if __name__ == "__main__":
    jobs = {"demo": demo, "test": test}
    args = sys.argv[1:]
    fast = "--fast" in args
    args = [a for a in args if a != "--fast"]
    if len(args) != 1 or args[0] not in jobs or (fast and args[0] != "test"):
        sys.exit(__doc__)
    try:
        jobs[args[0]](fast=True) if fast else jobs[args[0]]()
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)
