"""Spans: every span is verbatim (text == article[char_start:char_end], 0 <= start < end <= length), and no span
boundary cuts a word (the characters on either side of a boundary are not both letters or digits).

All rows are compared at once (spans.Texts: binary views into the joined texts); only failing rows are looked at one
by one, to say why. --exhaustive slices every span in Python instead."""

from __future__ import annotations

from bisect import bisect_left

import numpy as np
import pyarrow as pa

from .. import kernels as pc
from ..sql import key_text
from . import roles
from .byte_scans import row_mask
from .engine import Check
from .problem import Problem


def _applies(pkg, t) -> bool:
    return roles.span_columns(t) is not None


_ASCII_ALNUM = np.zeros(256, dtype=np.int8)  # 1: an ASCII letter or digit, 0: another ASCII byte, 2: not ASCII
_ASCII_ALNUM[0x80:] = 2
_ASCII_ALNUM[[*range(0x30, 0x3A), *range(0x41, 0x5B), *range(0x61, 0x7B)]] = 1


def _alnum(chars: pa.Array) -> np.ndarray:
    return pc.fill_null(pc.utf8_is_alnum(pc.cast(chars, pa.string())), False).to_numpy(zero_copy_only=False)


def _fast(texts, d, c):
    """(verbatim, cuts) numpy bool arrays per row. A boundary cuts a word when the characters on both sides are
    letters or digits: read from the bytes around the span where they are ASCII, and only the other rows decoded."""
    start, end = (pc.fill_null(d.column(x), -1).to_numpy() for x in (c.start, c.end))
    source = texts.source_index(d.column(c.source))
    ok, bs, size = texts.verify(source, start, end, d.column(c.text), offsets=True)
    n = texts.length[np.where(source >= 0, source, 0)]
    buf = np.frombuffer(texts.buffer, dtype=np.uint8)
    if not len(buf):
        return ok, np.zeros(len(ok), dtype=bool)
    at = lambda pos, where: _ASCII_ALNUM[buf[np.where(where, pos, 0)]]  # noqa: E731 (inside the buffer where `where`)
    cuts = np.zeros(len(ok), dtype=bool)
    for inner, before, first, b_pos, f_pos in ((ok & (start > 0), start - 1, start, bs - 1, bs),
                                               (ok & (end < n), end - 1, end, bs + size - 1, bs + size)):
        x, y = at(b_pos, inner), at(f_pos, inner)
        cuts |= inner & (x == 1) & (y == 1)
        unsure = np.flatnonzero(inner & (x != 0) & (y != 0) & ((x == 2) | (y == 2)))  # a side that is not ASCII
        if len(unsure):
            valid = np.ones(len(unsure), dtype=bool)
            left = _alnum(texts.chars_at(source[unsure], before[unsure], valid))
            right = _alnum(texts.chars_at(source[unsure], first[unsure], valid))
            cuts[unsure] = left & right
    return ok, cuts


def _exhaustive(texts, d, c):
    cols = [d.column(x).to_pylist() for x in (c.source, c.start, c.end, c.text)]
    bodies = {sid: texts.text(sid) for sid in texts.ids}
    ok, cuts = np.zeros(d.num_rows, dtype=bool), np.zeros(d.num_rows, dtype=bool)
    for i, (sid, s, e, text) in enumerate(zip(*cols)):
        body = bodies.get(sid)
        if body is None or s is None or e is None or not (0 <= s < e <= len(body)) or body[s:e] != text:
            continue
        ok[i] = True
        cuts[i] = (s > 0 and body[s - 1].isalnum() and body[s].isalnum()) or (e < len(body) and body[e - 1].isalnum() and body[e].isalnum())
    return ok, cuts


SPAN_BATCH = 1 << 18  # rows whose spans _fast compares at a time


