"""The vectorised checks against the obvious slow ones: the canonical-form check against rendering the whole file,
and the span check against Python slicing. Each non-canonical spelling or wrong span must be found at its line or row.
"""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from vostochny_summit.tabular import canonical_csv, read_raw, typed
from vostochny_summit.validation.byte_scans import (
    SCAN_BLOCK,
    byte_views,
    first_noncanonical_line,
    pages_behind,
    scan_positions,
)
from vostochny_summit.validation.span_index import Texts
from vostochny_summit.validation.string_scans import occurrences


def _first_difference(a: bytes, b: bytes) -> int | None:
    """1-based number of the first line where a and b differ (the slow, obvious reference)."""
    la, lb = a.split(b"\n"), b.split(b"\n")
    for i, (x, y) in enumerate(zip(la, lb), 1):
        if x != y:
            return i
    return None if len(la) == len(lb) else min(len(la), len(lb)) + 1


def _check(t, raw: bytes) -> int | None:
    cells = read_raw(raw).data
    return first_noncanonical_line(t, typed(t, cells, enforce_required=False), raw, cells)


@pytest.fixture(scope="module")
def places(pkg):
    t = pkg.table("places")
    return t, t.csv_path.read_bytes()


@pytest.fixture(scope="module")
def quotes(pkg):
    t = pkg.table("quotes")
    return t, t.csv_path.read_bytes()


def test_the_real_files_are_canonical(pkg):
    for t in pkg.tables.values():
        assert _check(t, t.csv_path.read_bytes()) is None, t.name


def _edit_line(raw: bytes, line: int, edit) -> bytes:
    lines = raw.split(b"\n")
    lines[line - 1] = edit(lines[line - 1])
    return b"\n".join(lines)


def _quote_first_cell(line: bytes) -> bytes:
    first, rest = line.split(b",", 1)
    return b'"' + first + b'",' + rest


SPELLINGS = {
    "needless quotes around an id": ("places", _quote_first_cell),
    "needless quotes around a code": ("places", lambda s: s.replace(b",RU,", b',"RU",', 1)),
    "needless quotes around a number": ("places", lambda s: s.replace(b",53.55,", b',"53.55",', 1)),
    "a leading zero": ("quotes", lambda s: s.replace(b",", b",0", 2).replace(b",0", b",", 1)),
    "a plus sign": ("quotes", lambda s: s.replace(b",", b",+", 2).replace(b",+", b",", 1)),
    "a float with a trailing zero": ("places", lambda s: s.replace(b",53.55,", b",53.550,", 1)),
    "a float with a capital exponent": ("places", lambda s: s.replace(b",53.55,", b",5.355E1,", 1)),
}


@pytest.mark.parametrize("name", sorted(SPELLINGS))
def test_every_noncanonical_spelling_is_found_at_its_line(pkg, name):
    table, edit = SPELLINGS[name]
    t = pkg.table(table)
    raw = t.csv_path.read_bytes()
    want_canonical = canonical_csv(t, typed(t, read_raw(raw).data)).encode()
    for line in (2, 3, len(raw.split(b"\n")) - 1):
        bad = _edit_line(raw, line, edit)
        if bad == raw:
            continue  # the edit does not apply to this line
        got = _check(t, bad)
        assert got == _first_difference(bad, want_canonical) == line, (name, line, got)


QUOTED_LINE_EDITS = {
    "needless quotes on a line with needed ones": lambda s: s.replace(b",vladimir-putin,", b',"vladimir-putin",', 1),
    "a quote inside an unquoted value": lambda s: s.replace(b",vladimir-putin,", b',vladimir"-putin,', 1),
    "both": lambda s: s.replace(b",vladimir-putin,", b',vladimir"-putin,', 1).replace(b",full-sentence,", b',"full-sentence",', 1),
}


@pytest.mark.parametrize("name", sorted(QUOTED_LINE_EDITS))
def test_lines_holding_quotes_are_compared_exactly(quotes, name):
    t, raw = quotes
    assert b'"' in raw.split(b"\n")[1]  # line 2 already holds quoted cells
    bad = _edit_line(raw, 2, QUOTED_LINE_EDITS[name])
    assert bad != raw
    canonical = canonical_csv(t, typed(t, read_raw(bad).data)).encode()
    assert _check(t, bad) == _first_difference(bad, canonical) == 2


def _mutate_quoting(line: str, rng: random.Random) -> str:
    """One random change to the quoting of a CSV line: a '"' added, dropped, doubled or moved, a cell quoted or
    unquoted, a closing quote moved into the next cell's text (`"a,"b`), a comma added inside a quoted cell."""
    quotes = [i for i, c in enumerate(line) if c == '"']
    commas = [i for i, c in enumerate(line) if c == ","]
    at = rng.randrange(len(line) + 1)
    kind = rng.randrange(7)
    if kind == 0:
        return line[:at] + '"' + line[at:]
    if kind == 1 and quotes:
        q = rng.choice(quotes)
        return line[:q] + line[q + 1:]
    if kind == 2 and quotes:
        q = rng.choice(quotes)
        return line[:q] + '"' + line[q:]
    if kind == 3 and quotes:
        q = rng.choice(quotes)
        shift = rng.choice([-3, -1, 1, 2, 5])
        rest = line[:q] + line[q + 1:]
        to = min(max(q + shift, 0), len(rest))
        return rest[:to] + '"' + rest[to:]
    if kind == 4 and commas:  # quote the cell after a comma
        c = rng.choice(commas)
        end = line.find(",", c + 1)
        end = len(line) if end < 0 else end
        return line[:c + 1] + '"' + line[c + 1:end] + '"' + line[end:]
    if kind == 5 and len(quotes) >= 2:  # drop a pair of quotes
        q = rng.randrange(len(quotes) - 1)
        a, b = quotes[q], quotes[q + 1]
        return line[:a] + line[a + 1:b] + line[b + 1:]
    if kind == 6 and len(quotes) >= 2:
        q = rng.randrange(len(quotes) - 1)
        inside = rng.randrange(quotes[q] + 1, quotes[q + 1] + 1)
        return line[:inside] + "," + line[inside:]
    return line[:at] + '"' + line[at:]


