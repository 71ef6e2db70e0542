"""The codebook's rules for every cell: no empty strings, no padding, no spreadsheet-formula prefix, and no control
or invisible characters (NUL, zero-width space, BOM, bidi controls, …) except in a span's verbatim text, where the
span check holds the text to the article's own characters."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import roles
from .byte_scans import SCAN_BLOCK
from .engine import RowRules
from .sql import Rule, q

# a value that starts or ends with tab, LF, VT, FF, CR, space or NBSP; one that starts with =, +, -, @, tab or CR. As
# regular expressions (RE2: `$` is the end of the value, never before a final LF), DuckDB plans them in a third of
# the time of the same tests spelt ascii(...) IN (...), and --exhaustive runs each on every cell of every table
PADDED = r"'^[\t-\r \x{a0}]|[\t-\r \x{a0}]$'"
FORMULA = r"'^[=+\-@\t\r]'"
# C0 and C1 controls, DEL, soft hyphen, zero-width and directional marks, bidi embeddings and isolates, word joiner
# and invisible operators, the byte order mark / zero-width no-break space, interlinear annotation marks
INVISIBLE = (r"[\x00-\x1f\x7f-\x9f\x{ad}\x{200b}-\x{200f}\x{202a}-\x{202e}\x{2060}-\x{2064}\x{2066}-\x{206f}"
             r"\x{feff}\x{fff9}-\x{fffb}]")


def string_rules(f) -> list[Rule]:
    """Hygiene rules of a field: no empty string, no padding (except verbatim span texts), no formula prefix."""
    col = q(f.name)
    rules = [Rule("empty-string", f.name, f"{col} = ''", "a non-empty value or an empty cell (null)", col)]
    if not roles.keeps_padding(f):
        rules.append(Rule("whitespace", f.name, f"regexp_matches({col}, {PADDED})",
                          "no leading or trailing whitespace", col))
    if f.type == "string":
        rules.append(Rule("formula-cell", f.name, f"regexp_matches({col}, {FORMULA})",
                          "no leading =, +, -, @, tab or CR (spreadsheet formula)", col))
    return rules


def _follows(buf: np.ndarray, at: np.ndarray, k: int) -> np.ndarray:
    """The byte k after each position (0 past the end)."""
    nxt = at + k
    return np.where(nxt < len(buf), buf[np.minimum(nxt, len(buf) - 1)], 0)


def _block_may_hold(buf: np.ndarray, start: int, block: np.ndarray) -> bool:
    if (block < 0x20).any() or (block == 0x7F).any():
        return True
    c2 = np.flatnonzero(block == 0xC2) + start  # U+0080..U+009F, U+00AD
    if len(c2):
        x = _follows(buf, c2, 1)
        if (((x >= 0x80) & (x <= 0x9F)) | (x == 0xAD)).any():
            return True
    e2 = np.flatnonzero(block == 0xE2) + start  # U+200B..U+200F, U+202A..U+202E, U+2060..U+206F
    if len(e2):
        x, y = _follows(buf, e2, 1), _follows(buf, e2, 2)
        if (((x == 0x80) & (((y >= 0x8B) & (y <= 0x8F)) | ((y >= 0xAA) & (y <= 0xAE)))) | ((x == 0x81) & (y >= 0xA0) & (y <= 0xAF))).any():
            return True
    ef = np.flatnonzero(block == 0xEF) + start  # U+FEFF, U+FFF9..U+FFFB
    if len(ef):
        x, y = _follows(buf, ef, 1), _follows(buf, ef, 2)
        if (((x == 0xBB) & (y == 0xBF)) | ((x == 0xBF) & (y >= 0xB9) & (y <= 0xBB))).any():
            return True
    return False


def may_hold_invisible(col: pa.ChunkedArray) -> bool:
    """Whether any value of a string column may hold a character of INVISIBLE: a byte-level screen (comparisons over
    1 MiB blocks of the column's data), which never says no where the rule would fail (it may say yes for bytes
    between values' ends, which the rule then settles)."""
    for chunk in col.chunks:
        data = chunk.buffers()[2] if len(chunk) > chunk.null_count else None
        if data is None:
            continue
        buf = np.frombuffer(data, dtype=np.uint8)
        for start in range(0, len(buf), SCAN_BLOCK):
            if _block_may_hold(buf, start, buf[start:start + SCAN_BLOCK]):
                return True
    return False


def invisible_rules(t, data: pa.Table, ctx) -> list[Rule]:
    """No control or invisible character in a free-text cell. Verbatim span texts are held to the article instead,
    and a cell with a pattern or a vocabulary is held to that (none of them admits such a character)."""
    out = []
    for f in t.fields:
        if not roles.is_free_text(f) or roles.is_span_text(t, f.name):
            continue
        if ctx.exhaustive or may_hold_invisible(data.column(f.name)):
            col = q(f.name)
            pattern = "'" + INVISIBLE + "'"
            out.append(Rule("invisible-character", f.name, f"regexp_matches({col}, {pattern})",
                            "no control or invisible characters",
                            f"printf('U+%04X at character %d of %s', unicode(regexp_extract({col}, {pattern})), "
                            f"length(regexp_extract({col}, '(?s)^(.*?){INVISIBLE}', 1)) + 1, {col})"))
    return out


ROW_RULES = [RowRules("invisible-characters", invisible_rules, ("invisible-character",))]
