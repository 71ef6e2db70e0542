"""Claims and evidence: every claim and event has evidence, a claim's status is the one its evidence gives
(derive.claim_status_column: the one definition of the rule, CURATION.md §7, which build writes with), and evidence
of a speech act is in the reporter's voice (CURATION.md §7)."""

from __future__ import annotations

from . import ranges, roles, screens
from .engine import Check
from .problem import Problem
from .sql import key_sql, lit, q, rows, without_match


def _loaded(ctx, *names) -> bool:
    return all(getattr(ctx.output("table", n), "raw", None) is not None for n in names)


def check_evidenced(ctx) -> list[Problem]:
    out = []
    for parent, child, col in roles.evidence_pairs(ctx.pkg):
        if _loaded(ctx, parent, child):
            out += without_match(ctx, "no-evidence", parent, child, col)  # every parent row has an evidence row
    return out


def check_claim_status(ctx) -> list[Problem]:
    import numpy as np

    from .. import kernels as pc
    from ..derive import claim_status_column

    names = roles.claim_status_tables(ctx.pkg)
    states = [ctx.output("table", n) for n in names or ()]
    if not names or any(getattr(s, "typed", None) is None for s in states):
        return []
    claims, evidence, sources = (s.typed for s in states)
    c, s = roles.claim_status_columns(), roles.source_columns(ctx.pkg)
    keys, have, t = claims.column(c.key), claims.column(c.status), ctx.pkg.table(names[0])
    evidence, sources = evidence.select(list(c.evidence_columns)), sources.select([s.id, s.group])
    out = []
    for (lo, hi), (first, end) in _claim_ranges(keys, evidence.column(c.claim), ctx.drop_pages):
        want = claim_status_column(keys.slice(lo, hi - lo), evidence.slice(first, end - first), sources)
        mine = have.slice(lo, hi - lo)
        differ = np.flatnonzero(pc.fill_null(pc.not_equal(mine, want), True).to_numpy(zero_copy_only=False)).tolist()
        out += [Problem(code="derived-claim-status", file=ctx.rel(t.csv_path), table=t.name, row=lo + i + 1,
                        key=keys[lo + i].as_py(), field=c.status, value=f"{mine[i].as_py() or ''} (derived: {want[i].as_py()})",
                        expected="the status derived from claim_evidence") for i in differ]
        if ctx.drop_pages is not None:
            ctx.drop_pages()  # the range's pages of the kept columns leave before the next range's come
    return out


def _claim_ranges(keys, claim, drop) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """((first claim, end), (first evidence row, end)) ranges that together derive every claim's status: in a
    bounded run (drop: the spill's drop_pages), ranges.ROWS claims at a time with the evidence rows of their keys,
    where the claims' keys and the evidence's claim column both stand ascending without nulls (canonical form; a
    claim's status reads only the evidence rows of its key, and those stand together); else one range of everything."""
    n, rows = len(keys), len(claim)
    if drop is None or n <= ranges.ROWS or not (ranges.ascending(keys, True, drop) and ranges.ascending(claim, False, drop)):
        return [((0, n), (0, rows))]
    out, first = [], 0
    for lo, hi in ranges.bounds(n):
        end = rows if hi == n else ranges.after(claim, keys[hi - 1].as_py(), first)
        out.append(((lo, hi), (first, end)))
        first = end
    return out


def check_reporter_voice(ctx) -> list[Problem]:
    """Evidence of a claim whose type is a speech act (statement, denial) carries no attributed person and no
    attributed description, and an attributed organization only where it is an outlet the article relays (an
    independence group, e.g. reuters): the article, or the outlet it relays, asserts that the act took place."""
    c = roles.speech_act_columns(ctx.pkg)
    if c is None or not _loaded(ctx, c.claims, c.evidence, c.sources) or not c.speech_acts:
        return []
    if ctx.screens and reporter_voice_screen(c, *(ctx.output("table", n).raw for n in (c.claims, c.evidence, c.sources)),
                                             ctx.drop_pages):
        return []  # no speech act's evidence is attributed (but to a relayed outlet): the queries would find no row
    t = ctx.pkg.table(c.evidence)
    out = []
    for col, sql, expected in reporter_voice_queries(c, key_sql(t, "e")):
        out += rows(ctx, "reporter-voice", t, sql, col, expected)
    return sorted(out, key=lambda p: (p.row, p.field))