@pytest.mark.parametrize("batch", [None, 2])
@pytest.mark.parametrize("table", ["quotes", "claims", "events", "places"])
def test_canonical_check_agrees_with_rendering_under_random_quoting(pkg, table, batch, monkeypatch):
    """Whatever the quoting of a line, as long as the file still parses and types: the first line the fast check
    reports is the first line that differs from canonical_csv (the slow, obvious reference); also when the lines it
    renders are rendered two at a time (byte_scans.RENDER_BATCH) and its rows are settled three at a time
    (byte_scans.ROW_BATCH)."""
    from vostochny_summit.tabular import first_out_of_order
    from vostochny_summit.validation import byte_scans

    if batch:
        monkeypatch.setattr(byte_scans, "RENDER_BATCH", batch)
        monkeypatch.setattr(byte_scans, "ROW_BATCH", batch + 1)

    t = pkg.table(table)
    lines = t.csv_path.read_bytes().decode("utf-8").split("\n")
    rng = random.Random(table)
    outcomes = {"canonical": 0, "not canonical": 0}
    for _ in range(150):
        edited = list(lines)
        for _ in range(rng.choice([1, 1, 2])):
            i = rng.randrange(1, len(lines) - 1)
            edited[i] = _mutate_quoting(edited[i], rng)
        bad = "\n".join(edited).encode("utf-8")
        parsed = read_raw(bad)
        if parsed.error or parsed.ragged_rows or parsed.header != t.field_names:
            continue
        try:
            data = typed(t, parsed.data, enforce_required=False)
        except (pa.ArrowInvalid, ValueError):
            continue
        if first_out_of_order(t, data) is not None:
            continue  # an edit changed the key order: the reference would then differ wherever the rows move to
        want = _first_difference(bad, canonical_csv(t, data).encode())
        assert first_noncanonical_line(t, data, bad, parsed.data) == want, (table, want)
        outcomes["canonical" if want is None else "not canonical"] += 1
    assert outcomes["not canonical"] >= 50 and outcomes["canonical"] >= 1, outcomes


@pytest.mark.parametrize("table", ["claim_evidence", "events"])
def test_canonical_rows_settled_in_batches_give_the_line_of_one_batch(pkg, table, monkeypatch):
    """The canonical check settles ROW_BATCH rows at a time and stops at the first batch with a line out of form; a
    row out of key order counts wherever it is. With batches of 4 rows, a spoilt line and a pair of rows swapped,
    each placed before, inside or after the other's batch, give the line that one batch gives."""
    from vostochny_summit.validation import byte_scans

    t = pkg.table(table)
    raw = t.csv_path.read_bytes()
    lines = raw.split(b"\n")
    quoted = [n for n, line in enumerate(lines[1:-1], 2) if b'"' in line and b'""' not in line]
    spoil = quoted[len(quoted) // 2]

    def first_line(data: bytes, batch: int):
        monkeypatch.setattr(byte_scans, "ROW_BATCH", batch)
        cells = read_raw(data).data
        return first_noncanonical_line(t, typed(t, cells, enforce_required=False), data, cells)

    seen = set()
    for swap, spoilt in [(s, True) for s in (spoil - 9, spoil - 1, spoil + 1, spoil + 6, None)] + [(spoil + 6, False)]:
        edited = _edit_line(raw, spoil, _quote_first_cell) if spoilt else raw
        if swap is not None:
            rows = edited.split(b"\n")
            rows[swap - 1], rows[swap] = rows[swap], rows[swap - 1]  # lines swap and swap + 1 (1-based)
            edited = b"\n".join(rows)
        want = first_line(edited, 1 << 30)
        assert first_line(edited, 4) == want, (swap, want)
        seen.add(want)
    assert first_line(raw, 4) is None and len(seen) >= 4 and None not in seen, seen


def test_canonical_batches_let_the_pages_they_read_go(pkg, tmp_path, monkeypatch):
    """A mapped file's pages leave this process's memory behind the canonical check's first scan, and again behind
    each batch of rows (whose quoted and rendered lines it reads again): each batch's lines, from the LF before its
    first row to the LF after its last, where the next batch's lines begin (pages_behind keeps the page holding that
    LF); the answer is the same."""
    import mmap

    from vostochny_summit.validation import byte_scans

    t = pkg.table("claim_evidence")
    raw = t.csv_path.read_bytes()
    path = tmp_path / "claim_evidence.csv"
    path.write_bytes(raw)
    cells = read_raw(raw).data
    data = typed(t, cells, enforce_required=False)
    calls = []
    monkeypatch.setattr(byte_scans, "pages_behind", lambda m: lambda s, e: calls.append((s, e)))
    monkeypatch.setattr(byte_scans, "SCAN_BLOCK", 1 << 30)  # one block: the scan's one call comes first
    monkeypatch.setattr(byte_scans, "ROW_BATCH", 64)
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        assert first_noncanonical_line(t, data, mapped, cells) is None
    scan, batches = calls[0], calls[1:]
    assert scan == (0, len(raw))
    ends = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == 10).tolist()  # the LF of the header, then of each row
    want = [(ends[lo], ends[min(lo + 64, len(ends) - 1)]) for lo in range(0, len(ends) - 1, 64)]
    assert len(want) > 3 and batches == want


def _in_chunks(data: pa.Table, rows: int) -> pa.Table:
    return pa.Table.from_batches(data.to_batches(max_chunksize=rows))


@pytest.mark.parametrize("table, kind", [("claim_evidence", "quoting only"), ("claims", "quoting only"),
                                         ("events", "a quote inside")])
