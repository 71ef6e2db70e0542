"""The screens that let `validate` skip a query or jsonschema are exact where they clear something: each is held to
the SQL (or jsonschema) it stands in for, on random values, and a run without them (threads, --exhaustive) reports
the same problems as a run with them."""

from __future__ import annotations

import copy
import json
import random

import jsonschema
import pyarrow as pa
import pytest

from vostochny_summit.model import RESOURCES
from vostochny_summit.package import Package
from vostochny_summit.validation import parquet, screens, validate
from vostochny_summit.validation.context import open_db  # the checks' own connection: one thread per query
from vostochny_summit.validation.descriptor import PROFILES
from vostochny_summit.validation.field_rules import TYPE_RULES
from vostochny_summit.validation.profile_screen import compile_schema
from vostochny_summit.validation.sql import lit

from .defects import DEFECTS, plant
from .helpers import ROOT

ALPHABET = ["a", "z", "0", "9", "-", "_", "A", "Q", "1", " ", "/", ".", "\n", "é", "\u00a0", "+", "e", "E", ":", "x"]


def _values(rng, n=60):
    out = []
    for _ in range(n):
        if rng.random() < 0.1:
            out.append(None)
        else:
            out.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 8))))
    return out


def _sql_count(con, cond: str, col: list) -> int:
    con.register("t", pa.table({"c": pa.array(col, pa.string())}))
    return con.execute(f"SELECT count(*) FILTER (WHERE {cond}) FROM t").fetchall()[0][0]


def _patterns() -> list[str]:
    found = {f.pattern for r in RESOURCES.values() for f in r.fields if f.pattern}
    return sorted(found | {regex for regex, _ in TYPE_RULES.values()})


@pytest.mark.parametrize("pattern", _patterns())
def test_pattern_screen_clears_only_what_duckdb_clears(pattern):
    rng, con = random.Random(pattern), open_db()
    matching = {"^[0-9]{4}-[0-9]{2}-[0-9]{2}$": ["2023-09-13", "2024-02-29", "2023-02-29", "0000-01-01", "9999-12-31"],
                "^Q[1-9][0-9]*$": ["Q1", "Q42", "Q0"], "^[A-Z]{2}$": ["RU", "KP"]}.get(pattern, ["a-b", "abc", "x1-2"])
    for trial in range(150):
        col = _values(rng) if trial % 3 else [rng.choice(matching + [None]) for _ in range(20)]
        for date in (False, True):
            cond = f"c IS NOT NULL AND (NOT regexp_full_match(c, {lit(pattern)}){' OR TRY_CAST(c AS DATE) IS NULL' if date else ''})"
            try:
                cleared = not screens.breaks_pattern("c", pattern, date)(pa.table({"c": pa.array(col, pa.string())}))
            except pa.ArrowException:
                cleared = False  # a screen that cannot tell lets the SQL decide
            if cleared:
                assert _sql_count(con, cond, col) == 0, (pattern, date, col)


def test_slugs_read_from_the_bytes_agree_with_the_regular_expression_both_ways():
    """string_scans.all_slugs stands in for RE2's full match of SLUG_PATTERN: it says True exactly when every value
    matches, on chunked and sliced columns with nulls; a null slot holding bytes makes it unsure (False), never wrong."""
    import re

    from vostochny_summit.model import SLUG_PATTERN
    from vostochny_summit.validation.string_scans import all_slugs

    rng, slug = random.Random(11), re.compile(SLUG_PATTERN)
    near = ["a", "z", "0", "9", "-", "--", "_", "A", "é", " ", "\n", "ab-c", "x-1"]
    seen = set()
    for _ in range(600):
        values, col = _random_column(rng, near, 4, slug.fullmatch, lambda i: "a-" + str(i))
        expected = all(v is None or slug.fullmatch(v) for v in values)
        assert all_slugs(col) == expected, values
        seen.add(expected)
    assert seen == {True, False}
    _one_value_breaks_it(all_slugs, ["ab-1", "c", "d-e-f"], ("a-", "-a", "a--b", "", "-", "A", "a b", "é", "a_b", "a\n"))
    odd = _null_slot_holding(["ab", None, "cd"], [0, 2, 5, 7], b"abx--cd")
    assert all_slugs(odd) is False
    assert not screens.breaks_pattern("c", SLUG_PATTERN)(pa.table({"c": odd}))  # the regular expression clears it


