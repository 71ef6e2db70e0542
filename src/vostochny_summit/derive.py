"""Derived columns: event date bounds from EDTF, PLOVER type from event_type, claim status from evidence."""

from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa

from . import kernels as pc
from .codes import ascending_runs, int64_array, value_codes
from .model import RESOURCES
from .model.columns import claim_status
from .model.columns import events as event_columns
from .model.columns import sources as source_columns


def edtf_bounds(value: str | None) -> tuple[dt.date | None, dt.date | None]:
    """First and last day covered by an EDTF level-0 date or interval. Raises ValueError if invalid."""
    if value is None:
        return None, None
    parts = value.split("/")
    if len(parts) > 2:
        raise ValueError(f"not EDTF level 0: {value!r}")
    lo = _one(parts[0])[0]
    hi = _one(parts[-1])[1]
    if hi < lo:
        raise ValueError(f"interval ends before it starts: {value!r}")
    return lo, hi


def _one(text: str) -> tuple[dt.date, dt.date]:
    from .model.fields import EDTF_ONE

    if not re.fullmatch(EDTF_ONE, text):
        raise ValueError(f"not EDTF level 0: {text!r}")
    parts = [int(p) for p in text.split("-")] + [0, 0]
    y, mo, d = parts[0], parts[1], parts[2]
    if d:
        day = dt.date(y, mo, d)  # raises ValueError for 2023-02-30
        return day, day
    if mo:
        if not 1 <= mo <= 12:
            raise ValueError(f"month out of range: {text!r}")
        # the month's last day, without the calendar module (it imports locale: 2.5 ms of every validate)
        last = dt.date(y, 12, 31) if mo == 12 else dt.date(y, mo + 1, 1) - dt.timedelta(days=1)
        return dt.date(y, mo, 1), last
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


def evidence_groups(evidence: pa.Table, sources: pa.Table) -> pa.ChunkedArray:
    """The independence group each piece of evidence counts in (CURATION.md §7), the package's one statement of the
    rule: the outlet it is relayed from when that outlet is itself an independence group ("according to Reuters"),
    else its article's group; an unknown article is a group of its own. evidence has the claim-status rule's evidence
    columns (model.columns.claim_status), sources the articles' id and group columns."""
    c, s = claim_status(), source_columns()
    group_of_source = sources.column(s.group).combine_chunks()
    via = evidence.column(c.relayed_by)
    source = pc.index_in(evidence.column(c.source), value_set=sources.column(s.id).combine_chunks())
    of_source = pc.if_else(pc.is_valid(source), pc.take(group_of_source, source), evidence.column(c.source))
    return pc.if_else(pc.fill_null(pc.is_in(via, value_set=pc.drop_null(group_of_source)), False), via, of_source)


def claim_status_column(claim_ids: pa.ChunkedArray, evidence: pa.Table, sources: pa.Table) -> pa.ChunkedArray:
    """The claim-status rule (CURATION.md §7), the package's one definition of it: build writes it into the claims'
    status and validate compares the status with it. For every claim id at once, in Arrow (evidence and sources as
    evidence_groups takes them):

    - contested: at least one refuting and at least one supporting row;
    - corroborated: not contested, and supporting rows from two or more independence groups (evidence_groups);
    - single-source: otherwise (a claim without evidence included).
    tests/test_fast_checks.py holds it to a row-at-a-time oracle of the same words.
    """
    c = claim_status()
    supports, refutes, contested, corroborated, single = (pa.scalar(t, pa.string()) for t in c.terms)  # typed scalars:
    group = evidence_groups(evidence, sources)  # converting a bare str imports dateutil
    stance = evidence.column(c.stance)
    supporting = pc.fill_null(pc.equal(stance, supports), False)
    groups_per_claim = _distinct_per_key(claim_ids, evidence.column(c.claim), group, supporting)
    refuted = pc.unique(pc.filter(evidence.column(c.claim), pc.fill_null(pc.equal(stance, refutes), False)))
    is_contested = pc.and_(pc.greater(groups_per_claim, pa.scalar(0, pa.int64())), pc.is_in(claim_ids, value_set=refuted))
    is_corroborated = pc.greater_equal(groups_per_claim, pa.scalar(2, pa.int64()))
    return pc.if_else(is_contested, contested, pc.if_else(is_corroborated, corroborated, single))