def test_quoted_lines_are_checked_chunk_by_chunk_without_copying_the_texts(pkg, table, kind, monkeypatch):
    """A large CSV reads into many chunks. Of the lines that hold a '"', those whose every '"' quotes a cell have their
    comma cells counted from each text column's buffers, chunk by chunk: taking those rows first would copy every
    chunk of each column into one array (a 147 MiB transient at 1 M rows), and an Arrow pool that records its peak
    holds them to that. Lines with a '"' inside a value are rendered from their rows, filtered chunk by chunk (the
    rendering outweighs the copy, so there only the line is held). Each finds the line a needless pair of
    quotes spoils. Rendered a few rows at a time (byte_scans.RENDER_BATCH), the lines held stay few too."""
    from vostochny_summit.validation import byte_scans

    monkeypatch.setattr(byte_scans, "RENDER_BATCH", 4)
    monkeypatch.setattr(byte_scans, "ROW_BATCH", 7)
    t = pkg.table(table)
    raw = t.csv_path.read_bytes()
    lines = raw.split(b"\n")
    quoted = [n for n, line in enumerate(lines[1:-1], 2) if b'"' in line and (b'""' in line) == (kind == "a quote inside")]
    assert len(quoted) > 10
    line = quoted[len(quoted) // 2]
    spoilt = _edit_line(raw, line, _quote_first_cell)
    texts = sum(read_raw(raw).data.column(f.name).nbytes for f in t.fields if f.type == "string")
    for data, want in ((raw, None), (spoilt, line)):
        cells = read_raw(data).data
        typed_data = _in_chunks(typed(t, cells, enforce_required=False), 8)
        pool, default = pa.proxy_memory_pool(pa.default_memory_pool()), pa.default_memory_pool()
        pa.set_memory_pool(pool)
        try:
            got = first_noncanonical_line(t, typed_data, data, _in_chunks(cells, 8))
        finally:
            pa.set_memory_pool(default)
        assert got == want
        assert pool.max_memory() < texts / 2, (pool.max_memory(), texts)


def test_blank_line_and_crlf_are_found(places):
    t, raw = places
    lines = raw.split(b"\n")
    assert _check(t, b"\n".join(lines[:3] + [b""] + lines[3:])) is not None
    assert _check(t, raw.replace(b"\n", b"\r\n")) is not None


def test_byte_views_slice_without_copying():
    buf = "ab“cd”é long enough to be stored out of line".encode()
    offsets = [0, 2, 5, 0, 3]
    lengths = [2, 3, 0, len(buf), 20]
    views = byte_views(buf, offsets, lengths)
    assert views.to_pylist() == [buf[o:o + n] for o, n in zip(offsets, lengths)]


def test_byte_views_equal_the_slices_they_name_anywhere_in_the_buffer():
    """Random slices, near the buffer's end too, long and inline: each view reads as its slice, and compares equal to
    an Arrow array of the same values (an inline value's unused bytes must be zeros for that)."""
    rng = random.Random(5)
    for _ in range(400):
        buf = bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))
        slices = [(o, rng.randint(0, len(buf) - o)) for o in (rng.randint(0, len(buf)) for _ in range(rng.randint(0, 12)))]
        views = byte_views(buf, [o for o, _ in slices], [n for _, n in slices])
        want = pa.array([buf[o:o + n] for o, n in slices], pa.binary())
        assert views.to_pylist() == want.to_pylist()
        assert pc.all(pc.equal(views, want.cast(pa.binary_view()))).as_py() is not False, (buf, slices)


def test_occurrences_of_a_mark_are_found_from_the_buffers():
    """occurrences against Python: per value, how often the mark occurs and the byte position of the first one in
    its chunk's data. Marks at the start, the end, twice or not at all, empty values, nulls (whose slot may still
    hold bytes), characters beyond ASCII and a mark of three bytes, sliced and chunked arrays, large strings."""
    rng = random.Random(9)
    for mark in (",", "“"):
        for _ in range(300):
            values = [rng.choice([None, "", ",", "a,b", "ab,", ",ab", "a,,b", "abc", "é,漢", "😀", "“a”", "“,“"])
                      for _ in range(rng.randint(0, 12))]
            whole = pa.array(values, rng.choice([pa.string(), pa.large_string()]))
            start = rng.randint(0, len(values))
            part = whole.slice(start)  # an offset into the buffers
            cut = rng.randint(0, len(part))
            chunks = [part.slice(0, cut), part.slice(cut)]
            count, first = occurrences(pa.chunked_array(chunks, part.type), mark)
            want_count, want_first = [], []
            for chunk in chunks:
                offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64 if chunk.type == pa.large_string() else np.int32)
                for i, v in enumerate(chunk.to_pylist()):
                    at = offsets[chunk.offset + i]
                    want_count.append(0 if v is None else v.count(mark))
                    want_first.append(-1 if v is None or mark not in v else at + len(v[:v.index(mark)].encode()))
            assert count.tolist() == want_count and first.tolist() == want_first, (mark, values[start:])
    # a null slot that holds bytes, beside a value: its validity decides
    offsets = pa.py_buffer(np.array([0, 3, 5], np.int32))
    nulled = pa.Array.from_buffers(pa.string(), 2, [pa.py_buffer(b"\x02"), offsets, pa.py_buffer(b"a,bc,")], 1)
    assert [x.tolist() for x in occurrences(pa.chunked_array([nulled]), ",")] == [[0, 1], [-1, 4]]