def test_all_canonical_integers_is_the_canonical_pattern_and_arrows_own_rendering():
    """string_scans.all_canonical_integers says True exactly when every value matches ^(0|-?[1-9][0-9]*)$, on
    chunked and sliced columns with nulls, and then (the values cast) Arrow renders each value back to its text, as
    field_rules._integer_rule_needed asks; a null slot holding bytes makes it unsure (False), never wrong."""
    import re

    import pyarrow.compute as pc

    from vostochny_summit.validation.string_scans import all_canonical_integers

    rng, canonical = random.Random(13), re.compile(r"(0|-?[1-9][0-9]*)")
    near = ["0", "1", "9", "-", "+", "00", "05", "-0", "12", " ", "a", "٣"]
    seen = set()
    for _ in range(800):
        values, col = _random_column(rng, near, 3, canonical.fullmatch, lambda i: str(rng.randint(-50, 50)))
        expected = all(v is None or canonical.fullmatch(v) for v in values)
        assert all_canonical_integers(col) == expected, values
        seen.add(expected)
        try:
            rendered = pc.cast(pc.cast(col, pa.int64()), pa.string())
        except pa.ArrowInvalid:
            continue
        assert expected == all(a == b for a, b in zip(rendered.to_pylist(), values) if b is not None), values
    assert seen == {True, False}
    _one_value_breaks_it(all_canonical_integers, ["10", "0", "-7"], ("-", "-0", "00", "012", "+1", "1-", "1-2", "", " 1", "1.0"))
    assert all_canonical_integers(_null_slot_holding(["1", None, "2"], [0, 1, 2, 3], b"1-2")) is False


def _random_column(rng, near: list[str], pieces: int, fits, fix) -> tuple[list, pa.ChunkedArray]:
    """Up to 8 values, each up to `pieces` strings of near joined or (a tenth) null; in half the columns every value
    that does not fit replaced by fix(its place), so that columns that all fit come often. As a column: a chunk, then a
    sliced chunk (its values start past its buffers' start)."""
    values = [None if rng.random() < 0.1 else "".join(rng.choice(near) for _ in range(rng.randint(0, pieces)))
              for _ in range(rng.randint(0, 8))]
    if rng.random() < 0.5:
        values = [v if v is None or fits(v) else fix(i) for i, v in enumerate(values)]
    cut = rng.randint(0, len(values))
    col = pa.chunked_array([pa.array(values[:cut], pa.string()), pa.array(["?"] + values[cut:], pa.string())[1:]], pa.string())
    return values, col


def _one_value_breaks_it(scan, good: list[str], bad_values) -> None:
    """Each bad value, in place of any of the good values, makes scan say False: in a chunked column and in a slice."""
    assert scan(pa.chunked_array([pa.array(good)])) is True, good
    for bad in bad_values:
        for at in range(len(good)):
            values = list(good)
            values[at] = bad
            assert scan(pa.chunked_array([pa.array(values[:2]), pa.array(values[2:])])) is False, values
            assert scan(pa.array(["x"] + values)[1:]) is False, values


def _null_slot_holding(values: list, offsets: list[int], data: bytes) -> pa.Array:
    """A string array of these values whose null's slot holds bytes (Arrow allows any there): offsets and data give
    every slot's bytes."""
    held = pa.array(values, pa.string())
    offsets_buffer = pa.py_buffer(bytes(pa.array(offsets, pa.int32()).buffers()[1]))
    odd = pa.Array.from_buffers(pa.string(), len(values), [held.buffers()[0], offsets_buffer, pa.py_buffer(data)],
                                null_count=held.null_count)
    assert odd.to_pylist() == values
    return odd


