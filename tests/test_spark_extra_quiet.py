"""With the `spark` extra installed, ordinary loads stay quiet: pandera's probe of pyspark.pandas (which warns, then
fails, under pandas 3) no longer prints pyspark's FutureWarning (dataframe_schemas._pandera)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from .conftest import ROOT

CODE = """
import warnings
warnings.simplefilter("always")
import vostochny_summit as vs
vs.load("claims")
vs.load("claims", validate=True)
vs.pandera_schema("quotes").validate(vs.load("quotes"))
vs.load("events", engine="polars", validate=True)
import pyspark.sql  # the Spark example's import still works
"""


@pytest.mark.skipif(importlib.util.find_spec("pyspark") is None, reason="needs the spark extra")
def test_loads_print_no_warnings_with_pyspark_installed():
    out = subprocess.run([sys.executable, "-W", "always", "-c", CODE], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Warning" not in out.stderr and "pyspark" not in out.stderr, out.stderr[-2000:]