def check_spans(ctx) -> list[Problem]:
    t, state, articles = ctx.table, ctx.output("table"), ctx.output("texts")
    if state is None or state.typed is None or articles is None:
        return []
    c, d, texts = roles.span_columns(t), state.typed, articles.texts
    if ctx.exhaustive:
        ok, cuts = _exhaustive(texts, d, c)
    else:  # SPAN_BATCH rows at a time: the arrays of a batch, not of the whole table, are held at once
        parts = [_fast(texts, d.slice(lo, SPAN_BATCH), c) for lo in range(0, d.num_rows, SPAN_BATCH)] or [_fast(texts, d, c)]
        ok, cuts = (np.concatenate([p[k] for p in parts]) for k in (0, 1))
    name, out = ctx.rel(t.csv_path), []
    failing = np.flatnonzero(~ok | cuts)
    if not len(failing):
        return out
    rows = pc.filter(d.select(list(dict.fromkeys([c.source, c.start, c.end, c.text, *t.primary_key]))), row_mask(d.num_rows, failing))
    columns = [rows.column(x).to_pylist() for x in (c.source, c.start, c.end, c.text)]
    keys = [rows.column(k).to_pylist() for k in t.primary_key]
    bodies: dict[str, str] = {}  # decoded as the failing rows need them
    found: dict[tuple, list] = {}  # (source, text) -> where text occurs in its article
    hinted = 0  # span-text problems told where their text is
    for j, (i, sid, s, e, text) in enumerate(zip(failing.tolist(), *columns)):
        if sid not in bodies and sid in texts.position:
            bodies[sid] = texts.text(sid)
        body = bodies.get(sid)
        if body is None or s is None or e is None:
            continue  # unknown source or missing offset: reported by the key and required checks
        key = key_text(k[j] for k in keys)
        where = dict(file=name, table=t.name, row=i + 1, key=key)
        if ok[i]:
            at = c.start if s > 0 and body[s - 1].isalnum() and body[s].isalnum() else c.end
            out.append(Problem(code="span-cuts-word", field=at, value=f"{body[max(0, s - 10):s]}[{text}]{body[e:e + 10]}",
                               expected="span boundaries at the edges of words", **where))
        elif e <= s:
            continue  # the model's span-order row rule reports it (row_rules.py), with or without the texts
        elif e > len(body):
            out.append(Problem(code="span-bounds", field=c.end, value=e,
                               expected=f"at most the text length {len(body)} (sources.char_count)", **where))
        elif s >= 0:
            hint = ""
            if hinted < HINTS:
                if (sid, text) not in found:
                    found[sid, text] = occurrences(body, text)
                hint, hinted = said_at(found[sid, text], text, s), hinted + 1
            out.append(Problem(code="span-text", field=c.text, value=text,
                               expected=f"the exact article characters at [{s}:{e}]: {body[s:e]!r}{hint}", **where))
    return out


HINTS = 10_000  # span-text problems of a table told where their text is (the first, in row order): a large broken
# package's report takes no longer for it (the text report shows 100 of a code per column)


def occurrences(body: str, text: str | None) -> list[int]:
    """Where text starts in body, every occurrence (none for an empty text)."""
    starts, at = [], body.find(text) if text else -1
    while at >= 0:
        starts.append(at)
        at = body.find(text, at + 1)
    return starts


def said_at(starts: list[int], text: str | None, near: int) -> str:
    """Where a span's text does occur in its article, for the report: the occurrence nearest the span's start (the
    offsets are most often off by a few characters), and how many there are; or that it occurs nowhere."""
    if not text:
        return ""
    if not starts:
        return "; the text occurs nowhere in the article"
    i = bisect_left(starts, near)  # starts ascend: the nearest is the one before near or the one from it on
    best = min(starts[max(0, i - 1): i + 1], key=lambda a: (abs(a - near), a))
    many = f", the nearest of its {len(starts)} occurrences" if len(starts) > 1 else ""
    return f"; the text is at [{best}:{best + len(text)}]{many}"


CHECKS = [Check("spans", check_spans, ("span-bounds", "span-text", "span-cuts-word"), needs=("table", "texts"),
                per_table=True, applies=_applies, over_batches=True)]
