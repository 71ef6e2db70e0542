"""Entities: countries are real ISO 3166-1 codes, a QID identifies one entity only, and every entity is mentioned.
(Exactly one entity per row, a QID with its confidence, coordinates in pairs: the model's row rules, row_rules.py.)"""

from __future__ import annotations

from functools import lru_cache

from .. import kernels as pc
from . import roles, screens
from .engine import Check, RowRules
from .problem import Problem
from .sql import Rule, key_sql, lit, q, without_match


@lru_cache(maxsize=1)
def country_list() -> tuple[str, ...]:
    """pycountry's ISO 3166-1 alpha-2 codes, read from its database file (importing pycountry costs more than the
    rest of a small package's checks: importlib.metadata, email, logging); from the module when the file moved."""
    import importlib.util
    import json
    import os

    spec = importlib.util.find_spec("pycountry")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        try:
            with open(os.path.join(folder, "databases", "iso3166-1.json"), encoding="utf-8") as fh:
                return tuple(c["alpha_2"] for c in json.load(fh)["3166-1"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    import pycountry

    return tuple(c.alpha_2 for c in pycountry.countries)


@lru_cache(maxsize=1)
def country_codes() -> str:
    return ", ".join(lit(c) for c in country_list())


def entity_rules(t, data, ctx) -> list[Rule]:
    """Real ISO 3166-1 codes in every field the model marks as a country (the other single-row rules of entities are
    the model's: row_rules.py)."""
    out = []
    for country in roles.country_fields(t):
        col = q(country)
        out.append(Rule("country-code", country, f"{col} IS NOT NULL AND {col} NOT IN ({country_codes()})",
                        "an ISO 3166-1 alpha-2 code (pycountry)", col, screens.outside(country, country_list())))
    return out


def _entity_reads(pkg, _table) -> list[str]:
    return list(roles.entity_tables(pkg))


def check_shared_qids(ctx) -> list[Problem]:
    parts = []
    for n in roles.entity_tables(ctx.pkg):
        state, t = ctx.output("table", n), ctx.pkg.table(n)
        fields = roles.qid_fields(t)
        if state is not None and state.raw is not None and fields:
            parts.append(f"SELECT {lit(n)} AS tbl, __row, {key_sql(t)} AS k, {q(fields[0])} AS qid "
                         f"FROM {q(n)} WHERE {q(fields[0])} IS NOT NULL")
    if not parts:
        return []
    if ctx.screens and _qids_unshared(ctx):
        return []
    sql = (f"WITH x AS ({' UNION ALL '.join(parts)}) SELECT tbl, __row, k, qid, (SELECT string_agg(tbl || ':' || k, ', ') FROM x x2 "
           "WHERE x2.qid = x.qid) FROM x WHERE qid IN (SELECT qid FROM x GROUP BY 1 HAVING count(*) > 1) ORDER BY 1, 2")
    out = []
    for tbl, row, k, qid, owners in ctx.con.execute(sql).fetchall():
        t = ctx.pkg.table(tbl)
        out.append(Problem(code="qid-shared", file=ctx.rel(t.csv_path), table=tbl, row=row, key=k,
                           field=roles.qid_fields(t)[0], value=qid, expected=f"a QID used by one entity only (used by {owners})"))
    return out


def _qids_unshared(ctx) -> bool:
    """No QID is set on two rows of the entity tables (the shared-QID query would list none)."""
    import pyarrow as pa

    cols = []
    for n in roles.entity_tables(ctx.pkg):
        state, fields = ctx.output("table", n), roles.qid_fields(ctx.pkg.table(n))
        if state is not None and state.raw is not None and fields:
            cols.append(pc.drop_null(pc.cast(state.raw.column(fields[0]), pa.string())))
    values = pa.chunked_array([c for col in cols for c in col.chunks], pa.string())
    return screens.distinct([values])


def _mention_reads(pkg, _table) -> list[str]:
    return list(roles.entity_tables(pkg)) + [n for n in (roles.mention_table(pkg),) if n]


def check_unmentioned(ctx) -> list[Problem]:
    """Every entity has at least one row in the mentions table."""
    m = roles.mention_table(ctx.pkg)
    if m is None or getattr(ctx.output("table", m), "raw", None) is None:
        return []
    out = []
    for ent, col in roles.entity_tables(ctx.pkg).items():
        if getattr(ctx.output("table", ent), "raw", None) is not None:
            out += without_match(ctx, "unmentioned-entity", ent, m, col)  # every entity is mentioned
    return out


CHECKS = [
    Check("shared-qids", check_shared_qids, ("qid-shared",), needs=("table",), reads=_entity_reads),
    Check("unmentioned", check_unmentioned, ("unmentioned-entity",), needs=("table",), reads=_mention_reads),
]
ROW_RULES = [RowRules("country-codes", entity_rules, ("country-code",))]