def test_span_check_agrees_with_python_slicing():
    rng = random.Random(7)
    alphabet = "ab c,“”’—é漢😀\n"
    texts = {f"s{i}": "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for i in range(5)}
    index = Texts(texts)
    rows = []
    for _ in range(3000):
        sid = rng.choice(list(texts) + ["unknown"])
        body = texts.get(sid, "")
        s, e = rng.randint(-2, len(body) + 2), rng.randint(-2, len(body) + 2)
        text = body[max(s, 0):max(e, 0)]
        if rng.random() < 0.3:  # corrupt: shift, change a character, or drop one
            text = rng.choice([body[max(s + 1, 0):max(e + 1, 0)], text[:-1], text.replace("“", '"'), text + "x"])
        rows.append((sid, s, e, text))
    sids, starts, ends, spans = zip(*rows)
    ok = index.verify(index.source_index(pa.array(sids)), np.array(starts), np.array(ends), pa.chunked_array([pa.array(spans)]))
    want = [sid in texts and 0 <= s < e <= len(texts[sid]) and texts[sid][s:e] == t for sid, s, e, t in rows]
    assert ok.tolist() == want
    assert 0 < sum(want) < len(want)


def test_hygiene_suspects_agrees_with_the_rules():
    from vostochny_summit.validation.string_scans import hygiene_suspects

    blank = "\t\n\x0b\x0c\r \xa0"
    rng = random.Random(11)
    alphabet = ["a", "é", "漢", "😀", "\xa0", " ", "=", "-", "Р", "\u2003"]  # Р ends in byte A0, like NBSP; U+2003 is not a rule's blank

    def breaks(v, whitespace, formula):
        return v == "" or (whitespace and (v[0] in blank or v[-1] in blank)) or (formula and v[0] in "=+-@\t\r")

    for _ in range(400):
        values = [None if rng.random() < 0.1 else "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 3))) for _ in range(5)]
        column = pa.chunked_array([pa.array(values[:2], pa.string()), pa.array(values, pa.string()).slice(2)])
        for whitespace in (True, False):
            for formula in (True, False):
                want = any(v is not None and breaks(v, whitespace, formula) for v in values)
                assert hygiene_suspects(column, whitespace, formula) == want, (values, whitespace, formula)


def test_hygiene_rules_in_sql_read_as_the_codebook_says():
    """The empty-string, whitespace and formula-cell rules as DuckDB runs them (--exhaustive runs them on every cell)
    flag exactly the values the codebook's definition flags: first or last code point a blank, first a formula sign."""
    from types import SimpleNamespace

    import duckdb

    from vostochny_summit.validation.cells import string_rules

    blank = "\t\n\x0b\x0c\r \xa0"
    alphabet = ["a", "é", "漢", "😀", "\xa0", " ", "\n", "\r", "\t", "=", "+", "-", "@", "Р", "\u2003", "\u0301", "\\", "$"]
    rng, con = random.Random(12), duckdb.connect()
    values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4))) for _ in range(3000)] + [None]
    con.register("t", pa.table({"c": pa.array(values, pa.string())}))
    want = {"empty-string": lambda v: v == "", "whitespace": lambda v: v != "" and (v[0] in blank or v[-1] in blank),
            "formula-cell": lambda v: v != "" and v[0] in "=+-@\t\r"}
    rules = string_rules(SimpleNamespace(name="c", type="string", model=None))  # a string field of no span
    assert sorted(r.code for r in rules) == sorted(want)
    for rule in rules:
        flagged = [v for (v,) in con.execute(f"SELECT c FROM t WHERE {rule.cond}").fetchall()]
        expected = [v for v in values if v is not None and want[rule.code](v)]
        assert sorted(flagged) == sorted(expected), rule.code
        assert expected, rule.code  # the sample holds values of each kind


@pytest.mark.parametrize("at_once", [None, 2])
def test_sentence_coverage_agrees_with_the_obvious_loop(monkeypatch, at_once):
    """uncovered against the obvious loop, its sentences looked up all at once and two at a time."""
    from vostochny_summit.validation import span_index
    from vostochny_summit.validation.span_index import uncovered

    if at_once:
        monkeypatch.setattr(span_index, "SENTENCES_AT_ONCE", at_once)
    rng = random.Random(5)
    for _ in range(60):
        sources = rng.randint(1, 4)
        sentences = [(src, s, s + rng.randint(1, 9)) for src in range(sources) for s in sorted(rng.sample(range(40), rng.randint(0, 6)))]
        spans = [(rng.randrange(sources), rng.randint(-5, 45), rng.randint(-5, 60)) for _ in range(rng.randint(0, 8))]
        want = [not any(a == src and cs < e and ce > s for a, cs, ce in spans) for src, s, e in sentences]
        arrays = [np.array([row[i] for row in rows], dtype=np.int64) for rows in (sentences, spans) for i in range(3)]
        assert uncovered(*arrays).tolist() == want, (sentences, spans)


def test_tables_kept_for_the_checks_across_tables_hold_each_column_they_read_once(pkg):
    """After a table's own checks, only the columns a check across tables reads stay; a typed column stays as text
    only in a key (or with --exhaustive, whose queries read text); the row numbers go, and come back, 1 to n, in the
    table registered for SQL."""
    from types import SimpleNamespace

    from vostochny_summit.validation import roles
    from vostochny_summit.validation.byte_scans import row_numbers, with_row_numbers
    from vostochny_summit.validation.table_schema import TableState, slim

    t = pkg.table("claim_evidence")
    cells = read_raw(t.csv_path.read_bytes()).data
    raw = cells.append_column("__row", row_numbers(cells.num_rows))
    state = TableState(raw, typed(t, cells, enforce_required=False))
    across, keys = roles.read_across_tables(pkg, t), roles.key_columns(pkg, t)
    dropped = [f.name for f in t.fields if f.name not in across]
    numbers = [f.name for f in t.fields if f.name in across and f.type == "integer"]
    assert dropped and numbers and set(numbers) & keys and set(numbers) - keys  # the case has each kind of column
    kept = slim(state, pkg, t, SimpleNamespace(exhaustive=False))
    assert kept.typed.column_names == [f.name for f in t.fields if f.name in across]
    assert kept.raw.column_names == [c for c in kept.typed.column_names if c not in set(numbers) - keys]
    for c in kept.raw.column_names:
        assert kept.raw.column(c).equals(raw.column(c))
    assert with_row_numbers(kept.raw).column("__row").equals(raw.column("__row"))
    assert with_row_numbers(raw) is raw
    exhaustive = slim(state, pkg, t, SimpleNamespace(exhaustive=True))
    assert exhaustive.raw.column_names == kept.typed.column_names  # every kept column as text too
    untyped = slim(TableState(raw, None), pkg, t, SimpleNamespace(exhaustive=False))
    assert untyped.typed is None and untyped.raw.column_names == kept.typed.column_names