def reporter_voice_queries(c, key: str) -> list[tuple[str, str, str]]:
    """(column, SQL of its offending evidence rows: __row, key, value; expected) for each attribution column."""
    acts = ", ".join(lit(v) for v in c.speech_acts)
    base = (f"SELECT e.__row, {key}, e.{{col}} FROM {q(c.evidence)} e JOIN {q(c.claims)} k "
            f"ON k.{q(c.key)} = e.{q(c.claim)} WHERE k.{q(c.type)} IN ({acts}) AND e.{{col}} IS NOT NULL")
    relays = f"(SELECT {q(c.group)} FROM {q(c.sources)} WHERE {q(c.group)} IS NOT NULL)"
    return [(col, base.format(col=q(col)) + extra + " ORDER BY 1", expected) for col, extra, expected in (
        (c.person, "", "empty: a speech act is asserted by the article (the speaker goes in the claim and quotes)"),
        (c.description, "", "empty: a speech act is asserted by the article, not by an unnamed source"),
        (c.org, f" AND e.{q(c.org)} NOT IN {relays}", "empty, or the outlet the article relays (an independence group)"))]


def reporter_voice_screen(c, claims, evidence, sources, drop=None) -> bool:
    """True only when reporter_voice_queries would find no row (Arrow, no DuckDB): the evidence rows of speech-act
    claims have no attributed person or description, and their attributed organizations are all independence groups.
    False when it cannot tell (other column types), and the queries decide. With drop (a bounded run), the claims and
    the evidence are read ranges.ROWS rows at a time."""
    import pyarrow as pa

    from .. import kernels as pc

    kind, keys, claim = claims.column(c.type), claims.column(c.key), evidence.column(c.claim)
    if not (kind.type == keys.type == claim.type == pa.string()):
        return False
    speech = pa.array(list(c.speech_acts), pa.string())
    acts = [pc.filter(part.column(c.key), pc.fill_null(pc.is_in(part.column(c.type), value_set=speech), False))
            for part in ranges.slices(claims.select([c.key, c.type]), drop)]
    acts = pc.drop_null(pa.chunked_array(acts, pa.string())).combine_chunks()
    if len(acts) == 0 or len(evidence) == 0:
        return True
    orgs = []
    for part in ranges.slices(evidence.select([c.claim, c.person, c.description, c.org]), drop):
        spoken = pc.filter(part, pc.fill_null(pc.is_in(part.column(c.claim), value_set=acts), False))
        if spoken.column(c.person).null_count != len(spoken) or spoken.column(c.description).null_count != len(spoken):
            return False
        orgs.append(pc.drop_null(spoken.column(c.org)))
    return screens.all_in(pa.chunked_array([ch for o in orgs for ch in o.chunks], pa.string()), sources.column(c.group))


CHECKS = [
    Check("evidenced", check_evidenced, ("no-evidence",), needs=("table",),
          reads=lambda pkg, _t: [n for p, c, _k in roles.evidence_pairs(pkg) for n in (p, c)]),
    Check("claim-status", check_claim_status, ("derived-claim-status",), needs=("table",),
          reads=lambda pkg, _t: list(roles.claim_status_tables(pkg) or ())),
    Check("reporter-voice", check_reporter_voice, ("reporter-voice",), needs=("table",),
          reads=lambda pkg, _t: [x for x in (lambda c: (c.claims, c.evidence, c.sources) if c else ())(roles.speech_act_columns(pkg))]),
]
