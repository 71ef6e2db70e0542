"""The synthetic scale generator and the benchmark harness keep working (timings are never asserted)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from vostochny_summit.package import Package
from vostochny_summit.validation import validate

from .helpers import ROOT, require


@pytest.mark.slow
def test_synthesized_package_is_valid_and_scaled(tmp_path, pkg):
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "synthesize.py"), "--scale", "3", "--out", str(tmp_path / "x3")],
                         capture_output=True, text=True)  # a script is run, never imported by a test
    assert out.returncode == 0, out.stderr[-2000:]
    big = Package(tmp_path / "x3")
    for name, t in pkg.tables.items():
        real = sum(1 for _ in open(t.csv_path, "rb")) - 1
        assert sum(1 for _ in open(big.table(name).csv_path, "rb")) - 1 == 3 * real, name
    assert validate(big.root) == []
    frictionless = require("frictionless")
    assert frictionless.Package(str(big.descriptor_path)).validate().valid


@pytest.mark.slow(cost=11)
def test_benchmark_smoke(tmp_path):
    out, results = tmp_path / "bench.md", tmp_path / "results.json"
    bench = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--out", str(out), "--results", str(results)]
    run = subprocess.run(bench + ["--scales", "1", "--runs", "1", "--warmup", "0"], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert "| scale | rows | runs | validate s |" in text and "frictionless" in text and "pandera on polars" in text
    assert "rows/s" in run.stdout
    out.unlink()
    again = subprocess.run(bench + ["--render-only"], capture_output=True, text=True, cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert out.read_text(encoding="utf-8") == text  # the page is a function of the recorded measurements
