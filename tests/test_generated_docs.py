"""The generated references are current: docs/error-codes.md is the catalogue rendered, docs/defect-classes.md the
catalogue and the defect suite rendered (run `python scripts/defect_matrix.py` when either test fails), and the README
states no count that the code can compute."""

from __future__ import annotations

import re

from . import defects
from .helpers import ROOT

ERROR_CODES, DEFECT_CLASSES = ROOT / "docs" / "error-codes.md", ROOT / "docs" / "defect-classes.md"


def test_error_codes_page_is_current():
    assert ERROR_CODES.read_text(encoding="utf-8") == defects.render_error_codes(), \
        "docs/error-codes.md is stale: run python scripts/defect_matrix.py"


def test_defect_classes_page_is_current():
    page = DEFECT_CLASSES.read_text(encoding="utf-8")
    assert page == defects.render_defect_classes(defects.cached_frictionless(DEFECT_CLASSES)), \
        "docs/defect-classes.md is stale: run python scripts/defect_matrix.py"
    assert "not measured" not in page


def test_readme_states_no_count_the_code_computes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    counted = re.findall(r"(?<!ISO )\b\d+\s+(?:planted |defect |error )*(?:defect classes|error codes|codes|checks|rules)\b", readme)
    assert not counted, counted