def test_vocabulary_bound_and_length_screens_clear_only_what_duckdb_clears():
    rng, con = random.Random(7), open_db()
    vocab = ["a", "zz", "a-b", "é"]
    numbers = ["1", "-90", "-91", "90", "90.5", "1e2", ".5", "+3", "nan", "inf", "1e999", "abc", None, ""]
    for _ in range(300):
        col = [rng.choice(vocab + [None, "b", " a", "abcd", "éé", "éééé", "😀"]) for _ in range(rng.randint(0, 12))]
        table = pa.table({"c": pa.array(col, pa.string())})
        if not screens.outside("c", vocab)(table):
            assert _sql_count(con, f"c NOT IN ({', '.join(lit(v) for v in vocab)})", col) == 0, col
        nums = [rng.choice(numbers) for _ in range(rng.randint(0, 6))]
        for op, limit in (("<", -90), (">", 90)):
            try:
                cleared = not screens.beyond("c", op, limit, TYPE_RULES["number"][0])(pa.table({"c": pa.array(nums, pa.string())}))
            except pa.ArrowException:
                cleared = False
            if cleared:
                assert _sql_count(con, f"TRY_CAST(c AS DOUBLE) {op} {limit}", nums) == 0, (op, nums)
        for op, k in (("<", 2), (">", 3)):
            if not screens.length_beyond("c", op, k)(pa.table({"c": pa.array(col, pa.string())})):
                assert _sql_count(con, f"length(c) {op} {k}", col) == 0, (op, col)


@pytest.mark.parametrize("name", sorted(n for n, r in RESOURCES.items() if r.rules))
def test_row_rule_screens_clear_only_what_duckdb_clears(name, pkg):
    """Each model row rule's Arrow form, on the real table with cells shuffled between rows (so that rules break)."""
    from vostochny_summit.tabular import read_raw

    res, con = RESOURCES[name], open_db()
    raw = read_raw(pkg.table(name).csv_path).data
    casts = {f.name: f.duckdb_type for f in res.fields if f.type != "string"}
    types = {f.name: f.arrow_type for f in res.fields if f.type != "string"}
    rng = random.Random(name)
    for _ in range(40):
        cols = {c: raw.column(c).to_pylist() for c in raw.column_names}
        for c in cols:
            if rng.random() < 0.5:
                rng.shuffle(cols[c])
            if rng.random() < 0.2:
                cols[c] = [None if rng.random() < 0.3 else v for v in cols[c]]
        table = pa.table({c: pa.array(v, pa.string()) for c, v in cols.items()})
        con.register("t", table)
        for rule in res.rules:
            try:
                cleared = not screens.condition(rule.violated, types)(table)
            except pa.ArrowException:
                cleared = False
            if cleared:
                n = con.execute(f"SELECT count(*) FILTER (WHERE {rule.violated.sql(casts)}) FROM t").fetchall()[0][0]
                assert n == 0, (name, rule.code)


def test_key_and_group_screens_agree_with_sql():
    rng, con = random.Random(11), open_db()
    for _ in range(300):
        n = rng.randint(0, 8)
        a = [rng.choice(["x", "y", None, ""]) for _ in range(n)]
        b = [rng.choice(["1", "2", None]) for _ in range(n)]
        con.register("t", pa.table({"a": pa.array(a, pa.string()), "b": pa.array(b, pa.string())}))
        dups = con.execute("SELECT count(*) FROM (SELECT row_number() OVER (PARTITION BY a, b) AS k FROM t) WHERE k > 1").fetchall()[0][0]
        # in chunks cut at random: the codes of each column are folded into the rows' codes a chunk at a time
        assert screens.distinct([_chunked(a, rng), _chunked(b, rng)]) == (dups == 0)
        many = con.execute("SELECT count(*) FROM (SELECT a FROM t WHERE a IS NOT NULL GROUP BY a "
                           "HAVING count(DISTINCT coalesce(b, '')) > 1)").fetchall()[0][0]
        if screens.one_value_per_group(_chunked(a, rng), [_chunked(b, rng)]):
            assert many == 0, (a, b)
        known = [rng.choice(["x", "y", "z", None]) for _ in range(rng.randint(0, 4))]
        missing = con.execute("SELECT count(*) FROM t WHERE NOT EXISTS (SELECT 1 FROM (SELECT unnest($k) AS k) WHERE k = t.a)",
                              {"k": known}).fetchall()[0][0] if n else 0
        if screens.all_in(pa.chunked_array([pa.array(a, pa.string())]), pa.chunked_array([pa.array(known, pa.string())])):
            assert missing == 0, (a, known)


def _chunked(values: list, rng: random.Random) -> pa.ChunkedArray:
    cuts = sorted(rng.sample(range(1, len(values)), min(len(values) - 1, rng.randint(0, 3)))) if len(values) > 1 else []
    bounds = [0, *cuts, len(values)]
    return pa.chunked_array([pa.array(values[a:b], pa.string()) for a, b in zip(bounds, bounds[1:])], pa.string())


