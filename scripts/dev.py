#!/usr/bin/env python3
"""Set up a virtual environment and run the package's two everyday jobs. Needs only python3.

    python3 scripts/dev.py demo          # a light .venv (the package, no extras): build, validate, a sample query
    python3 scripts/dev.py test          # the full [dev] .venv: ruff, the whole test suite, `frictionless validate`
    python3 scripts/dev.py test --fast   # the edit loop: ruff and every test but the slow ones (marker `slow`)

Both use .venv. `demo` installs only what the package needs to run (its plain dependencies; pyarrow at the version
`build` pins for byte-identical Parquet files), in well under 30 s with a warm pip cache, and prints each step as it
goes; `test` installs the `[dev]` extra (every engine and export library the tests read with) on top. An environment
made by `test` serves `demo` as it is. The suite runs on two pytest-xdist workers (VS_TEST_WORKERS=N to change, 0 for
none).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
SAMPLE = ("SELECT q.source_id, q.text FROM quotes q WHERE q.speaker_person_id = 'kim-jong-un' "
          "AND q.quote_kind = 'full-sentence' ORDER BY q.source_id, q.char_start")
PIP = ("-m", "pip", "install", "-q", "--disable-pip-version-check")
START = time.perf_counter()


def step(what: str) -> None:
    print(f"[{time.perf_counter() - START:5.1f} s] {what}", flush=True)


def run(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True)


def _fresh(stamp: Path) -> bool:
    # The installed metadata carries the version read from __init__.py, so a version bump reinstalls too.
    inputs = (ROOT / "pyproject.toml", ROOT / "src" / "vostochny_summit" / "__init__.py")
    return stamp.is_file() and stamp.stat().st_mtime >= max(p.stat().st_mtime for p in inputs)


def _host_pip() -> bool:
    """Whether this python has a pip that installs into another environment (`pip --python`, pip 22.3 or later)."""
    out = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True, text=True)
    version = re.match(r"pip (\d+)\.(\d+)", out.stdout) if out.returncode == 0 else None
    return bool(version) and (int(version[1]), int(version[2])) >= (22, 3)


def setup(light: bool = False) -> None:
    """The environment: [dev] for the tests; for the demo (light) the plain install, unless [dev] is there."""
    dev, plain = VENV / ".installed", VENV / ".installed-plain"
    if _fresh(dev) or (light and _fresh(plain)):
        step("the environment .venv is up to date")
        return
    host_pip = light and _host_pip()  # (a subprocess: asked once)
    if not (BIN / "python").exists():
        step("creating the virtual environment .venv")
        # the demo installs with this python's pip (`pip --python`), which saves seeding a pip into .venv
        run(sys.executable, "-m", "venv", *(["--without-pip"] if host_pip else []), VENV)
    if light:
        pin = re.search(r'"(pyarrow==[^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        step("installing the package and its runtime dependencies (no extras)")
        pip = [sys.executable, "-m", "pip", "--python", BIN / "python"] if host_pip else [BIN / "python", "-m", "pip"]
        # --no-compile: pip would byte-compile every installed module up front (half the install's time); Python
        # compiles what the demo imports as it goes
        run(*pip, *PIP[2:], "--no-compile", "-e", ".", *([pin[1]] if pin else []))
        plain.touch()
        return
    step("installing the package with the [dev] extra (every engine, exporter and test tool)")
    if subprocess.run([BIN / "python", "-m", "pip", "--version"], capture_output=True).returncode != 0:
        run(BIN / "python", "-m", "ensurepip")  # a .venv the demo made has no pip of its own
    run(BIN / "python", *PIP, "--upgrade", "pip")
    run(BIN / "python", *PIP, "-e", ".[dev]")
    dev.touch()


def demo() -> None:
    setup(light=True)
    step("build: check the sources, write the generated files, seal the package")
    run(BIN / "vostochny-summit", "build")
    step("validate: every check of the package")
    run(BIN / "vostochny-summit", "validate")
    step("a sample query: what Kim said, in full sentences")
    run(BIN / "vostochny-summit", "sql", SAMPLE)
    step("done")


def test(fast: bool = False) -> None:
    setup()
    step("ruff check (configured in pyproject.toml)")
    run(BIN / "ruff", "check", "src", "tests", "scripts", "benchmarks")
    # the package's bytecode, as a non-editable install has it: an editable install compiles nothing, and where
    # PYTHONDONTWRITEBYTECODE is set (as on CI) every process the tests start would compile it again (0.15 s each)
    subprocess.run([BIN / "python", "-m", "compileall", "-q", ROOT / "src", ROOT / "scripts"], check=True)
    step("the test suite" + (" without the slow tests" if fast else ""))
    workers = os.environ.get("VS_TEST_WORKERS", "2")
    parallel = ["-n", workers, "--dist", "worksteal"] if workers != "0" else []
    run(BIN / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", *parallel, *(["-m", "not slow"] if fast else []))
    if not fast:
        step("frictionless validate datapackage.json")
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
