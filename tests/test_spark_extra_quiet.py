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


@pytest.mark.skipif(importlib.util.find_spec("pyspark") is None, reason="needs the spark extra")
def test_a_pyspark_pandas_that_breaks_on_import_leaves_loads_working():
    """pyspark 3.5 under NumPy 2 fails to import pyspark.pandas with an AttributeError (np.NaN), which pandera does not
    catch: loads with validate=True still work, and pyspark.pandas is marked as not importable."""
    code = """
import importlib.abc, importlib.util, sys
class Broken(importlib.abc.MetaPathFinder, importlib.abc.Loader):  # pyspark.pandas as pyspark 3.5 under NumPy 2
    def find_spec(self, name, path, target=None):
        return importlib.util.spec_from_loader(name, self) if name == "pyspark.pandas" else None
    def exec_module(self, module):
        raise AttributeError("`np.NaN` was removed in the NumPy 2.0 release")
sys.meta_path.insert(0, Broken())
import vostochny_summit as vs
print(len(vs.load("claims", validate=True)), sys.modules.get("pyspark.pandas", "absent"))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    rows, marked = out.stdout.split()
    assert int(rows) > 0 and marked == "None"