def test_all_in_compares_sorted_columns_by_their_distinct_values_exactly(monkeypatch):
    """all_in against set inclusion, with its sorted comparison forced at every size: sorted and shuffled columns, in
    chunks, with repeats, empty strings, a value beyond ASCII (bytewise order is code point order) and nulls among
    the known values. Both of its answers are exact, so each must be the inclusion's."""
    monkeypatch.setattr(screens, "SORTED_FROM", 0)
    both_sorted = []
    real = screens.sorted_distinct
    monkeypatch.setattr(screens, "sorted_distinct", lambda col: both_sorted.append(real(col) is not None) or real(col))
    rng = random.Random(7)
    outcomes = {True: 0, False: 0}
    for _ in range(600):
        values, known, want = _inclusion_case(rng, 9)
        assert screens.all_in(_chunked(values, rng), _chunked(known, rng)) == want, (values, known)
        outcomes[want] += 1
    assert min(outcomes.values()) > 100 and both_sorted.count(True) > 600, (outcomes, both_sorted.count(True))


def test_all_in_over_ranges_is_the_inclusion(monkeypatch):
    """all_in in a bounded run (drop given, ranges.ROWS of 2 or 3): long values a range at a time (_all_in_ranges),
    and few values against a long known column, which is looked up a range at a time (_found_in with drop), each
    with drop() after its ranges; sorted and shuffled, with repeats and nulls among the known values. Both answers
    are the inclusion's, and both ways are taken."""
    from vostochny_summit.validation import ranges

    taken = {"values": 0, "known": 0}
    real_ranges, real_found = screens._all_in_ranges, screens._found_in
    monkeypatch.setattr(screens, "_all_in_ranges", lambda *a: taken.__setitem__("values", taken["values"] + 1) or real_ranges(*a))
    monkeypatch.setattr(screens, "_found_in", lambda values, known, drop=None: taken.__setitem__(
        "known", taken["known"] + (drop is not None and len(known) > ranges.ROWS)) or real_found(values, known, drop))
    rng, drops = random.Random(17), []
    for rows in (2, 3):
        monkeypatch.setattr(ranges, "ROWS", rows)
        for _ in range(300):
            values, known, want = _inclusion_case(rng, 5)
            got = screens.all_in(_chunked(values, rng), _chunked(known, rng), lambda: drops.append(1))
            assert got == want, (rows, values, known)
    assert min(taken.values()) > 100 and len(drops) > 300, (taken, len(drops))


def test_all_in_skipping_nulls_is_the_inclusion_of_the_values_that_are_not_null(monkeypatch):
    """A foreign key's screen (skip_nulls): nulls among the values name no row and are left out, a range at a time in a
    bounded run, or at once; the rest must be the inclusion of the non-null values, whether or not nulls stand among
    the known values too, in ranges of 2 or 3 rows and whole."""
    from vostochny_summit.validation import ranges

    rng, drops, with_nulls = random.Random(23), [], 0
    for rows in (2, 3, ranges.ROWS):
        monkeypatch.setattr(ranges, "ROWS", rows)
        for _ in range(200):
            values, known, _ = _inclusion_case(rng, 6)
            for _ in range(rng.randint(0, 3)):
                values.insert(rng.randrange(len(values) + 1), None)
            with_nulls += None in values
            want = set(values) - {None} <= set(known) - {None}
            for drop in (None, lambda: drops.append(1)):
                got = screens.all_in(_chunked(values, rng), _chunked(known, rng), drop, skip_nulls=True)
                assert got == want, (rows, values, known)
            assert screens.all_in(_chunked(values, rng), _chunked(known, rng)) == (want and None not in values)
    assert with_nulls > 300 and len(drops) > 300, (with_nulls, len(drops))


def _inclusion_case(rng, most_values: int) -> tuple:
    """(values, known, whether every value is a non-null known value) for all_in: sorted or shuffled columns of up to
    9 known and most_values values, with repeats, empty strings, a value beyond ASCII and at times a null known."""
    words = ["", "a", "ab", "b", "ba", "c", "é", "z"]
    known = sorted(rng.choices(words, k=rng.randint(1, 9)))
    values = sorted(rng.choices(known if rng.random() < 0.5 else words, k=rng.randint(1, most_values)))
    for column in (values, known):
        if rng.random() < 0.25:
            rng.shuffle(column)
    if rng.random() < 0.3:
        known.insert(rng.randrange(len(known) + 1), None)
    return values, known, set(values) <= set(known) - {None}


