"""Claims and evidence: every claim and event has evidence, and a claim's status is the one its evidence gives
(derive.claim_status_column: the one definition of the rule, CURATION.md §7, which build writes with)."""

from __future__ import annotations

from . import roles, screens
from .engine import Check
from .problem import Problem
from .sql import key_sql, q, rows


def _loaded(ctx, *names) -> bool:
    return all(getattr(ctx.output("table", n), "raw", None) is not None for n in names)


def check_evidenced(ctx) -> list[Problem]:
    out = []
    for parent, child, col in roles.evidence_pairs(ctx.pkg):
        if _loaded(ctx, parent, child):
            if ctx.screens and screens.all_in(ctx.output("table", parent).raw.column(col), ctx.output("table", child).raw.column(col)):
                continue  # every parent row has an evidence row
            t = ctx.pkg.table(parent)
            out += rows(ctx, "no-evidence", t, f"SELECT __row, {key_sql(t)}, {q(col)} FROM {q(parent)} p WHERE NOT EXISTS "
                        f"(SELECT 1 FROM {q(child)} c WHERE c.{q(col)} = p.{q(col)}) ORDER BY 1", col, f"at least one row in {child}")
    return out


def check_claim_status(ctx) -> list[Problem]:
    import numpy as np
    import pyarrow.compute as pc

    from ..derive import claim_status_column

    names = roles.claim_status_tables(ctx.pkg)
    states = [ctx.output("table", n) for n in names or ()]
    if not names or any(getattr(s, "typed", None) is None for s in states):
        return []
    claims, evidence, sources = (s.typed for s in states)
    c = roles.CLAIM_STATUS
    want = claim_status_column(claims.column(c.key), evidence.select(list(c.evidence_columns)),
                               sources.select(list(c.source_columns)))
    have = claims.column(c.status)
    t = ctx.pkg.table(names[0])
    differ = np.flatnonzero(pc.fill_null(pc.not_equal(have, want), True).to_numpy(zero_copy_only=False)).tolist()
    keys = claims.column(c.key)
    return [Problem(code="derived-claim-status", file=ctx.rel(t.csv_path), table=t.name, row=i + 1,
                    key=keys[i].as_py(), field=c.status, value=f"{have[i].as_py() or ''} (derived: {want[i].as_py()})",
                    expected="the status derived from claim_evidence (run build)") for i in differ]


CHECKS = [
    Check("evidenced", check_evidenced, ("no-evidence",), needs=("table",),
          reads=lambda pkg, _t: [n for p, c, _k in roles.evidence_pairs(pkg) for n in (p, c)]),
    Check("claim-status", check_claim_status, ("derived-claim-status",), needs=("table",),
          reads=lambda pkg, _t: list(roles.claim_status_tables(pkg) or ())),
]