def test_coverage_reads_complete_span_offsets_without_copying_them(pkg):
    """The coverage check takes each table's span columns as they are when no offset is missing (a filter copied all
    three for nothing: the check's transient at 10.9 M rows was 140 MiB, now under 82), and drops the rows whose
    offset is missing when one is."""
    from types import SimpleNamespace

    from vostochny_summit.tabular import read_typed
    from vostochny_summit.validation import roles
    from vostochny_summit.validation.coverage import _spans

    names = roles.coverage_tables(pkg)
    states = {n: SimpleNamespace(typed=read_typed(pkg.table(n))) for n in names}
    ctx = SimpleNamespace(pkg=pkg, output=lambda _kind, n: states[n], screens=True, drop_pages=None)
    parts = list(_spans(ctx, names))
    assert [p.num_rows for p in parts] == [s.typed.num_rows for s in states.values()]  # a part per table, unbounded
    for got, n in zip(parts, names):
        want = states[n].typed.column(roles.span_columns(pkg.table(n)).start).chunks[0]
        assert got.column("cs").chunks[0].buffers()[1].address == want.buffers()[1].address  # the same memory, not a copy
    c = roles.span_columns(pkg.table(names[0]))
    first = states[names[0]].typed
    states[names[0]] = SimpleNamespace(typed=first.set_column(first.schema.get_field_index(c.start), c.start,
                                                              pa.array([None] + first.column(c.start).to_pylist()[1:], pa.int64())))
    assert sum(p.num_rows for p in _spans(ctx, names)) == sum(p.num_rows for p in parts) - 1


@pytest.mark.parametrize("order", ["any", "canonical"])
def test_claim_status_column_agrees_with_the_rule(monkeypatch, order):
    """The rule build and validate use gives what a row-at-a-time reading of CURATION.md §7 gives; a missing claim id
    matches the evidence rows without one, a repeated id gets its status at every row, evidence of no claim (c9) and
    a package without claims or evidence count nowhere. In canonical order (claims by id, evidence by claim, every
    claim with evidence, as in a valid package) the claims are matched to their evidence's runs, not hashed: that
    way is taken, and gives the same; in order but with a claim twice, or evidence of another claim, it is not."""
    from vostochny_summit import derive
    from vostochny_summit.derive import claim_status_column

    from .oracles import claim_status

    sorted_way = []
    real = derive._same_sorted_keys
    monkeypatch.setattr(derive, "_same_sorted_keys", lambda *a: (lambda r: sorted_way.append(r is not None) or r)(real(*a)))
    rng = random.Random(3)
    for _ in range(200):
        sources = {f"s{i}": rng.choice(["g1", "g2", "g3"]) for i in range(rng.randint(1, 4))}  # a group is required
        claims = [f"c{i}" for i in range(rng.randint(0, 5))]
        stance = lambda: rng.choice(["supports", "refutes", "qualifies"])  # noqa: E731
        relay = lambda: rng.choice([None, None, "g1", "g2", "elsewhere"])  # noqa: E731
        if order == "canonical":
            rows = sorted(((c, rng.choice(list(sources) + ["unknown"]), stance(), relay())
                          for c in claims for _ in range(rng.randint(1, 3))), key=lambda r: r[0])
            if claims and rng.random() < 0.25:  # in order still, but the last claim's evidence names c9 instead
                rows = [("c9", *r[1:]) if r[0] == claims[-1] else r for r in rows]
            elif claims and rng.random() < 0.3:  # in order still, a claim twice and evidence of c9 too
                claims.insert(0, claims[0])
                rows += [("c9", "s0", "supports", None)]
        else:
            claims += rng.sample([None, *claims[:1]], rng.randint(0, min(2, len(claims) + 1)))  # a missing id, a repeated one
            rng.shuffle(claims)
            rows = [(rng.choice(claims + ["c9"]), rng.choice(list(sources) + ["unknown"]), stance(), relay())
                    for _ in range(rng.randint(0, 10))]
        want = claim_status(rows, sources)
        evidence = pa.table({k: pa.array([r[i] for r in rows], pa.string())
                             for i, k in enumerate(("claim_id", "source_id", "stance", "attributed_org_id"))})
        src = pa.table({"source_id": pa.array(list(sources), pa.string()),
                        "independence_group": pa.array(list(sources.values()), pa.string())})
        ids = pa.chunked_array([pa.array(claims[:1], pa.string()), pa.array(claims[1:], pa.string())])  # two chunks
        if order == "canonical":
            evidence = pa.Table.from_batches(evidence.to_batches(max_chunksize=rng.randint(1, 4)), evidence.schema)
        got = claim_status_column(ids, evidence, src).to_pylist()
        assert got == [want.get(c, "single-source") for c in claims], (rows, sources)
    assert sorted_way.count(order == "canonical") > 80, sorted_way.count(True)