def _mutations(doc, rng):
    """Copies of a JSON document with one node replaced, removed or duplicated."""
    values = [None, True, False, 0, 1, 1.0, -1, 2.5, "", "x", "string", "integer", [], {}, ["a", "a"], {"name": "x"}]
    for _ in range(60):
        d = copy.deepcopy(doc)
        node, path = d, []
        while isinstance(node, (dict, list)) and node and rng.random() < 0.8:
            key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
            path.append((node, key))
            node = node[key]
        if not path:
            continue
        parent, key = path[-1]
        action = rng.random()
        if action < 0.6:
            parent[key] = rng.choice(values)
        elif action < 0.8 and isinstance(parent, dict):
            del parent[key]
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        yield d


@pytest.mark.parametrize("profile,documents", [("datapackage-2.0.json", ["datapackage.json"]),
                                               ("tableschema-2.0.json", ["schemas/quotes.schema.json", "schemas/events.schema.json"])])
def test_profile_screen_gives_jsonschemas_verdict(profile, documents):
    schema = json.loads((PROFILES / profile).read_text(encoding="utf-8"))
    predicate, validator = compile_schema(schema), jsonschema.Draft7Validator(schema)
    assert predicate is not None, "the vendored profile uses only keywords the screen implements"
    rng = random.Random(profile)
    for rel in documents:
        doc = json.loads((ROOT / rel).read_text(encoding="utf-8"))
        assert predicate(doc) and validator.is_valid(doc)
        for mutated in _mutations(doc, rng):
            assert predicate(mutated) == validator.is_valid(mutated), rel


def test_profile_screen_picks_a_fields_alternative_by_its_type_as_jsonschema_would():
    """The Table Schema profile's 15 field alternatives are told apart by `type` (profile_screen._discriminator): every
    field of two schemas, with each type name, junk and no type at all, gets jsonschema's verdict; and so do two small
    oneOfs, one told apart by its property and one whose enums overlap (counted alternative by alternative), on
    objects with and without the property."""
    schema = json.loads((PROFILES / "tableschema-2.0.json").read_text(encoding="utf-8"))
    predicate, validator = compile_schema(schema), jsonschema.Draft7Validator(schema)
    names = [alt["properties"]["type"]["enum"][0] for alt in schema["properties"]["fields"]["items"]["oneOf"]]
    verdicts = set()
    for rel in ("schemas/events.schema.json", "schemas/places.schema.json"):
        for field in json.loads((ROOT / rel).read_text(encoding="utf-8"))["fields"]:
            for value in [*names, "", "x", "String", 1, None, True, ["string"], {"a": 1}, "(none)"]:
                d = {"fields": [copy.deepcopy(field)]}  # one field at a time: the rest of a schema changes nothing
                if value == "(none)":
                    d["fields"][0].pop("type", None)
                else:
                    d["fields"][0]["type"] = value
                verdicts.add(validator.is_valid(d))
                assert predicate(d) == validator.is_valid(d), (rel, field["name"], value)
    assert verdicts == {True, False}
    told_apart = {"oneOf": [{"properties": {"k": {"enum": ["a"]}}}, {"properties": {"k": {"enum": ["b"]}}}]}
    overlapping = {"oneOf": [{"properties": {"k": {"enum": ["a", "b"]}}}, {"properties": {"k": {"enum": ["b"]}}}]}
    for one_of in (told_apart, overlapping):
        check, exact = compile_schema(one_of), jsonschema.Draft7Validator(one_of)
        for x in ({"k": "a"}, {"k": "b"}, {"k": "c"}, {"k": 1}, {}, 1):  # {} and 1: every alternative matches
            assert check(x) == exact.is_valid(x), (one_of, x)


def test_country_codes_are_pycountrys():
    import pycountry

    from vostochny_summit.validation.entities import country_list

    assert country_list() == tuple(c.alpha_2 for c in pycountry.countries)


@pytest.mark.parametrize("defect", DEFECTS[::9], ids=lambda d: d.name)
def test_threads_and_one_thread_report_the_same(defect, package_copy):
    """The serial run of a small package (no pool, one DuckDB cursor) and the pool report the same problems."""
    plant(package_copy, defect)
    assert validate(package_copy, workers=2) == validate(package_copy, workers=0)


