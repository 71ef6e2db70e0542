"""The plan of a run, checked before anything runs: every code in the catalogue, every need provided, no cycle
(check_plan); and the part of the plan that --pick / --skip choose (select)."""

from __future__ import annotations

from typing import Callable

from .catalogue import CODES


class PlanError(ValueError):
    """The checks' declarations do not form a valid plan (unknown code, missing need, cycle)."""


def check_plan(checks: list, row_rules: list = ()) -> None:
    """Raise PlanError for an unknown code, a need that no check provides, or a cycle among the checks."""
    providers: dict = {}
    for c in checks:
        if c.provides:
            if c.provides in providers:
                raise PlanError(f"{c.name}: output {c.provides!r} is also provided by {providers[c.provides].name}")
            providers[c.provides] = c
    for c in list(checks) + list(row_rules):
        unknown = [code for code in c.codes if code not in CODES]
        if unknown:
            raise PlanError(f"{c.name}: codes not in the catalogue: {', '.join(unknown)}")
    for c in checks:
        missing = [n for n in c.needs if n not in providers]
        if missing:
            raise PlanError(f"{c.name}: needs {', '.join(missing)}, which no check provides")
        if c.side and (c.needs or c.per_table or c.provides):
            raise PlanError(f"{c.name}: a side check needs nothing, provides nothing and runs once")
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(c, path: list[str]) -> None:
        if state.get(c.name) == 2:
            return
        if state.get(c.name) == 1:
            raise PlanError("cycle: " + " -> ".join(path + [c.name]))
        state[c.name] = 1
        for n in c.needs:
            visit(providers[n], path + [c.name])
        state[c.name] = 2

    for c in checks:
        visit(c, [])


def select(checks: list, row_rules: list, wanted: Callable[[str], bool]):
    """The checks and row rules that may report a wanted code, plus every check they need."""
    providers = {c.provides: c for c in checks if c.provides}
    keep = {c.name for c in checks if any(wanted(code) for code in c.codes)}
    rules = [r for r in row_rules if any(wanted(code) for code in r.codes)]
    if rules:
        keep |= {c.name for c in checks if c.row_rules}
    todo = [c for c in checks if c.name in keep]
    while todo:
        for n in todo.pop().needs:
            if providers[n].name not in keep:
                keep.add(providers[n].name)
                todo.append(providers[n])
    return [c for c in checks if c.name in keep], rules
