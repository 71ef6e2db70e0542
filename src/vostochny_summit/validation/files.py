"""The file layer: each CSV is UTF-8 without BOM, LF only, parses, has the schema's header, and no ragged rows.

Provides "raw": the table parsed with every cell a string (plus __row, the 1-based data row), or None."""

from __future__ import annotations

from ..tabular import PARSE_SLICE, read_raw
from .byte_scans import first_byte, pages_behind, with_row_numbers
from .descriptor import unsafe_path
from .engine import Check
from .problem import Problem


def check_file(ctx):
    t = ctx.table
    if unsafe_path(t.resource.get("path")) or not t.csv_path.is_file():
        return [], None  # reported by the descriptor layer
    name = ctx.rel(t.csv_path)
    out = []

    def add(code, **kw):
        out.append(Problem(code=code, file=name, **kw))

    try:
        data = ctx.bytes(t.csv_path)
    except OSError as exc:
        add("unreadable-file", table=t.name, value=str(exc), expected="a readable CSV file")
        return out, None
    if data[:3] == b"\xef\xbb\xbf":
        add("bom", expected="UTF-8 without a byte order mark")
    # a large file's mapped pages leave this process's memory behind the search and the parse (read_raw parses it a
    # slice at a time); a file parsed whole is all mapped by the parse anyway, and letting its pages go behind the
    # search only made the parse map them again
    behind = pages_behind(data) if len(data) > PARSE_SLICE else None
    cr = first_byte(data, b"\r", behind)
    if cr >= 0:
        line = data[:cr].count(b"\n") + 1
        add("line-ending", value="CR", expected=f"LF line endings only (first CR on line {line})")
    # pyarrow checks UTF-8 while parsing; Python locates a bad byte only when it fails. A large file's pages leave this
    # process's memory as it is parsed: held beside all of its parsed cells, they were 500 MB more at the peak of a
    # 10 M-row package.
    raw = read_raw(data, behind=behind, threads=ctx.arrow_threads)
    if raw.error:
        try:
            bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            row = data[: exc.start].count(b"\n") or None  # the header is line 1; a bad byte in it has no row
            add("encoding", table=t.name if row else None, row=row, value=not_utf8(data, exc.start),
                expected=f"valid UTF-8 (byte {exc.start} of the file{_single_byte_guess(data)})")
            return out, None
        add("parse-error", value=raw.error, expected="a parseable CSV")
        return out, None
    # parsed: the map goes (the canonical check maps the file again when it runs), so that a large table's bytes do not
    # stay in this process's memory while its cells wait for the table's other checks
    del data
    ctx.release(t.csv_path)
    expected = t.field_names
    if raw.header != expected:
        missing = [c for c in expected if c not in raw.header]
        extra = [c for c in raw.header if c not in expected]
        detail = "; ".join(x for x in (missing and f"missing {missing}", extra and f"extra {extra}",
                                       not missing and not extra and "wrong order") if x)
        add("header", table=t.name, value=",".join(raw.header), expected=f"the schema's fields in order: {','.join(expected)} ({detail})")
        return out, None
    for row, cells in raw.ragged_rows:
        add("ragged-row", table=t.name, row=row, value=f"{cells} cells", expected=f"{len(expected)} cells")
    return out, with_row_numbers(raw.data)


CHECKS = [
    Check("files", check_file, ("unreadable-file", "bom", "line-ending", "encoding", "parse-error", "header", "ragged-row"),
          provides="raw", per_table=True, release=lambda raw, pkg, t, options: None,  # read by the table's own checks only
          over_batches=True),
]


def not_utf8(data, at: int) -> str:
    """The byte that is not UTF-8, in hex, and the text around it (bytes that are not UTF-8 shown as U+FFFD)."""
    around = bytes(data[max(0, at - 24): at + 24]).decode("utf-8", "replace").replace("\n", " ")
    return f"byte 0x{data[at]:02X} in …{around}…"


def _single_byte_guess(data) -> str:
    """A hint when the whole file reads as Windows-1252, what spreadsheets and older editors save as "CSV" on
    Windows (its bytes 0x80-0x9F are curly quotes, dashes and ellipses)."""
    if any(data.find(b) >= 0 for b in CP1252_UNDEFINED):  # searched in place: no copy of a large file
        return ""
    return "; the file reads as Windows-1252: saved by a spreadsheet or an editor in that encoding? Save it as UTF-8"


CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")  # the only bytes Windows-1252 does not define
