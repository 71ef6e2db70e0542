"""Fixtures of every test tier, all safe under pytest-xdist (each worker has its own session and temporary folders).

- `pkg` / `problems`: the real package and what `validate` reports on it (once per session).
- `built_base`: one copy of the package, built and checked once per session; every `package_copy` is copied from it,
  so a test that plants a defect never touches the repository and never builds again.
- `shared_setup(tmp_path_factory, name, make)`: a heavy set-up (a wheel in a bare virtual environment) made once for
  the whole run, by the first worker that asks, and reused by the others (a file lock, the pattern of pytest-xdist's
  documentation; its `xdist_group` does not group under pytest 9).
- markers (pyproject.toml): `slow` for tests with a heavy set-up of their own (a wheel in a bare virtual environment,
  Spark, a browser, frictionless runs, synthetic packages); `python3 scripts/dev.py test --fast` leaves them out.
"""

from __future__ import annotations

import fcntl
import json
from pathlib import Path

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


def shared_setup(tmp_path_factory, name: str, make) -> dict:
    """make(folder) -> a JSON-able dict, run once per test run (across xdist workers) in a folder all workers see;
    the others wait for it and get the same dict."""
    base = tmp_path_factory.getbasetemp()
    if hasattr(base, "parent") and base.name.startswith("popen-gw"):
        base = base.parent  # under xdist: the run's folder, shared by the workers
    folder = Path(base) / f"shared-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            done = folder / "setup.json"
            if not done.is_file():
                done.write_text(json.dumps(make(folder)), encoding="utf-8")
            return json.loads(done.read_text(encoding="utf-8"))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


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


def _cost(item) -> float:
    mark = item.get_closest_marker("slow")
    return float(mark.kwargs.get("cost", 5)) if mark else 0.5


def pytest_collection_modifyitems(config, items):
    """Order the tests for the workers. Alone: slow tests first. Under pytest-xdist (`--dist worksteal`, which hands
    each of N workers an equal, contiguous share of the list and lets an idle one steal from the end of another's):
    the slow tests are spread over the N shares by their `cost` (longest first, each to the lightest share; tests
    with the same `setup` stay together), so that no worker starts with all of them. The order is a function of
    the collected tests alone, the same on every worker, as xdist requires."""
    import os

    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    slow = [i for i in items if i.get_closest_marker("slow")]
    fast = [i for i in items if not i.get_closest_marker("slow")]
    if workers < 2:
        items[:] = slow + fast
        return
    groups: dict = {}
    for i in slow:
        groups.setdefault(i.get_closest_marker("slow").kwargs.get("setup", i.nodeid), []).append(i)
    shares = [[] for _ in range(workers)]
    load = [0.0] * workers
    for group in sorted(groups.values(), key=lambda g: (-sum(map(_cost, g)), g[0].nodeid)):
        k = load.index(min(load))
        shares[k] += group
        load[k] += sum(map(_cost, group))
    size = -(-len(items) // workers)  # xdist's contiguous shares: ceil(n / workers) each
    for i in fast:
        k = next((k for k in range(workers) if len(shares[k]) < size), workers - 1)
        shares[k].append(i)
    items[:] = [i for share in shares for i in share]