def test_arrow_threads_only_in_a_serial_run(package_copy, monkeypatch):
    """Arrow parses the CSVs and decodes the Parquet files on its own threads only when the run has none (workers=0):
    a pool's workers keep the cores busy themselves. Either way every table is parsed and read back once."""
    from pyarrow._parquet import ParquetReader

    from vostochny_summit import tabular

    seen = {"parse": [], "decode": []}
    parse, batches = tabular._parse, ParquetReader.iter_batches

    def recording_parse(data, header, threads, names=False):
        seen["parse"].append(threads)
        return parse(data, header, threads, names)

    class Reader(ParquetReader):
        def iter_batches(self, *args, use_threads=True, **kwargs):
            seen["decode"].append(use_threads)
            return batches(self, *args, use_threads=use_threads, **kwargs)

    monkeypatch.setattr(tabular, "_parse", recording_parse)
    monkeypatch.setattr("pyarrow._parquet.ParquetReader", Reader)
    monkeypatch.setattr(parquet, "PARQUET_BATCH_ROWS", 64)  # every table but the smallest spans several batches
    tables = len(Package(package_copy).tables)
    for workers, threads in ((2, False), (0, True)):
        seen["parse"].clear(), seen["decode"].clear()
        assert validate(package_copy, workers=workers) == []
        assert seen["parse"] == [threads] * tables
        assert len(seen["decode"]) == tables and any(seen["decode"]) == threads  # a table of one batch: no threads


@pytest.mark.parametrize("rows", [None, 2])
def test_reporter_voice_screen_agrees_with_its_queries(pkg, monkeypatch, rows):
    """Also read two rows at a time, as a bounded run reads ranges.ROWS."""
    from vostochny_summit.validation import ranges, roles
    from vostochny_summit.validation.claims import reporter_voice_queries, reporter_voice_screen

    c = roles.speech_act_columns(pkg)
    rng, con, verdicts = random.Random(5), open_db(), set()
    acts = sorted(c.speech_acts)
    for _ in range(400 if rows is None else 150):
        ids = [f"c{i}" for i in range(rng.randint(0, 4))]
        claims = pa.table({c.key: pa.array(ids, pa.string()),
                           c.type: pa.array([rng.choice([*acts, "other", None]) for _ in ids], pa.string())})
        n = rng.randint(0, 5)

        def pick(*values, n=n):
            return pa.array([rng.choice(values) if rng.random() < 0.3 else None for _ in range(n)], pa.string())

        evidence = pa.table({"__row": pa.array(range(1, n + 1), pa.int64()),
                             c.claim: pa.array([rng.choice([*ids, "gone", None]) for _ in range(n)], pa.string()),
                             c.person: pick("kim"), c.description: pick("an official"), c.org: pick("reuters", "kcna")})
        sources = pa.table({c.group: pa.array([rng.choice(["reuters", "ap", None]) for _ in range(rng.randint(0, 3))],
                                              pa.string())})
        for name, table in ((c.claims, claims), (c.evidence, evidence), (c.sources, sources)):
            con.register(name, table)
        found = sum(len(con.execute(sql).fetchall()) for _col, sql, _e in reporter_voice_queries(c, "''"))
        if rows:
            monkeypatch.setattr(ranges, "ROWS", rows)
        clear = reporter_voice_screen(c, claims, evidence, sources, (lambda: None) if rows else None)
        verdicts.add(clear)
        # exact both ways here: it clears every case the queries find nothing in (so a valid package needs no DuckDB)
        assert clear == (found == 0), (claims.to_pylist(), evidence.to_pylist(), sources.to_pylist())
    assert verdicts == {True, False}, "the random cases reach both verdicts"


