"""External identifiers only where the frozen reference file has them, with the same values."""

from __future__ import annotations

import csv

from . import roles, screens
from .engine import Check
from .problem import Problem


def _norm(v):
    if v is None or v == "":
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return str(v)


def _unverified(values: tuple, allowed: set) -> bool:
    """Whether a row's identifier values are set and are not exactly one reference row's."""
    norm = tuple(_norm(v) for v in values)
    return any(v is not None for v in norm) and norm not in allowed


def check_references(ctx) -> list[Problem]:
    entities = roles.entity_tables(ctx.pkg)
    if not entities:
        return []
    ref_path = ctx.pkg.root / roles.REFERENCE_FILE
    if not ref_path.is_file():
        return [Problem(code="reference-missing", file=roles.REFERENCE_FILE, expected="the frozen reference file")]
    with open(ref_path, encoding="utf-8", newline="") as fh:
        ref = list(csv.DictReader(fh))
    out = []
    for name in entities:
        state = ctx.output("table", name)
        if state is None or state.typed is None:
            continue
        t, d = ctx.pkg.table(name), state.typed
        cols = roles.identifier_fields(t)
        kind = roles.entity_kind(name)
        allowed = [tuple(_norm(r[cols[c]]) for c in cols) for r in ref if r["kind"] == kind]
        allowed_set = set(allowed)
        # each distinct combination judged once; the rows are listed only when one of them fails
        unverified = {row for row in screens.distinct_rows(d, list(cols)) if _unverified(row, allowed_set)}
        if not unverified:
            continue
        for i, row in enumerate(zip(*(d.column(c).to_pylist() for c in [t.primary_key[0], *cols])), 1):
            if row[1:] in unverified:
                vals = tuple(_norm(v) for v in row[1:])
                # name the fields that differ from the closest reference row
                best = max(allowed, key=lambda a: sum(x == y for x, y in zip(a, vals)), default=(None,) * len(cols))
                for c, have, want in zip(cols, vals, best):
                    if have != want:
                        out.append(Problem(code="unverified-identifier", file=ctx.rel(t.csv_path), table=name, row=i,
                                           key=row[0], field=c, value=have,
                                           expected=f"{want if want is not None else 'empty'}: identifiers exactly as in one row of "
                                                    f"{roles.REFERENCE_FILE}, else empty"))
    return out


CHECKS = [Check("references", check_references, ("unverified-identifier", "reference-missing"), needs=("table",),
                reads=lambda pkg, _t: list(roles.entity_tables(pkg)))]
