#!/usr/bin/env python3
"""Set up a virtual environment and run the package's two everyday jobs. Needs only python3.

    python3 scripts/dev.py demo   # install, build, validate, print a sample query
    python3 scripts/dev.py test   # install, run the whole test suite and `frictionless validate`
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


def test() -> None:
    setup()
    run(BIN / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider")
    run(BIN / "frictionless", "validate", "datapackage.json")


if __name__ == "__main__":
    jobs = {"demo": demo, "test": test}
    if len(sys.argv) != 2 or sys.argv[1] not in jobs:
        sys.exit(__doc__)
    try:
        jobs[sys.argv[1]]()
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)