def _distinct_per_key(keys, row_keys, row_values, chosen) -> pa.Array:
    """For each of keys: how many distinct values (a null counting as one) the chosen rows (a boolean mask) with that
    key hold; a null key matches the rows whose key is null. The keys and the rows' keys are encoded together, in one
    dictionary (one hash table: equal values share a code, the keys' values first), then counted with numpy: not a
    group-by (which would import Acero), nor a string column of the chosen rows' keys (at a million rows of evidence,
    a third less memory than a dictionary of the rows' keys looked up by the keys)."""
    import numpy as np

    n = len(keys)
    runs = _same_sorted_keys(keys, row_keys)
    if runs is not None:  # key i is the i-th run of the rows' keys
        nd, key_code = n, np.arange(n, dtype=np.int64)
        row_code = (np.cumsum(runs.to_numpy(zero_copy_only=False), dtype=np.int64) - 1)[chosen.to_numpy(zero_copy_only=False)]
    else:
        (key_code, row_code), nd = value_codes(keys, row_keys)  # a null: code nd
        row_code = row_code[chosen.to_numpy(zero_copy_only=False)]
    (v,), nv = value_codes(pc.filter(row_values, chosen))
    pairs = np.sort(row_code * (nv + 1) + v)
    pairs = pairs[np.append(True, pairs[1:] != pairs[:-1])] if len(pairs) else pairs  # distinct (np.unique: numpy.ma)
    per_code = np.bincount(pairs // (nv + 1), minlength=nd + 1)
    return int64_array(per_code[key_code])


def _same_sorted_keys(keys, row_keys):
    """Where the keys are distinct and ascending and the rows' keys ascending with exactly those values (the claims
    and their evidence, each in canonical form, in a valid package): where each run of the rows' keys begins (a
    boolean array); else None, and the keys are encoded with a hash table instead."""
    mine = ascending_runs(keys)
    if mine is None or len(mine[0]) != len(keys):
        return None
    theirs = ascending_runs(row_keys)
    if theirs is None or len(theirs[0]) != len(keys) or not pc.all(pc.equal(theirs[0], mine[0])).as_py():
        return None
    return theirs[1]


def derive_columns(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The typed tables with every derived column recomputed: each field the model declares `derived`."""
    out = dict(tables)
    e, c = event_columns(), claim_status()
    ev = tables[e.table]
    per_date = {d: edtf_bounds(d) for d in set(ev.column(e.date).to_pylist())}  # each distinct date once
    plover = RESOURCES[e.table].field(e.type).vocabulary.plover
    derived = {
        "edtf-earliest": lambda t, f: pa.array([per_date[d][0] for d in t.column(f.derived["from"][0]).to_pylist()], pa.date32()),
        "edtf-latest": lambda t, f: pa.array([per_date[d][1] for d in t.column(f.derived["from"][0]).to_pylist()], pa.date32()),
        "plover": lambda t, f: pa.array([plover.get(x) for x in t.column(f.derived["from"][0]).to_pylist()], pa.string()),
        "claim-status": lambda t, f: claim_status_column(
            t.column(c.key), tables[c.evidence].select(list(c.evidence_columns)),
            tables[source_columns().table].select([source_columns().id, source_columns().group])),
    }
    for name, table in tables.items():
        res = RESOURCES.get(name)
        for f in (res.fields if res else ()):
            if f.derived:
                table = _set(table, f.name, derived[f.derived["rule"]](table, f))
        out[name] = table
    return out


def _set(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    i = table.schema.get_field_index(name)
    return table.set_column(i, table.schema.field(i), pc.cast(values, table.schema.field(i).type))
