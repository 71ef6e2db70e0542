"""Fixtures of every test tier, all safe under pytest-xdist (each worker has its own session and temporary folders).

- `pkg` / `problems`: the real package and what `validate` reports on it (once per session).
- `built_base`: one copy of the package, built and checked once per session; every `package_copy` is copied from it,
  so a test that plants a defect never touches the repository and never builds again.
- markers (pyproject.toml): `slow` for tests with a heavy set-up of their own (a wheel in a bare virtual environment,
  Spark, a browser, frictionless runs, synthetic packages); `python3 scripts/dev.py test --fast` leaves them out.
"""

from __future__ import annotations

import pytest

from vostochny_summit.package import Package

from .helpers import ROOT, SHARED, copy_package  # noqa: F401 - SHARED and ROOT: the test modules' spelling


@pytest.fixture(scope="session")
def pkg() -> Package:
    return Package(ROOT)


@pytest.fixture(scope="session")
def problems(pkg):
    """Every problem `validate` reports on the real package (computed once)."""
    from vostochny_summit.validation import validate

    return validate(pkg.root)


@pytest.fixture(scope="session")
def built_base(tmp_path_factory):
    """A copy of the package, built (sealed, every generated file current) once per session: the base of every copy
    a test plants a defect in or changes."""
    from vostochny_summit.build import build

    base = copy_package(tmp_path_factory.mktemp("base") / "pkg")
    build(base)
    return base


@pytest.fixture
def package_copy(tmp_path, built_base):
    """A fresh copy of the built base, for one test to change."""
    return copy_package(tmp_path / "pkg", built_base)


def pytest_collection_modifyitems(config, items):
    """Slow tests first (a stable sort): on two workers the long ones then overlap the many short ones instead of
    running alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
