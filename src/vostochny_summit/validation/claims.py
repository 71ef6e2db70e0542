"""Claims and evidence: every claim and event has evidence, and a claim's status is the one its evidence gives
(the rule as roles.claim_status_sql writes it, CURATION.md §7)."""

from __future__ import annotations

from . import roles
from .engine import Check
from .problem import Problem
from .sql import key_sql, q, rows


def _loaded(ctx, *names) -> bool:
    return all(getattr(ctx.output("table", n), "raw", None) is not None for n in names)


def check_evidenced(ctx) -> list[Problem]:
    out = []
    for parent, child, col in roles.evidence_pairs(ctx.pkg):
        if _loaded(ctx, parent, child):
            t = ctx.pkg.table(parent)
            out += rows(ctx, "no-evidence", t, f"SELECT __row, {key_sql(t)}, {q(col)} FROM {q(parent)} p WHERE NOT EXISTS "
                        f"(SELECT 1 FROM {q(child)} c WHERE c.{q(col)} = p.{q(col)}) ORDER BY 1", col, f"at least one row in {child}")
    return out


def check_claim_status(ctx) -> list[Problem]:
    names = roles.claim_status_tables(ctx.pkg)
    if not names or not _loaded(ctx, *names):
        return []
    table, status, key, default = roles.CLAIM_STATUS
    t = ctx.pkg.table(table)
    sql = (f"WITH d AS ({roles.claim_status_sql()}) SELECT c.__row, {key_sql(t, 'c')}, "
           f"coalesce(c.{q(status)}, '') || ' (derived: ' || coalesce(d.want, '{default}') || ')' FROM {q(table)} c LEFT JOIN d USING ({q(key)}) "
           f"WHERE c.{q(status)} IS DISTINCT FROM coalesce(d.want, '{default}') ORDER BY 1")
    return rows(ctx, "derived-claim-status", t, sql, status, "the status derived from claim_evidence (run build)")


CHECKS = [
    Check("evidenced", check_evidenced, ("no-evidence",), needs=("table",),
          reads=lambda pkg, _t: [n for p, c, _k in roles.evidence_pairs(pkg) for n in (p, c)]),
    Check("claim-status", check_claim_status, ("derived-claim-status",), needs=("table",),
          reads=lambda pkg, _t: list(roles.claim_status_tables(pkg) or ())),
]