def test_distinct_rows_are_the_same_at_every_size():
    """screens.distinct_rows (the reference and event-date checks judge each distinct combination, not each row): the
    first row of each distinct row code, or where the codes would overflow, a set of the rows below 100 k rows and
    Arrow's group-by above; each gives every distinct combination, nulls included."""
    import numpy as np

    from vostochny_summit.validation import screens
    from vostochny_summit.validation.screens import distinct_rows

    rng = random.Random(7)
    qids = [None, "Q1", "Q2", "Q10"]
    for n in (0, 7, 100_000, 150_001):
        rows = [(rng.choice(qids), rng.choice([None, 0.5, 1.0])) for _ in range(n)]
        t = pa.table({"qid": pa.array([r[0] for r in rows], pa.string()), "conf": pa.array([r[1] for r in rows], pa.float64())})
        assert distinct_rows(t, ["qid", "conf"]) == set(rows), n
    gen = np.random.default_rng(7)
    for n in (10_000, 100_001):  # six columns of thousands of values each: more combinations than the codes hold
        cols = [gen.integers(0, n // 2, n) for _ in range(6)]
        for c in cols:
            c[-1] = c[0]  # the last row repeats the first
        t = pa.table({f"c{i}": pa.array(c, pa.int64(), mask=(np.arange(n) % 3 == 0) & (i == 0)) for i, c in enumerate(cols)})
        assert screens._row_codes(t.columns) is None
        assert distinct_rows(t, t.column_names) == set(zip(*(c.to_pylist() for c in t.columns))), n


def test_distinct_lets_each_column_go_once_coded_and_still_finds_a_repeat():
    """screens.distinct with drop (a bounded run's spill.drop_pages, table_schema._finish): drop is called once after
    each column is coded, before the next column's values are read, and the answer is the one without it."""
    from vostochny_summit.validation import screens

    cols = [pa.chunked_array([["a", "b"], ["a"]]), pa.chunked_array([["1", "1"], ["2"]]), pa.chunked_array([["x", "y", "x"]])]
    seen = []

    def drop():
        seen.append(len(seen))

    assert screens.distinct(cols, drop) and screens.distinct(cols)
    assert seen == [0, 1, 2]
    repeated = [cols[0], pa.chunked_array([["1", "1"], ["1"]]), cols[2]]  # rows 1 and 3 are equal
    assert not screens.distinct(repeated, drop) and not screens.distinct(repeated)
    assert len(seen) == 6


def test_texts_of_one_sha256_are_held_once_and_each_source_reads_its_own():
    """span_index.Texts holds each distinct text once (first_copies), in memory and in a spill: copies of a text
    verify their spans, read their characters and decode as their own, in any order among the other texts."""
    from vostochny_summit.validation.spill import Spill

    body, other = "Kim – Putin «Восточный» 😀 met.", "Another text."
    ids, texts = ["a", "b", "c", "d", "e"], [body, other, body, "", body]
    encoded, points = [t.encode() for t in texts], [len(t) for t in texts]
    spill = Spill()
    try:
        for index in (Texts({i: t for i, t in zip(ids, texts)}), Texts.from_utf8(ids, encoded, points),
                      Texts.from_utf8(ids, iter(encoded), points, spill)):
            assert bytes(index.buffer) == (body + other).encode()  # each distinct text once, the empty one adds nothing
            assert [index.text(i) for i in ids] == texts
            k = index.source_index(pa.array(["e", "c", "b", "a", "d", "e"]))
            start, end = np.array([12, 0, 0, 4, 0, 24]), np.array([23, 3, 7, 5, 1, 25])
            spans = pa.chunked_array([pa.array(["«Восточный»", "Kim", "Another", "–", "", "😀"])])
            assert index.verify(k, start, end, spans).tolist() == [True, True, True, True, False, True]
            wrong = pa.chunked_array([pa.array(["«Восточный»", "Kim", "Anothe", "-", "", "😀"])])
            assert index.verify(k, start, end, wrong).tolist() == [True, True, False, False, False, True]
            valid = np.ones(3, dtype=bool)
            assert index.chars_at(k[:3], np.array([24, 4, 8]), valid).to_pylist() == ["😀".encode(), "–".encode(), b"t"]
            assert index.sentences(0)[0] == index.sentences(2)[0] == index.sentences(4)[0] != index.sentences(1)[0]
            del index
    finally:
        spill.close()


def test_a_scan_lets_each_block_of_a_mapped_file_go_and_still_reads_it_whole(tmp_path):
    """scan_positions calls `behind` once per block, in order, covering the buffer exactly; pages_behind drops a
    mapped file's pages (madvise) without changing what the map reads, and gives no call for bytes in memory."""
    import mmap

    from vostochny_summit.tabular import map_file

    assert SCAN_BLOCK % mmap.PAGESIZE == 0  # madvise takes page-aligned starts only
    rng = random.Random(7)
    data = bytes(rng.choice(b'ab,"\n\r') for _ in range(2 * SCAN_BLOCK + 12345))
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    m = map_file(path)
    seen = []
    drop = pages_behind(m)
    assert drop is not None and pages_behind(data) is None

    def behind(start, end):
        seen.append((start, end))
        drop(start, end)

    buf = np.frombuffer(m, dtype=np.uint8)
    got = scan_positions(buf, lambda b: b == 10, lambda b: b == 13, behind=behind)
    want = scan_positions(np.frombuffer(data, dtype=np.uint8), lambda b: b == 10, lambda b: b == 13)
    assert [g.tolist() for g in got] == [w.tolist() for w in want]
    assert seen == [(0, SCAN_BLOCK), (SCAN_BLOCK, 2 * SCAN_BLOCK), (2 * SCAN_BLOCK, len(data))]
    assert m[:] == data  # the dropped pages read back from the file
    del buf
    m.close()


def test_pages_behind_lets_whole_pages_go_and_keeps_the_page_where_the_next_range_begins(tmp_path):
    """madvise takes whole pages from a page-aligned start: behind(start, end) lets go the pages from the one holding
    start up to the one holding end, which the next range still reads; nothing when both fall in one page."""
    import mmap

    class Recorded(mmap.mmap):
        def madvise(self, *args):
            calls.append(args)

    page, calls = mmap.PAGESIZE, []
    path = tmp_path / "f.csv"
    path.write_bytes(b"x" * (5 * page))
    with open(path, "rb") as fh, Recorded(fh.fileno(), 0, access=mmap.ACCESS_READ) as m:
        behind = pages_behind(m)
        behind(page + 10, 3 * page + 7)
        behind(3 * page + 7, 3 * page + 900)
        behind(0, 5 * page)
    assert calls == [(mmap.MADV_DONTNEED, page, 2 * page), (mmap.MADV_DONTNEED, 0, 5 * page)]


def test_a_large_file_parsed_in_slices_gives_the_whole_parse_and_lets_each_slice_go(tmp_path, monkeypatch):
    """read_raw with `behind` (the file check, on a map) parses PARSE_SLICE bytes at a time, each slice ending at a line
    end: the same table as one parse, with `behind` called on page-aligned ranges that together cover the file. A
    ragged row falls back to the whole parse, which alone numbers it; first_byte finds a CR beyond the first block."""
    import mmap

    from vostochny_summit import tabular
    from vostochny_summit.tabular import map_file
    from vostochny_summit.validation.byte_scans import first_byte

    rng = random.Random(11)
    texts, numbers = ['a', '"b,c"', '"d""e"', ''], ['', '7', 'x y']  # as a CSV writes them
    rows = [f"r{i:06d},{rng.choice(texts)},{rng.choice(numbers)}\n" for i in range(20_000)]
    path = tmp_path / "t.csv"
    path.write_text("id,text,n\n" + "".join(rows), encoding="utf-8")
    monkeypatch.setattr(tabular, "PARSE_SLICE", 3 * mmap.PAGESIZE + 17)  # slices that end mid-page and mid-line
    m = map_file(path)
    seen = []
    drop = pages_behind(m)
    whole = read_raw(path)
    sliced = read_raw(m, behind=lambda start, end: (seen.append((start, end)), drop(start, end)))
    assert sliced.header == whole.header == ["id", "text", "n"] and not sliced.ragged_rows
    assert sliced.data.equals(whole.data) and sliced.data.num_rows == 20_000
    assert len(seen) > 10 and seen[0][0] == 0 and seen[-1][1] == len(m)
    assert all(a[1] == b[0] and m[a[1] - 1:a[1]] == b"\n" for a, b in zip(seen, seen[1:]))  # slices end at line ends
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("id,text,n\n" + "".join(rows[:15_000]) + "r9,x\n" + "".join(rows[15_000:]), encoding="utf-8")
    r = read_raw(map_file(ragged), behind=lambda start, end: None)
    assert r.ragged_rows == read_raw(ragged).ragged_rows == [(15_001, 2)]
    broken = tmp_path / "broken.csv"  # invalid UTF-8 in a later slice: worded as for the whole file
    broken.write_bytes(("id,text,n\n" + "".join(rows)).encode() + b"r999999,\xff\xfe,1\n")
    assert read_raw(map_file(broken), behind=lambda start, end: None).error == read_raw(broken).error is not None
    assert first_byte(m, b"\r") == -1
    crlf = tmp_path / "cr.csv"
    crlf.write_bytes(b"a\n" * SCAN_BLOCK + b"b\r\n")
    assert first_byte(map_file(crlf), b"\r", pages_behind(map_file(crlf))) == 2 * SCAN_BLOCK + 1
    del m


def test_sentence_ranges_search_all_sources_at_once_as_each_alone():
    """quote_event._sentence_ranges, one search over every source's sentences laid end to end, against the search in
    each source's own sentences: spans inside, across, before and beyond a text, empty and reversed ones, unknown
    sources, sources without sentences, the empty sentence (0, 0) that stands for none, and sources sharing one
    text's arrays."""
    from vostochny_summit.validation.quote_event import _sentence_ranges

    rng = np.random.default_rng(3)
    for _ in range(300):
        bounds = {}
        for k in rng.choice(8, size=rng.integers(0, 6), replace=False).tolist():
            cuts = np.sort(rng.choice(np.arange(0, 40), size=2 * rng.integers(0, 5), replace=False))
            bounds[k] = (cuts[0::2].astype(np.int64), cuts[1::2].astype(np.int64))
            if not len(cuts) and rng.random() < 0.5:  # what check_quote_event gives a text without sentences
                bounds[k] = (np.zeros(1, np.int64), np.zeros(1, np.int64))
            if bounds and rng.random() < 0.3:  # a copy of a text: the same arrays (Texts.sentences), laid out once
                bounds[k] = bounds[rng.choice(sorted(bounds)).item()]
        n = int(rng.integers(0, 30))
        source = rng.integers(-2, 10, size=n)
        start, end = rng.integers(-3, 50, size=n), rng.integers(-3, 50, size=n)
        first, last = _sentence_ranges(bounds, source, start, end)
        for i in range(n):
            want = (0, -1)
            if source[i] in bounds and 0 <= start[i] < end[i]:
                s, e = bounds[int(source[i])]
                want = (int(np.searchsorted(e, start[i], side="right")), int(np.searchsorted(s, end[i], side="left")) - 1)
            assert (first[i], last[i]) == want, (bounds, source[i], start[i], end[i])


def test_spans_compared_in_batches_report_what_one_batch_and_the_exhaustive_path_report(package_copy, monkeypatch):
    """The span check compares SPAN_BATCH rows at a time (its arrays held for a batch, not the table): with batches of
    7 rows, broken spans in several batches are reported at the same rows, with the same values, as in one batch and
    as by --exhaustive."""
    from vostochny_summit.validation import spans, validate

    from .helpers import read_rows, write_rows

    rows = read_rows(package_copy, "mentions")
    for i in (0, 6, 7, 150, len(rows) - 1):  # a batch's first and last rows, one inside, the table's last
        rows[i]["text"] = rows[i]["text"] + "x"
    write_rows(package_copy, "mentions", rows)
    codes = ["span-text", "span-bounds", "span-cuts-word"]
    one = [p.line() for p in validate(package_copy, pick=codes)]
    monkeypatch.setattr(spans, "SPAN_BATCH", 7)
    batched = [p.line() for p in validate(package_copy, pick=codes)]
    exhaustive = [p.line() for p in validate(package_copy, pick=codes, exhaustive=True)]
    assert batched == one == exhaustive
    assert sorted(int(line.split(" line ")[1].split(" ")[0]) for line in one if "mentions.csv" in line) == [2, 8, 9, 152, len(rows) + 1]


def test_a_noncanonical_line_is_reported_from_that_line_alone(pkg, package_copy, monkeypatch):
    """The not-canonical report shows the file's line and the canonical line at the first difference: canonical_line
    and file_line give exactly what the whole rendering and the whole file, split into lines, give at that line (in
    key order or not, an empty table, the text after the last LF, beyond the end, a bad byte), and the check renders
    no other line: a misplaced row of a large table once cost seconds and a gigabyte of Python strings."""
    from vostochny_summit.validation import canonical, validate
    from vostochny_summit.validation.canonical import canonical_line, file_line

    t = pkg.table("claims")
    data = typed(t, read_raw(t.csv_path).data, enforce_required=False)
    shuffled = data.take(list(range(data.num_rows))[::-1][:40] + list(range(data.num_rows - 40)))
    for rows in (data, shuffled, data.slice(0, 0)):
        whole = canonical_csv(t, rows).split("\n")
        for line in range(1, rows.num_rows + 4):
            assert canonical_line(t, rows, line) == (whole[line - 1] if line <= len(whole) else None), line
    for raw in (b"a,b\n1,\xff2\n3,4\n", b"a,b\n1,2", b"", b"\n\n"):
        lines = raw.decode("utf-8", "replace").split("\n")
        for line in range(1, len(lines) + 3):
            assert file_line(raw, line) == (lines[line - 1] if line <= len(lines) else "(end of file)"), (raw, line)
    path = package_copy / "data" / "claims.csv"
    head, *rows = path.read_bytes().split(b"\n")
    rows[3], rows[7] = rows[7], rows[3]  # two rows out of key order
    path.write_bytes(b"\n".join([head, *rows]))
    have, want = path.read_text(encoding="utf-8").split("\n"), canonical_csv(t, data).split("\n")
    monkeypatch.setattr(canonical, "canonical_csv", lambda *a, **k: pytest.fail("rendered the whole table"))
    found = validate(package_copy, pick=["not-canonical"])
    line = 6  # the first row that sorts before the row above it (the canonical check's first line out of order)
    assert [(p.value, p.expected) for p in found] == [(have[line - 1], f"canonical form at line {line}: {want[line - 1]!r}")]


def test_parquet_of_a_table_out_of_key_order_is_compared_in_key_order_batch_by_batch(package_copy, monkeypatch):
    """A CSV whose rows are out of key order (the canonical check reports it) is compared with its Parquet file in key
    order, a batch's rows taken at a time: two rows swapped leave the Parquet file current; a value changed besides
    makes exactly its column stale, however the batches fall."""
    from vostochny_summit.validation import parquet, validate

    path = package_copy / "data" / "claims.csv"
    head, *rows = path.read_bytes().split(b"\n")
    rows[2], rows[40] = rows[40], rows[2]
    path.write_bytes(b"\n".join([head, *rows]))
    for batch in (7, 16384):
        monkeypatch.setattr(parquet, "PARQUET_BATCH_ROWS", batch)
        assert validate(package_copy, pick=["parquet-stale"]) == [], batch
    import csv
    import io

    cells = next(csv.reader([rows[40].decode()]))
    column = head.decode().split(",").index("claim_type")  # a vocabulary column
    cells[column] = "prediction" if cells[column] != "prediction" else "fact"
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    rows[40] = out.getvalue().encode()
    path.write_bytes(b"\n".join([head, *rows]))
    for batch in (7, 16384):
        monkeypatch.setattr(parquet, "PARQUET_BATCH_ROWS", batch)
        assert [(p.code, p.field) for p in validate(package_copy, pick=["parquet-stale"])] == [("parquet-stale", "claim_type")]


def test_a_threaded_run_closes_each_database_its_nodes_open(package_copy, monkeypatch):
    """In a threaded run a node that queries opens a DuckDB database of its own and closes it when done (DuckDB keeps
    a finished query's memory until then); the run still finds what the queries find."""
    import duckdb

    from vostochny_summit.validation import context, validate

    opened = []
    real = context.open_db
    monkeypatch.setattr(context, "open_db", lambda: opened.append(real()) or opened[-1])
    path = package_copy / "data" / "people.csv"
    data = path.read_bytes()
    path.write_bytes(data + data.split(b"\n")[1] + b"\n")  # a duplicate row: the primary key's query runs
    found = validate(package_copy, pick=["primary-key"], workers=2)
    assert [p.code for p in found] == ["primary-key"] and opened
    for con in opened:
        with pytest.raises(duckdb.ConnectionException):
            con.execute("SELECT 1")


@pytest.mark.parametrize("table", ["claims", "mentions"])
def test_a_file_whose_lines_do_not_stand_one_per_row_is_compared_a_batch_of_lines_at_a_time(pkg, table, monkeypatch):
    """When the file's line ends do not stand one per row (a blank line, a missing or doubled final LF, a line cut
    short), the canonical check finds the first line that differs from the rendering of the rows in key order by
    rendering a batch of lines at a time: the same line as comparing the whole texts, wherever the difference falls."""
    from vostochny_summit.validation import line_diff
    from vostochny_summit.validation.line_diff import first_different_line, first_different_rendered_line

    monkeypatch.setattr(line_diff, "LINE_BATCH", 5)
    t = pkg.table(table)
    good = t.csv_path.read_bytes()
    head, *rows = good.split(b"\n")
    cases = {"as it is": good, "no final LF": good[:-1], "two final LFs": good + b"\n", "only the header": head + b"\n",
             "header without LF": head, "empty": b"", "a row cut short": good[:-40],
             "a line after the rows (skipped by the parse as ragged)": good + b"x\n", "and without LF": good + b"x"}
    for at in (1, 7, len(rows) // 2, len(rows) - 1):
        cases[f"blank line at {at}"] = b"\n".join([head, *rows[:at - 1], b"", *rows[at - 1:]])
        cases[f"rows swapped and a blank line at {at}"] = b"\n".join([head, rows[1], rows[0], *rows[2:at], b"", *rows[at:]])
    data = typed(t, read_raw(good).data, enforce_required=False)
    for name, raw in cases.items():
        ends = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == 10)
        want = first_different_line(raw, canonical_csv(t, data).encode("utf-8"))
        assert first_different_rendered_line(t, data, raw, ends) == want, name
    shuffled = data.take([2, 0, 1] + list(range(3, data.num_rows)))  # rows out of key order: rendered in key order
    text = next(f.name for f in t.fields if f.type == "string" and f.name not in t.primary_key)
    values = data.column(text).to_pylist()
    values[8] = "a value\nacross two lines"  # rendered quoted, as two lines
    broken = data.set_column(data.schema.get_field_index(text), text, pa.array(values, pa.string()))
    rendered = canonical_csv(t, broken).encode()
    for rows_, raw in ((shuffled, good), (shuffled, good[:-1]), (broken, rendered), (broken, rendered[:-1]),
                       (broken, rendered.replace(b"\n", b"\n\n", 20)), (broken, good)):
        ends = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == 10)
        assert first_different_rendered_line(t, rows_, raw, ends) == first_different_line(raw, canonical_csv(t, rows_).encode())
