"""The Parquet layer: each generated Parquet file has the table's Arrow schema, the package version, and the CSV's
rows and values (compared batch by batch, so that decoded memory is reused)."""

from __future__ import annotations

import pyarrow as pa

from .. import kernels as pc
from ..tabular import arrow_schema, key_order, parquet_reader
from .batches import Batched
from .engine import Check
from .problem import Problem

PARQUET_BATCH_ROWS = 16384  # rows decoded at a time when Parquet is compared with the CSV


def check_parquet(ctx) -> list[Problem]:
    t, state = ctx.table, ctx.output("table")
    if state is None or state.raw is None:
        return []
    name = ctx.rel(t.parquet_path)

    def problem(code, **kw):
        return [Problem(code=code, file=name, table=t.name, **kw)]

    if not t.parquet_path.is_file():
        return problem("parquet-missing", expected="a Parquet file")
    if state.typed is None:
        return []
    have = None
    try:
        have = parquet_reader(t.parquet_path)  # not read_table: its dataset layer is several times slower here
        return _compare(ctx, t, state, have, problem)
    except (OSError, pa.ArrowInvalid) as exc:
        return problem("parquet-unreadable", value=str(exc), expected="a readable Parquet file")
    finally:
        if have is not None:
            have.close()


def _compare(ctx, t, state, have, problem) -> list[Problem]:
    have_schema, have_rows = have.schema_arrow, have.metadata.num_rows
    version = ctx.pkg.version  # a missing version is reported by the descriptor layer
    want_schema = arrow_schema(t, version)
    if not have_schema.equals(want_schema, check_metadata=True):
        return [p for field, got, expected in schema_differences(have_schema, want_schema)
                for p in problem("parquet-schema", field=field, value=got, expected=expected)]
    try:
        want = pc.cast(state.typed, want_schema)
        # a table out of key order (the canonical check reports it) is compared with the Parquet file's rows in key
        # order, each batch's rows taken from the table: not a sorted copy of the whole table
        order = None if state.sorted_by_key or not t.primary_key else key_order(t, want)
    except (pa.ArrowInvalid, ValueError):
        return []  # a missing required value, reported by the schema layer
    if have_rows != want.num_rows:
        return problem("parquet-stale", value=f"{have_rows} rows", expected=f"{want.num_rows} rows as in the CSV")
    differs, offset = set(), 0
    for batch in have.iter_batches(PARQUET_BATCH_ROWS, range(have.num_row_groups), use_threads=_threads(ctx, have)):
        same = [i for i, f in enumerate(t.field_names) if f not in differs]  # the columns not yet found to differ
        if not same:
            break
        part = want.select(same)
        part = part.slice(offset, batch.num_rows) if order is None else pc.take(part, order.slice(offset, batch.num_rows))
        offset += batch.num_rows
        for j, i in enumerate(same):
            if not pa.chunked_array([batch.column(i)]).equals(part.column(j)):
                differs.add(t.field_names[i])
    return [p for f in t.field_names if f in differs
            for p in problem("parquet-stale", field=f, value="differs", expected="the same values as the CSV")]


def schema_differences(have: pa.Schema, want: pa.Schema) -> list[tuple[str | None, str, str]]:
    """How a Parquet file's schema differs from the table's, each as (field or None, got, expected in words): the
    columns missing, extra or out of order first, then each column's type, whether it may be empty and its description,
    then the file's metadata (the table's name and the package version)."""
    out: list[tuple[str | None, str, str]] = []
    missing = [f for f in want if f.name not in have.names]
    extra = [f for f in have if f.name not in want.names]
    out += [(f.name, "no such column", f"a column {f.name} of type {f.type}") for f in missing]
    out += [(f.name, f"a column of type {f.type}", "no such column (the schema has none)") for f in extra]
    twice = sorted({n for n in have.names if have.names.count(n) > 1})
    out += [(n, f"{have.names.count(n)} columns of that name", "one column of that name") for n in twice]
    if not missing and not extra and not twice and have.names != want.names:
        out.append((None, "columns " + ",".join(have.names), "the schema's order: " + ",".join(want.names)))
    for w in want:
        if w.name not in have.names or w.name in twice:
            continue
        h = have.field(w.name)
        if h.type != w.type:
            out.append((w.name, f"type {h.type}", f"type {w.type}"))
        if h.nullable != w.nullable:
            out.append((w.name, "nullable" if h.nullable else "not null", "nullable (optional in the schema)"
                        if w.nullable else "not null (required in the schema)"))
        if (h.metadata or {}) != (w.metadata or {}):
            out.append((w.name, f"field metadata {_meta(h.metadata)}", f"field metadata {_meta(w.metadata)}"))
    if (have.metadata or {}) != (want.metadata or {}):
        out.append((None, f"metadata {_meta(have.metadata)}",
                    f"metadata {_meta(want.metadata)}"))
    return out or [(None, str(have.remove_metadata()).replace("\n", "; "), "the table's Arrow schema")]