def test_quote_event_screen_agrees_with_its_query():
    """The screen, given each quote sentence's row, source and sentence, the quotes' events by row, and the evidence
    sentences whole (one part), clears exactly the cases where the query over the same rows, with the events as text,
    finds no row; events that hold a comma included."""
    import numpy as np

    from vostochny_summit.validation.quote_event import QUOTE_EVENT_SQL, quote_event_screen

    rng, con, verdicts = random.Random(6), open_db(), set()
    for _ in range(600):
        nq, ne = rng.randint(1, 6), rng.randint(0, 6)
        row_event = [rng.choice(["a", "b", "a,b", None]) for _ in range(4)]
        q_row = np.array([rng.randint(0, 3) for _ in range(nq)], dtype=np.int64)
        q_src, q_sentence, e_src, e_sentence = (np.array([rng.randint(0, 2) for _ in range(n)], dtype=np.int64)
                                                for n in (nq, nq, ne, ne))
        e_event = [rng.choice(["a", "b", "a,b", None]) for _ in range(ne)]
        con.register("__quote_sentences", pa.table({"row": q_row, "src": q_src, "sentence": q_sentence,
                                                    "event": pa.array([row_event[r] for r in q_row], pa.string())}))
        con.register("__evidence_sentences", pa.table({"src": e_src, "sentence": e_sentence, "event": pa.array(e_event, pa.string())}))
        whole = [(np.arange(ne), e_src, e_sentence, pa.array(e_event, pa.string()))]
        clear = quote_event_screen(q_row, q_src, q_sentence, pa.array(row_event, pa.string()), iter(whole))
        verdicts.add(clear)
        assert clear == (con.execute(QUOTE_EVENT_SQL).fetchall() == []), (q_row, q_src, q_sentence, row_event, e_src, e_sentence, e_event)
    assert verdicts == {True, False}, "the random cases reach both verdicts"
    # pairs and codes that could pass 62 bits as one integer: the screen cannot tell, and leaves it to the query
    zero, big, events = np.zeros(1, dtype=np.int64), np.array([2**61], dtype=np.int64), pa.array(["a"], pa.string())
    evidence = [(zero, big, zero, events)]
    assert quote_event_screen(zero, big, zero, events, iter(evidence)) is False
    assert quote_event_screen(zero, zero, zero, events, iter([(zero, zero, zero, events)])) is True


def test_quote_event_screen_by_ranges_agrees_with_its_query():
    """A bounded run's screen (the evidence a range at a time, its events coded by their place among the quotes'
    events) clears exactly the cases where the query finds no row, however the evidence is cut."""
    import numpy as np

    from vostochny_summit.validation.quote_event import QUOTE_EVENT_SQL, quote_event_screen

    rng, con, verdicts = random.Random(7), open_db(), set()
    events = ["a", "b", "c", "a,b", None]
    for _ in range(300):
        nq, ne = rng.randint(1, 6), rng.randint(0, 8)
        row_event = [rng.choice(events) for _ in range(4)]  # each quote row's event
        q_row = np.array([rng.randint(0, 3) for _ in range(nq)], dtype=np.int64)
        q_src, q_sentence = (np.array([rng.randint(0, 2) for _ in range(nq)], dtype=np.int64) for _ in range(2))
        e_src, e_sentence = (np.array([rng.randint(0, 3) for _ in range(ne)], dtype=np.int64) for _ in range(2))
        e_event = [rng.choice(events) for _ in range(ne)]
        con.register("__quote_sentences", pa.table({"row": q_row, "src": q_src, "sentence": q_sentence,
                                                    "event": pa.array([row_event[r] for r in q_row], pa.string())}))
        con.register("__evidence_sentences", pa.table({"src": e_src, "sentence": e_sentence, "event": pa.array(e_event, pa.string())}))
        cuts = sorted({0, ne, *(rng.randint(0, ne) for _ in range(2))})
        parts = [(np.arange(hi - lo), e_src[lo:hi], e_sentence[lo:hi], pa.array(e_event[lo:hi], pa.string()))
                 for lo, hi in zip(cuts, cuts[1:])]
        clear = quote_event_screen(q_row, q_src, q_sentence, pa.array(row_event, pa.string()), iter(parts))
        verdicts.add(clear)
        assert clear == (con.execute(QUOTE_EVENT_SQL).fetchall() == []), (q_row, q_src, q_sentence, row_event, e_src, e_sentence, e_event)
    assert verdicts == {True, False}, "the random cases reach both verdicts"


def test_a_valid_package_validates_without_duckdb():
    """Every query of a check has a screen that clears the valid package, so validating it imports no DuckDB (on the
    real package importing DuckDB and opening a database was a third of a run). A new check without a screen fails
    here (the run with --exhaustive, and DuckDB, is held to the same problems by the planted-defect suite)."""
    import subprocess
    import sys

    code = ("import sys; from vostochny_summit.validation import validate; problems = validate(sys.argv[1]); "
            "print(len(problems), 'duckdb' in sys.modules)")
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", code, str(ROOT)], capture_output=True, text=True, check=True)
    importers = [line for line in out.stderr.splitlines() if "duckdb" in line][-3:]
    assert out.stdout.split() == ["0", "False"], importers
