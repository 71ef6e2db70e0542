"""The Arrow compute functions that validate calls, with pyarrow.compute's names and arguments, without importing it.

Importing pyarrow.compute builds a Python wrapper, a signature and a docstring for each of Arrow's compute functions
(about 20 ms, a ninth of validating the real package). The functions here call the same C++ kernels by name through
Arrow's function registry (`call_function`, which pyarrow.compute re-exports from pyarrow._compute), with the same
options classes. pyarrow's own methods (`cast`, `filter`, `take`, `fill_null`, `is_valid`, `drop_null`, `is_null`,
`dictionary_encode`, `sort_by`, ...) import pyarrow.compute on first use, so the modules that validate runs call the
functions of this module instead, imported as `pc` (tests/test_kernels.py: each gives pyarrow.compute's result, and
validating the real package does not import pyarrow.compute).

A function takes its data positionally and its options by keyword, as pyarrow.compute's do.
"""

from __future__ import annotations

import pyarrow as pa
from pyarrow._compute import (
    CastOptions,
    CountOptions,
    DictionaryEncodeOptions,
    MatchSubstringOptions,
    ReplaceSubstringOptions,
    ScalarAggregateOptions,
    SetLookupOptions,
    SortOptions,
    TakeOptions,
    call_function,
)


def _kernel(name: str, arity: int | None, options_class=None):
    """The function that calls Arrow's `name` with `arity` data arguments (None: any number) and its options."""

    def call(*args, **options):
        if arity is not None and len(args) != arity:
            raise TypeError(f"{name} takes {arity} data argument(s), and its options by keyword; got {len(args)}")
        if options and options_class is None:
            raise TypeError(f"{name} takes no options; got {sorted(options)}")
        return call_function(name, list(args), options_class(**options) if options else None)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"Arrow's compute function {name!r}, as pyarrow.compute.{name} calls it."
    return call


# element-wise
equal = _kernel("equal", 2)
not_equal = _kernel("not_equal", 2)
greater = _kernel("greater", 2)
greater_equal = _kernel("greater_equal", 2)
less = _kernel("less", 2)
less_equal = _kernel("less_equal", 2)
add = _kernel("add", 2)
and_ = _kernel("and", 2)
or_ = _kernel("or", 2)
invert = _kernel("invert", 1)
is_valid = _kernel("is_valid", 1)
is_null = _kernel("is_null", 1)
if_else = _kernel("if_else", 3)
is_in = _kernel("is_in", 1, SetLookupOptions)
index_in = _kernel("index_in", 1, SetLookupOptions)
# strings and bytes
binary_length = _kernel("binary_length", 1)
utf8_length = _kernel("utf8_length", 1)
utf8_is_alnum = _kernel("utf8_is_alnum", 1)
binary_join_element_wise = _kernel("binary_join_element_wise", None)  # the separator is the last argument
match_substring = _kernel("match_substring", 1, MatchSubstringOptions)
match_substring_regex = _kernel("match_substring_regex", 1, MatchSubstringOptions)
replace_substring = _kernel("replace_substring", 1, ReplaceSubstringOptions)
replace_substring_regex = _kernel("replace_substring_regex", 1, ReplaceSubstringOptions)
# aggregates
all = _kernel("all", 1, ScalarAggregateOptions)  # noqa: A001 - pyarrow.compute's name
any = _kernel("any", 1, ScalarAggregateOptions)  # noqa: A001 - pyarrow.compute's name
min_max = _kernel("min_max", 1, ScalarAggregateOptions)
count_distinct = _kernel("count_distinct", 1, CountOptions)
# selections (arrays, chunked arrays, tables)
unique = _kernel("unique", 1)
drop_null = _kernel("drop_null", 1)
filter = _kernel("filter", 2)  # noqa: A001 - pyarrow.compute's name; a null in the mask drops its row
dictionary_encode = _kernel("dictionary_encode", 1, DictionaryEncodeOptions)
sort_indices = _kernel("sort_indices", 1, SortOptions)


def take(data, indices):
    """The rows (or values) of data at indices, as pyarrow.compute.take (an index out of bounds raises)."""
    return call_function("take", [data, indices], TakeOptions(boundscheck=True))


def fill_null(values, fill_value):
    """values with each null replaced by fill_value, as pyarrow.compute.fill_null (a plain value, or a scalar of
    another type, is made a scalar of the values' type)."""
    if not isinstance(fill_value, (pa.Array, pa.ChunkedArray, pa.Scalar)):
        fill_value = pa.scalar(fill_value, type=values.type)
    elif values.type != fill_value.type:
        fill_value = pa.scalar(fill_value.as_py(), type=values.type)
    return call_function("coalesce", [values, fill_value])


def cast(data, target, safe: bool = True):
    """data cast to a type, or a table to a schema with the same names (as pyarrow.compute.cast and Table.cast): a
    value that does not fit raises pa.ArrowInvalid unless safe is False."""
    if isinstance(data, pa.Table):
        if data.schema.names != target.names:
            raise ValueError(f"the table's columns {data.schema.names} are not the schema's {target.names}")
        return pa.Table.from_arrays([cast(c, f.type, safe) for c, f in zip(data.columns, target)], schema=target)
    options = CastOptions.safe(target) if safe else CastOptions.unsafe(target)
    return call_function("cast", [data], options)
