"""README.md's examples work for a new user: the wheel, installed with no extras into a bare virtual environment,
runs every Python, shell and SQL block of README.md, taken from the file itself, from a directory outside the
repository. A block marked `<!-- readme-test: extra=NAME -->` runs after `pip install 'vostochny-summit[NAME]'`;
`<!-- readme-test: skip (reason) -->` must give its reason."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import ROOT

FENCE = re.compile(r"(?:<!-- readme-test: (?P<marker>[^>]*?) -->\n)?```(?P<lang>[a-z]+)\n(?P<body>.*?)^```$", re.S | re.M)
RUNNABLE = ("python", "sh", "sql")


def readme_blocks() -> list[dict]:
    """Every fenced block of README.md with its language and marker (extra, skip reason)."""
    out = []
    for m in FENCE.finditer((ROOT / "README.md").read_text(encoding="utf-8")):
        marker = m["marker"] or ""
        extra = re.fullmatch(r"extra=([a-z]+)", marker)
        skip = re.fullmatch(r"skip \((.+)\)", marker)
        assert not marker or extra or skip, f"unknown readme-test marker {marker!r}"
        out.append({"lang": m["lang"], "body": m["body"], "extra": extra and extra[1], "skip": skip and skip[1],
                    "line": m.string.count("\n", 0, m.start("body")) + 1})
    return out


def test_readme_blocks_are_found_and_marked():
    blocks = readme_blocks()
    langs = {b["lang"] for b in blocks if not b["skip"]}
    assert set(RUNNABLE) <= langs, langs
    assert all(b["lang"] in RUNNABLE + ("mermaid", "text") for b in blocks), {b["lang"] for b in blocks}  # text: output shown


@pytest.fixture(scope="session")
def bare_venv(tmp_path_factory):
    """The wheel built from this checkout, installed with no extras into a new virtual environment (once per run,
    shared by the xdist workers)."""
    if sys.platform == "win32":
        pytest.skip("POSIX paths")
    from .conftest import shared_setup

    env = shared_setup(tmp_path_factory, "bare-venv", _make_bare_venv)
    return {k: Path(v) if k != "pip" else v for k, v in env.items()}


def _bare_env() -> dict:
    """This process's environment without PYTHONPATH: the venv's python then imports the installed package, never a
    checkout that PYTHONPATH names."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def _make_bare_venv(tmp: Path) -> dict:
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(dist.glob("*.whl"))
    venv = tmp / "venv"
    py = venv / "bin" / "python"
    # uv (a dev dependency) makes the same bare environment as venv and pip, an order of magnitude faster
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv:
        subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True, capture_output=True)
        # no --compile-bytecode: it compiles every module of every library up front (12.7 s of 42 s for the extras
        # alone); the blocks run with bytecode writing on, so each library compiles the modules it imports once
        pip = [uv, "pip", "install", "-q", "--python", str(py)]
    else:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, str(wheel)], check=True, capture_output=True)
    # the package's own modules compiled, as pip leaves them (the import-time test measures an installed package)
    compile_package = "import compileall, os, vostochny_summit as v; compileall.compile_dir(os.path.dirname(v.__file__), quiet=1)"
    bare = _bare_env()
    subprocess.run([str(py), "-c", compile_package], check=True, capture_output=True, cwd=tmp, env=bare)
    root = subprocess.run([str(py), "-c", "from vostochny_summit.package import default_root; print(default_root())"],
                          check=True, capture_output=True, text=True, cwd=tmp, env=bare).stdout.strip()
    return {"tmp": str(tmp), "wheel": str(wheel), "venv": str(venv), "py": str(py), "pip": pip, "root": root}


def _run(env, block) -> subprocess.CompletedProcess:
    path = dict(_bare_env(), PATH=f"{env['venv'] / 'bin'}{os.pathsep}{os.environ['PATH']}")
    path.pop("PYTHONDONTWRITEBYTECODE", None)  # see _make_bare_venv
    if block["lang"] == "python":
        cmd = [str(env["py"]), "-c", block["body"]]
    elif block["lang"] == "sh":
        cmd = ["bash", "-euo", "pipefail", "-c", block["body"]]
    else:
        cmd = [str(env["venv"] / "bin" / "vostochny-summit"), "sql", block["body"]]
    return subprocess.run(cmd, cwd=env["root"], capture_output=True, text=True, env=path, timeout=300)


@pytest.mark.slow(cost=30, setup="bare-venv")
def test_every_readme_example_runs_from_a_bare_install(bare_venv):
    env = bare_venv
    assert ROOT not in env["root"].parents and "site-packages" in str(env["root"]), env["root"]
    blocks = [b for b in readme_blocks() if b["lang"] in RUNNABLE and not b["skip"]]
    failed = []

    def run_all(selected):
        for b in selected:
            out = _run(env, b)
            if out.returncode != 0 or (b["lang"] == "sql" and not out.stdout.strip()):
                failed.append(f"README.md line {b['line']} ({b['lang']}): exit {out.returncode}\n{out.stderr[-1500:]}")

    run_all([b for b in blocks if not b["extra"]])
    # a missing optional engine says, in one line, which extra to install
    missing = subprocess.run([str(env["py"]), "-c", "import vostochny_summit as vs; vs.load('claims', engine='polars')"],
                             capture_output=True, text=True, cwd=env["tmp"], env=_bare_env())
    last = missing.stderr.strip().splitlines()[-1]
    assert missing.returncode != 0 and "pip install 'vostochny-summit[polars]'" in last, missing.stderr[-800:]
    extras = sorted({b["extra"] for b in blocks if b["extra"]})
    if extras:
        subprocess.run([*env["pip"], f"{env['wheel']}[{','.join(extras)}]"], check=True, capture_output=True)
        run_all([b for b in blocks if b["extra"]])
    assert not failed, "\n\n".join(failed)


@pytest.mark.slow(cost=2, setup="bare-venv")
def test_import_stays_light_and_fast(bare_venv):
    """`import vostochny_summit` loads none of the heavy libraries and takes well under 150 ms (best of five)."""
    code = ("import sys, time; t = time.perf_counter(); import vostochny_summit; t = time.perf_counter() - t; "
            "heavy = {'pandas', 'polars', 'pandera', 'pyarrow', 'duckdb', 'numpy'} & set(sys.modules); print(t, sorted(heavy))")
    times = []
    for _ in range(5):
        out = subprocess.run([str(bare_venv["py"]), "-c", code], capture_output=True, text=True, check=True, env=_bare_env(),
                             cwd=bare_venv["tmp"]).stdout.split(maxsplit=1)
        assert out[1].strip() == "[]", out
        times.append(float(out[0]))
    assert min(times) < 0.15, times