def _meta(meta) -> str:
    """Arrow metadata in words: its keys and values as text, each value cut at 60 characters; 'none' when empty."""
    if not meta:
        return "none"
    items = sorted((k.decode("utf-8", "replace"), v.decode("utf-8", "replace")) for k, v in meta.items())
    return "{" + ", ".join(f"{k}: {v if len(v) <= 60 else v[:57] + '...'!r}" for k, v in items) + "}"


def _threads(ctx, reader) -> bool:
    """Whether the file is decoded on Arrow's threads: only in a serial run (ctx.arrow_threads) and for a file of more
    than one batch, where their hand-offs cost less than the decoding (a file that cannot be decoded is reported by
    check_parquet)."""
    return ctx.arrow_threads and reader.metadata.num_rows > PARQUET_BATCH_ROWS


def _batch(ctx, carry) -> list[Problem]:
    """The Parquet file's next rows against one batch of the CSV (batches.py): the file is opened and its schema
    compared at the first batch, and read on from batch to batch."""
    t, state = ctx.table, ctx.output("table")
    name = ctx.rel(t.parquet_path)

    def problem(code, **kw):
        return [Problem(code=code, file=name, table=t.name, **kw)]

    if state is None or state.typed is None or (t.primary_key and not state.sorted_by_key):
        return problem("parquet-stale", expected="rows in key order, compared over batches")  # the whole table says
    try:
        if "reader" not in carry:
            if not t.parquet_path.is_file():
                return problem("parquet-missing", expected="a Parquet file")
            have = carry["reader"] = parquet_reader(t.parquet_path)
            carry["schema"], carry["rows"] = arrow_schema(t, ctx.pkg.version), 0
            if not have.schema_arrow.equals(carry["schema"], check_metadata=True):
                return problem("parquet-schema", expected="the schema's types and the package version")
            carry["batches"] = have.iter_batches(PARQUET_BATCH_ROWS, range(have.num_row_groups),
                                                 use_threads=_threads(ctx, have))
        want = pc.cast(state.typed, carry["schema"])
        got, n = [], 0
        while n < want.num_rows:
            batch = carry.pop("left", None) or next(carry["batches"], None)
            if batch is None:
                return problem("parquet-stale", expected=f"at least {carry['rows'] + want.num_rows} rows as in the CSV")
            take = min(batch.num_rows, want.num_rows - n)
            got.append(batch.slice(0, take))
            n += take
            if take < batch.num_rows:
                carry["left"] = batch.slice(take)
    except (OSError, pa.ArrowInvalid, ValueError) as exc:
        return problem("parquet-unreadable", value=str(exc), expected="a readable Parquet file")
    carry["rows"] += n
    have_rows = pa.Table.from_batches(got, carry["schema"])
    return [p for i, f in enumerate(t.field_names) if not have_rows.column(i).equals(want.column(i))
            for p in problem("parquet-stale", field=f, value="differs", expected="the same values as the CSV")]


def _finish(ctx, carry) -> list[Problem]:
    """Once every batch matched: the Parquet file holds no more rows than the CSV."""
    t, reader = ctx.table, carry.get("reader")
    if reader is not None and (carry.get("left") is not None or reader.metadata.num_rows != carry["rows"]):
        return [Problem(code="parquet-stale", file=ctx.rel(t.parquet_path), table=t.name,
                        value=f"{reader.metadata.num_rows} rows", expected=f"{carry['rows']} rows as in the CSV")]
    return []


def _close(carry) -> None:
    if carry.get("reader") is not None:
        carry.pop("batches", None)
        carry.pop("reader").close()


CHECKS = [Check("parquet", check_parquet, ("parquet-missing", "parquet-unreadable", "parquet-schema", "parquet-stale"),
                needs=("table",), per_table=True, over_batches=Batched(_batch, _finish, _close))]
