from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vostochny_summit.package import Package

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def pkg() -> Package:
    return Package(ROOT)


@pytest.fixture(scope="session")
def problems(pkg):
    """Every problem `validate` reports on the real package (computed once)."""
    from vostochny_summit.validation import validate

    return validate(pkg.root)


def copy_package(dest: Path) -> Path:
    """Copy what makes the package (descriptor, citation, Croissant metadata, data, schemas, docs) into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("datapackage.json", "CITATION.cff", "croissant.json"):
        shutil.copy2(ROOT / name, dest / name)
    for folder in ("data", "schemas", "docs"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, dest / folder)
    return dest


@pytest.fixture
def package_copy(tmp_path) -> Path:
    return copy_package(tmp_path / "pkg")
