"""Events: date basis and PLOVER type per row; EDTF dates and their derived bounds (computed once per distinct date);
parent chains without cycles; and a sub-event dated inside its parent.

A sub-event's interval [date_earliest, date_latest] lies inside its parent's whenever both are dated. No column can
say why a part would fall outside its whole (date_note records the words a date rests on, not exceptions), so there
is no exception: an event dated outside the event it is nested under is not part of it (CURATION.md §5)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .. import kernels as pc
from . import roles, screens
from .engine import Check, RowRules
from .problem import Problem
from .sql import Rule, key_sql, lit, q

E = roles.event_columns()


def _is_events(pkg, t) -> bool:
    return t.name == roles.events_table(pkg)


def event_rules(t, data, ctx) -> list[Rule]:
    if not _is_events(ctx.pkg, t):
        return []
    plover = roles.plover_mapping(t)  # (date-basis is one of the model's row rules: row_rules.py)
    mapping = (f"CASE {q(E.type)} " + " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in plover.items()) + " END") if plover else "NULL"
    return [Rule("derived-plover", E.plover, f"{q(E.plover)} IS DISTINCT FROM ({mapping})",
                 "the PLOVER type that the model maps its event_type to",
                 f"coalesce({q(E.plover)}, 'empty') || ' for event_type ' || coalesce({q(E.type)}, 'empty') "
                 f"|| ', mapped to ' || coalesce(({mapping}), 'empty')",
                 screens.differs_from_mapping(E.type, E.plover, plover or {}))]


def _date_bounds(ctx, t, d) -> list[Problem]:
    from ..derive import edtf_bounds

    stale = []  # (date, earliest, latest, code, field, expected)
    cols = [E.date, E.earliest, E.latest]
    for date, lo, hi in sorted(screens.distinct_rows(d, cols), key=repr):  # each distinct (date, bounds) judged once
        try:
            want = edtf_bounds(date)
        except ValueError as exc:
            stale.append((date, lo, hi, "edtf", E.date, f"a valid EDTF level 0 date ({exc})"))
            continue
        if (lo, hi) != want:
            stale.append((date, lo, hi, "derived-date-bounds", f"{E.earliest}/{E.latest}",
                          f"{want[0]}/{want[1]}, the bounds of date {date!r}"))
    if not stale:
        return []
    ctx.register("__events", d)  # the typed columns (the table's kept text has its keys only)
    ctx.con.register("__stale_dates", pa.Table.from_pylist(
        [dict(zip(("value", "lo", "hi", "code", "field", "expected"), x)) for x in stale],
        schema=pa.schema([("value", pa.string()), ("lo", pa.date32()), ("hi", pa.date32()), ("code", pa.string()),
                          ("field", pa.string()), ("expected", pa.string())])))
    sql = (f"SELECT e.__row, {key_sql(t, 'e')}, s.code, s.field, s.expected, CASE s.code WHEN 'edtf' THEN e.{q(E.date)} "
           "ELSE coalesce(CAST(s.lo AS VARCHAR), 'empty') || '/' || coalesce(CAST(s.hi AS VARCHAR), 'empty') END "
           f"FROM __events e JOIN __stale_dates s ON e.{q(E.date)} IS NOT DISTINCT FROM s.value "
           f"AND TRY_CAST(e.{q(E.earliest)} AS DATE) IS NOT DISTINCT FROM s.lo "
           f"AND TRY_CAST(e.{q(E.latest)} AS DATE) IS NOT DISTINCT FROM s.hi ORDER BY 1")
    return [Problem(code=code, file=ctx.rel(t.csv_path), table=t.name, row=row, key=key, field=field, value=value, expected=expected)
            for row, key, code, field, expected, value in ctx.con.execute(sql).fetchall()]


def _parents(d) -> np.ndarray:
    """Row index of each event's parent, -1 when none or unknown."""
    idx = pc.index_in(d.column(E.parent), value_set=d.column(E.id).combine_chunks())
    return pc.fill_null(idx, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def _cycles(ctx, t, d, parent) -> list[Problem]:
    """Events whose parent chain never ends (pointer doubling: after 2^k >= n steps a finite chain has ended)."""
    step = np.append(parent, -1)  # index n is "no parent"
    n, hops = d.num_rows, 1
    while hops <= n:
        step = step[step]
        hops *= 2
    ids, parents = d.column(E.id), d.column(E.parent)
    return [Problem(code="event-cycle", file=ctx.rel(t.csv_path), table=t.name, row=i + 1, key=ids[i].as_py(),
                    field=E.parent, value=parents[i].as_py(), expected="a parent chain without cycles")
            for i in np.flatnonzero(step[:n] != -1).tolist()]


def _inside_parent(ctx, t, d, parent) -> list[Problem]:
    """Children dated outside their parent; the intervals are the dates' EDTF bounds (stale bounds and invalid
    dates are reported by _date_bounds, not here)."""
    from ..derive import edtf_bounds

    values = pc.drop_null(pc.unique(d.column(E.date).combine_chunks()))
    lo_of, hi_of = [], []
    for date in values.to_pylist():
        try:
            a, b = edtf_bounds(date)
            lo_of.append(a.toordinal())
            hi_of.append(b.toordinal())
        except (ValueError, TypeError, AttributeError):
            lo_of.append(-1)
            hi_of.append(-1)
    k = pc.fill_null(pc.index_in(d.column(E.date), value_set=values), -1).to_numpy(zero_copy_only=False).astype(np.int64)
    lo = np.where(k >= 0, np.array(lo_of + [-1], dtype=np.int64)[k], -1)
    hi = np.where(k >= 0, np.array(hi_of + [-1], dtype=np.int64)[k], -1)
    p = np.where(parent >= 0, parent, 0)
    dated = (parent >= 0) & (lo >= 0) & (lo[p] >= 0)
    outside = dated & ((lo < lo[p]) | (hi > hi[p]))
    ids, dates, parents = d.column(E.id), d.column(E.date), d.column(E.parent)
    return [Problem(code="sub-event-dates", file=ctx.rel(t.csv_path), table=t.name, row=i + 1, key=ids[i].as_py(),
                    field=E.date, value=dates[i].as_py(),
                    expected=f"a date inside the parent event's: {parents[i].as_py()} is dated {dates[int(p[i])].as_py()}")
            for i in np.flatnonzero(outside).tolist()]


def check_events(ctx) -> list[Problem]:
    t, state = ctx.table, ctx.output("table")
    if state is None or state.typed is None:
        return []
    d = state.typed
    parent = _parents(d)
    return _date_bounds(ctx, t, d) + _cycles(ctx, t, d, parent) + _inside_parent(ctx, t, d, parent)


CHECKS = [Check("event-dates-and-parents", check_events, ("edtf", "derived-date-bounds", "event-cycle", "sub-event-dates"),
                needs=("table",), per_table=True, applies=_is_events, keys_only=True)]  # kept columns (roles.py)
ROW_RULES = [RowRules("event-rows", event_rules, ("derived-plover",))]
