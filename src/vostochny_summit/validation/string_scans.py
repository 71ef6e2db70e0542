"""Scans of Arrow string columns read from their buffers, for every row at once: where a mark occurs in each value,
and the cheap hygiene screen of a column's first and last bytes. Exact, and far cheaper than a search per value."""

from __future__ import annotations

import pyarrow as pa

from .. import kernels as pc


def string_buffers(chunk: pa.Array) -> tuple:
    """(chunk, its offsets, the data bytes) of a string chunk as numpy views of its Arrow buffers: offsets[i] to
    offsets[i + 1] are value i's bytes in data. Another type is cast to large_string first."""
    import numpy as np

    if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
        chunk = pc.cast(chunk, pa.large_string())
    _, offsets_buf, data_buf = chunk.buffers()
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32  # the offsets as they are stored
    offsets = (np.frombuffer(offsets_buf, dtype=width)[chunk.offset: chunk.offset + len(chunk) + 1]
               if offsets_buf is not None else np.zeros(len(chunk) + 1, dtype=width))
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, dtype=np.uint8)
    return chunk, offsets, data


def occurrences(col: pa.ChunkedArray, mark: str) -> tuple:
    """Per row: how many times mark occurs in the value, and the byte position (in its chunk's data) of its first
    occurrence, -1 if none; a null holds none. From one scan of each chunk's data (rows found from the positions)."""
    import numpy as np

    code = mark.encode()
    count = np.zeros(len(col), dtype=np.int64)
    first = np.full(len(col), -1, dtype=np.int64)
    row0 = 0
    for chunk in col.chunks:
        if len(chunk) > chunk.null_count:
            chunk, offsets, buf = string_buffers(chunk)
            at = np.flatnonzero(buf == code[0])
            for k, byte in enumerate(code[1:], 1):
                at = at[(at + k < len(buf)) & (buf[np.minimum(at + k, len(buf) - 1)] == byte)]
            at = at[(at >= offsets[0]) & (at < offsets[-1])]
            row = np.searchsorted(offsets, at, side="right") - 1
            if chunk.null_count:
                keep = pc.is_valid(chunk).to_numpy(zero_copy_only=False)[row]  # a null's slot may still hold bytes
                at, row = at[keep], row[keep]
            count[row0: row0 + len(chunk)] += np.bincount(row, minlength=len(chunk))
            firsts = np.full(len(chunk), -1, dtype=np.int64)
            firsts[row[::-1]] = at[::-1]  # the last write wins: the first occurrence
            first[row0: row0 + len(chunk)] = firsts
        row0 += len(chunk)
    return count, first


def hygiene_suspects(col: pa.ChunkedArray, whitespace: bool = True, formula: bool = True) -> bool:
    """Whether any value of a string column is empty, or (optionally) starts or ends with whitespace (tab, LF, VT,
    FF, CR, space, NBSP) or starts like a spreadsheet formula (=, +, -, @, tab, CR).

    Reads only the first and last bytes of each value from the Arrow buffers: exact, and far cheaper than a scan.
    """
    import numpy as np

    blank = np.zeros(256, dtype=bool)
    blank[[9, 10, 11, 12, 13, 32]] = True
    starts_formula = np.zeros(256, dtype=bool)
    starts_formula[[ord(c) for c in "=+-@\t\r"]] = True
    for chunk in col.chunks:
        if len(chunk) == chunk.null_count:
            continue
        chunk, offsets, data = string_buffers(chunk)
        start, end = offsets[:-1], offsets[1:]
        valid = pc.is_valid(chunk).to_numpy(zero_copy_only=False) if chunk.null_count else np.ones(len(chunk), dtype=bool)
        if (valid & (end == start)).any():
            return True
        keep = valid & (end > start)
        start, end = start[keep], end[keep]
        first, last = data[start], data[end - 1]
        if formula and starts_formula[first].any():
            return True
        if whitespace:
            two = end - start >= 2
            second = data[np.where(two, start + 1, start)]
            before_last = data[np.where(two, end - 2, end - 1)]
            nbsp_first = two & (first == 0xC2) & (second == 0xA0)
            nbsp_last = two & (before_last == 0xC2) & (last == 0xA0)
            if (blank[first] | blank[last] | nbsp_first | nbsp_last).any():
                return True
    return False


SLUG_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789-"  # the bytes of the model's SLUG_PATTERN ([a-z0-9]+(-[a-z0-9]+)*); a
# test holds all_slugs to that pattern itself (tests/test_screens.py), so a new pattern fails it


def all_slugs(col) -> bool:
    """True only when every non-null value of a string column matches the model's SLUG_PATTERN, read from its bytes:
    only SLUG_BYTES, no '--' anywhere, and no value empty, or starting or ending with '-'. ([a-z0-9]+ words joined by
    single hyphens are exactly such values.) False when a value does not, or when the bytes cannot tell (a null slot
    holding bytes): the caller then asks the regular expression, which alone names the rows. A fifth of the time of
    RE2's full match on an id column (226 k ids: 2.0 against 10.5 ms)."""
    for part in _values_within(col, SLUG_BYTES):
        if part is None:
            return False
        data, starts, ends = part
        if ((data[:-1] == 45) & (data[1:] == 45)).any():  # a '--' across two values: one ends or starts with '-'
            return False
        if (data[starts] == 45).any() or (data[ends - 1] == 45).any():
            return False
    return True


def _values_within(col, allowed: bytes):
    """For each chunk of a string column that holds a value: its data bytes (numpy) and each non-null value's start and
    end in them; None instead, and nothing more, when a byte there is not one of `allowed` or a value is empty (the
    caller's answer is then False; a null slot holding bytes counts as there)."""
    for chunk in col.chunks if isinstance(col, pa.ChunkedArray) else [col]:
        if chunk.null_count == len(chunk):
            continue
        chunk, offsets, data = string_buffers(chunk)
        lo, hi = int(offsets[0]), int(offsets[-1])
        data = data[lo:hi]
        starts, ends = offsets[:-1] - lo, offsets[1:] - lo
        if chunk.null_count:
            valid = pc.is_valid(chunk).to_numpy(zero_copy_only=False)
            starts, ends = starts[valid], ends[valid]
        if data.tobytes().translate(None, allowed) or (ends <= starts).any():
            yield None
            return
        yield data, starts, ends


INTEGER_BYTES = b"0123456789-"


def all_canonical_integers(col) -> bool:
    """True only when every non-null value of a string column is an integer written as Arrow and Python write one:
    '0', or an optional '-' and digits that do not start with '0' (^(0|-?[1-9][0-9]*)$), read from its bytes. A
    column cast to an integer type then renders back to its own text, value by value, which
    field_rules._integer_rule_needed otherwise learns by rendering every value and comparing (18 ms of 14 columns at
    1.09 M rows). False when a value is not, or when the bytes cannot tell (a null slot holding bytes)."""
    for part in _values_within(col, INTEGER_BYTES):
        if part is None:
            return False
        data, starts, ends = part
        minus = data[starts] == 45
        if int(minus.sum()) != int((data == 45).sum()):  # a '-' that does not start its value
            return False
        digits = starts + minus
        if (digits >= ends).any():  # a '-' alone
            return False
        if ((data[digits] == 48) & (minus | (ends - digits > 1))).any():  # '-0', or a '0' before more digits
            return False
    return True
