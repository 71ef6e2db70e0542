"""Derived columns: event date bounds from EDTF, PLOVER type from event_type, claim status from evidence."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import pyarrow as pa



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
        return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


def claim_status_column(claim_ids: pa.ChunkedArray, evidence: pa.Table, sources: pa.Table) -> pa.ChunkedArray:
    """The claim-status rule (CURATION.md §7), the package's one definition of it: build writes it into
    claims.status and validate compares claims.status with it. For every claim id at once, in Arrow: evidence is
    (claim_id, source_id, stance, attributed_org_id), sources (source_id, independence_group).

    - contested: at least one refuting and at least one supporting row;
    - corroborated: not contested, and supporting rows from two or more independence groups. A row counts in its
      source's group, except a row the article relays from an organization that is itself an independence group
      ("according to Reuters"), which counts in that organization's group; an unknown source is a group of its own;
    - single-source: otherwise (a claim without evidence included).
    tests/test_fast_checks.py holds it to a row-at-a-time oracle of the same words.
    """
    import pyarrow.compute as pc

    group_of_source = sources.column("independence_group").combine_chunks()
    groups = pc.drop_null(group_of_source)
    via = evidence.column("attributed_org_id")
    source = pc.index_in(evidence.column("source_id"), value_set=sources.column("source_id").combine_chunks())
    # the group of each piece of evidence: the relaying organization when it is a group, else its source's group
    # (an unknown source counts as a group of its own)
    of_source = pc.if_else(pc.is_valid(source), group_of_source.take(source), evidence.column("source_id"))
    group = pc.if_else(pc.fill_null(pc.is_in(via, value_set=groups), False), via, of_source)
    stance = evidence.column("stance")
    text = lambda v: pa.scalar(v, pa.string())  # noqa: E731 - typed scalars: converting a bare str imports dateutil
    supporting = pc.fill_null(pc.equal(stance, text("supports")), False)
    groups_per_claim = _distinct_per_key(claim_ids, evidence.column("claim_id").filter(supporting), group.filter(supporting))
    refuted = pc.unique(evidence.column("claim_id").filter(pc.fill_null(pc.equal(stance, text("refutes")), False)))
    contested = pc.and_(pc.greater(groups_per_claim, pa.scalar(0, pa.int64())), pc.is_in(claim_ids, value_set=refuted))
    corroborated = pc.greater_equal(groups_per_claim, pa.scalar(2, pa.int64()))
    return pc.if_else(contested, text("contested"), pc.if_else(corroborated, text("corroborated"), text("single-source")))


def _codes(values) -> tuple:
    """(numpy codes, number of distinct non-null values): equal values share a code, a null gets the last code."""
    import pyarrow.compute as pc

    enc = pc.dictionary_encode(values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values)
    n = len(enc.dictionary)
    return pc.fill_null(enc.indices, n).to_numpy(zero_copy_only=False).astype("int64"), enc.dictionary, n


def _distinct_per_key(keys, row_keys, row_values) -> pa.Array:
    """For each of keys: how many distinct values (a null counting as one) the rows with that key hold; a null key
    matches the rows whose key is null. With numpy codes, not a group-by (which would import Acero)."""
    import numpy as np
    import pyarrow.compute as pc

    k, dictionary, nk = _codes(row_keys)
    v, _, nv = _codes(row_values)
    pairs = np.sort(k * (nv + 1) + v)
    pairs = pairs[np.append(True, pairs[1:] != pairs[:-1])] if len(pairs) else pairs  # distinct (np.unique: numpy.ma)
    per_code = np.bincount(pairs // (nv + 1), minlength=nk + 1)  # the last code: null keys
    at = pc.index_in(keys, value_set=dictionary)
    at = pc.if_else(pc.is_null(keys), pa.scalar(nk, pa.int32()), pc.fill_null(at, pa.scalar(-1, pa.int32())))
    at = at.to_numpy(zero_copy_only=False).astype("int64")
    counts = np.ascontiguousarray(np.where(at >= 0, per_code[np.maximum(at, 0)], 0), dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(counts), [None, pa.py_buffer(counts)])  # pa.array would import numpy.ma


def derive_columns(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """Return the typed tables with every derived column recomputed."""
    from .model.vocabularies import EVENT_TYPE

    plover = EVENT_TYPE.plover
    out = dict(tables)
    ev = tables["events"]
    per_date = {d: edtf_bounds(d) for d in set(ev.column("date").to_pylist())}  # each distinct date once
    bounds = [per_date[d] for d in ev.column("date").to_pylist()]
    ev = _set(ev, "date_earliest", pa.array([b[0] for b in bounds], pa.date32()))
    ev = _set(ev, "date_latest", pa.array([b[1] for b in bounds], pa.date32()))
    ev = _set(ev, "plover_type", pa.array([plover.get(t) for t in ev.column("event_type").to_pylist()], pa.string()))
    out["events"] = ev

    cl = tables["claims"]
    out["claims"] = _set(cl, "status", claim_status_column(cl.column("claim_id"), tables["claim_evidence"], tables["sources"]))
    return out


def _set(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    i = table.schema.get_field_index(name)
    return table.set_column(i, table.schema.field(i), values.cast(table.schema.field(i).type))
