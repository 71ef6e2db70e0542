"""The codebook's rules for every cell: no empty strings, no padding, no spreadsheet-formula prefix, and no control
or invisible characters (NUL, zero-width space, BOM, bidi controls, …) except in a span's verbatim text, where the
span check holds the text to the article's own characters."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..tabular import scan_positions
from . import roles
from .engine import RowRules
from .sql import Rule, q

BLANK = "(9, 10, 11, 12, 13, 32, 160)"
# C0 and C1 controls, DEL, soft hyphen, zero-width and directional marks, bidi embeddings and isolates, word joiner
# and invisible operators, the byte order mark / zero-width no-break space, interlinear annotation marks
INVISIBLE = (r"[\x00-\x1f\x7f-\x9f\x{ad}\x{200b}-\x{200f}\x{202a}-\x{202e}\x{2060}-\x{2064}\x{2066}-\x{206f}"
             r"\x{feff}\x{fff9}-\x{fffb}]")


def string_rules(f) -> list[Rule]:
    """Hygiene rules of a field: no empty string, no padding (except verbatim span texts), no formula prefix."""
    col = q(f.name)
    rules = [Rule("empty-string", f.name, f"{col} = ''", "a non-empty value or an empty cell (null)", col)]
    if not roles.keeps_padding(f):
        rules.append(Rule("whitespace", f.name, f"(ascii({col}) IN {BLANK} OR ascii(right({col}, 1)) IN {BLANK})",
                          "no leading or trailing whitespace", col))
    if f.type == "string" and not roles.allows_formula_prefix(f):
        rules.append(Rule("formula-cell", f.name, f"ascii({col}) IN (61, 43, 45, 64, 9, 13)",
                          "no leading =, +, -, @, tab or CR (spreadsheet formula)", col))
    return rules


_LEAD = np.zeros(256, dtype=bool)
_LEAD[list(range(0x20)) + [0x7F, 0xC2, 0xE2, 0xEF]] = True  # bytes that start (or are) a character INVISIBLE lists


def may_hold_invisible(col: pa.ChunkedArray) -> bool:
    """Whether any value of a string column may hold a character of INVISIBLE: a byte-level screen (one table
    lookup per byte), exact in the sense that it never says no when the rule would fail."""
    for chunk in col.chunks:
        if len(chunk) == chunk.null_count:
            continue
        data = chunk.buffers()[2]
        if data is None:
            continue
        buf = np.frombuffer(data, dtype=np.uint8)
        (lead,) = scan_positions(buf, lambda b: _LEAD[b])
        if not len(lead):
            continue
        b = buf[lead]
        if (b < 0x20).any() or (b == 0x7F).any():
            return True
        nxt = np.append(buf, [0, 0])[np.minimum(lead + 1, len(buf))]
        third = np.append(buf, [0, 0])[np.minimum(lead + 2, len(buf))]
        if ((b == 0xC2) & (((nxt >= 0x80) & (nxt <= 0x9F)) | (nxt == 0xAD))).any():
            return True
        e2 = (b == 0xE2) & (((nxt == 0x80) & (((third >= 0x8B) & (third <= 0x8F)) | ((third >= 0xAA) & (third <= 0xAE))))
                            | ((nxt == 0x81) & (third >= 0xA0) & (third <= 0xAF)))
        ef = (b == 0xEF) & (((nxt == 0xBB) & (third == 0xBF)) | ((nxt == 0xBF) & (third >= 0xB9) & (third <= 0xBB)))
        if e2.any() or ef.any():
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
