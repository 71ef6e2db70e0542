"""The kernels module calls Arrow's compute functions without pyarrow.compute: each gives pyarrow.compute's result."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pac
import pytest

from vostochny_summit import kernels

TEXT = pa.chunked_array([["a", None, "b,c", "+5"], ["", "a", None]])
OTHER = pa.chunked_array([["a", "x", "b,c", None], ["", "b", None]])
NUMBERS = pa.chunked_array([[3, None, 1], [2, 2]], pa.int64())
FLAGS = pa.array([True, None, False, True, False, True, None])
TABLE = pa.table({"k": ["b", "a", None, "a"], "n": [2, 1, 3, None]})

# (name, data arguments, options by keyword)
CALLS = [
    ("equal", (TEXT, OTHER), {}),
    ("not_equal", (TEXT, OTHER), {}),
    ("greater", (NUMBERS, pa.scalar(1, pa.int64())), {}),
    ("greater_equal", (NUMBERS, pa.scalar(2, pa.int64())), {}),
    ("less", (TEXT, OTHER), {}),
    ("less_equal", (TEXT, OTHER), {}),
    ("add", (NUMBERS, NUMBERS), {}),
    ("and_", (FLAGS, pa.array([True] * 7)), {}),
    ("or_", (FLAGS, pa.array([False] * 7)), {}),
    ("invert", (FLAGS,), {}),
    ("is_valid", (TEXT,), {}),
    ("is_null", (TEXT,), {}),
    ("if_else", (FLAGS, pa.array(list("abcdefg")), pa.array(list("ABCDEFG"))), {}),
    ("is_in", (TEXT,), {"value_set": pa.array(["a", "b,c"])}),
    ("index_in", (TEXT,), {"value_set": pa.array(["", "a"])}),
    ("binary_length", (TEXT,), {}),
    ("utf8_length", (pa.array(["Пу́тин", None, ""]),), {}),
    ("utf8_is_alnum", (pa.array(["a1", "a b", None, "Ким"]),), {}),
    ("binary_join_element_wise", (TEXT, OTHER, pa.scalar(",")), {}),
    ("match_substring", (pa.array([b"a\nb", b"ab", None, b"\n"]),), {"pattern": "\n"}),
    ("match_substring_regex", (TEXT,), {"pattern": '[,"]'}),
    ("replace_substring", (TEXT,), {"pattern": ",", "replacement": ";"}),
    ("replace_substring_regex", (TEXT,), {"pattern": r"^\+", "replacement": ""}),
    ("all", (FLAGS,), {}),
    ("any", (FLAGS,), {}),
    ("min_max", (NUMBERS,), {}),
    ("count_distinct", (TEXT,), {"mode": "all"}),
    ("unique", (TEXT,), {}),
    ("drop_null", (TEXT,), {}),
    ("drop_null", (TABLE,), {}),
    ("filter", (TEXT, FLAGS), {}),
    ("filter", (TABLE, pa.array([True, None, True, False])), {}),
    ("dictionary_encode", (TEXT.combine_chunks(),), {}),
    ("sort_indices", (TABLE,), {"sort_keys": [("k", "ascending"), ("n", "descending")]}),
    ("take", (TABLE, pa.array([3, 0])), {}),
    ("take", (TEXT, pa.array([6, None, 2])), {}),
    ("fill_null", (TEXT, ""), {}),
    ("fill_null", (NUMBERS, -1), {}),
    ("fill_null", (FLAGS, pa.scalar(True)), {}),
    ("fill_null", (pa.array(["x", None], pa.large_string()), pa.scalar("y")), {}),  # a scalar of another type
    ("fill_null", (pa.array([1, None], pa.int32()), pa.scalar(-1)), {}),  # int32 stays int32
    ("cast", (NUMBERS, pa.string()), {}),
    ("cast", (pa.array(["2023-09-13", None]), pa.date32()), {}),
    ("cast", (TABLE, pa.schema([("k", pa.large_string()), ("n", pa.int32())], metadata={b"v": b"1"})), {}),
]


@pytest.mark.parametrize(("name", "args", "options"), CALLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(CALLS)])
def test_each_kernel_gives_pyarrow_compute_s_result(name, args, options):
    """The same data and options through kernels and through pyarrow.compute give equal results (values, types and, for
    a table, the schema's metadata). A table is cast as Table.cast does (pyarrow.compute.cast takes one column)."""
    reference = pa.Table.cast if name == "cast" and isinstance(args[0], pa.Table) else getattr(pac, name)
    mine, theirs = getattr(kernels, name)(*args, **options), reference(*args, **options)
    assert type(mine) is type(theirs)
    assert mine.equals(theirs), (mine, theirs)
    if isinstance(theirs, pa.Table):
        assert mine.schema.equals(theirs.schema, check_metadata=True)


def test_every_kernel_is_checked_against_pyarrow_compute():
    """Each function the kernels module offers appears in CALLS above, so a new one cannot go untested."""
    offered = {n for n, f in vars(kernels).items() if callable(f) and getattr(f, "__module__", None) == kernels.__name__
               and not n.startswith("_")}
    assert offered == {c[0] for c in CALLS}


def test_options_must_be_named_and_only_where_the_function_takes_them():
    """An option passed by position (pyarrow.compute would take it) or to a function without options raises, rather
    than being read as data; a cast that loses a value raises unless it is unsafe."""
    with pytest.raises(TypeError, match="by keyword"):
        kernels.match_substring_regex(TEXT, ",")
    with pytest.raises(TypeError, match="takes no options"):
        kernels.equal(TEXT, OTHER, skip_nulls=True)
    with pytest.raises(pa.ArrowInvalid):
        kernels.cast(pa.array([300]), pa.int8())
    assert kernels.cast(pa.array([300]), pa.int8(), safe=False).to_pylist() == [44]
    with pytest.raises(ValueError, match="not the schema's"):
        kernels.cast(TABLE, pa.schema([("n", pa.int64()), ("k", pa.string())]))
