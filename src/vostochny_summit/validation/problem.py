"""A problem found by `validate`, and the report that lists them (text or JSON)."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields

SHOW = 100  # text output: errors shown per (table, field, code) before summarising


@dataclass
class Problem:
    """One problem. Its layer comes from the code's catalogue entry (catalogue.py), as does `expected` when the call
    site gives none; only problems of another validator (frictionless) name their own layer."""

    code: str
    file: str
    table: str | None = None
    row: int | None = None  # 1-based data row (row 1 = first line below the header)
    key: str | None = None
    field: str | None = None
    value: str | None = None
    expected: str = ""
    layer: str = ""

    def __post_init__(self):
        if not self.layer or not self.expected:
            from .catalogue import CODES

            entry = CODES.get(self.code)
            if entry is None and not self.layer:
                raise KeyError(f"error code {self.code!r} is not in the catalogue")
            self.layer = self.layer or entry.layer
            self.expected = self.expected or (entry.title if entry else "")

    @property
    def line_number(self) -> int | None:
        """The line an editor shows for a row problem: the header is line 1, so data row N is line N + 1 (the same
        number frictionless calls the row number). CSV values here never span lines, so the two never drift."""
        return self.row + 1 if self.row is not None else None

    def where(self) -> str:
        if self.table is not None and self.row is not None:
            inner = f"{self.table} row {self.row}" + (f", key {self.key}" if self.key else "")
            return f"{self.file} line {self.line_number} ({inner})" + (f", column {self.field}" if self.field else "")
        if self.table is not None and self.field:
            return f"{self.file}, column {self.field}"
        if self.code == "header":
            return f"{self.file} line 1 (the header)"
        return self.file

    def line(self) -> str:
        value = _show(self.value, None if self.code == "header" else 80)  # a header is shown whole
        got = f"got {value}, " if self.value is not None or self.row is not None else ""
        return f"{self.where()}: {got}expected {self.expected} [{self.code}]"


def _show(v, limit: int | None = 80) -> str:
    if v is None:
        return "empty"
    s = str(v)
    return repr(s if limit is None or len(s) <= limit else s[:limit - 3] + "...")


LAYERS = {"descriptor": 0, "files": 1, "schema": 2, "domain": 3, "parquet": 4}


def in_order(problems: list[Problem], tables: list[str]) -> list[Problem]:
    """Problems in the fixed report order: layer, table (descriptor order), file, row, field, code, value."""
    rank = {n: i for i, n in enumerate(tables)}
    return sorted(problems, key=lambda p: (LAYERS.get(p.layer, 9), rank.get(p.table, -1), p.file, p.row or 0, p.field or "",
                                           p.code, str(p.value), p.expected))


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # one encoder (json.dumps makes one per call)


def _json_value(v) -> str:
    if v is None or isinstance(v, bool):
        return {None: "null", True: "true", False: "false"}[v]
    return str(v) if type(v) is int else _ENCODE(v)


def _json_item(p: Problem) -> str:
    """One problem as an item of the JSON report: the text json.dumps(list, indent=2, ensure_ascii=False) gives it,
    its scalars encoded one by one by json's C encoder (the indenting encoder is pure Python: 830 k problems took
    30 s and 3.4 GB)."""
    item = {f.name: getattr(p, f.name) for f in fields(p)} | {"line": p.line_number, "message": p.line()}
    if any(isinstance(v, (dict, list, tuple)) for v in item.values()):
        return "  " + json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    return "  {\n" + ",\n".join(f'    "{k}": {_json_value(v)}' for k, v in item.items()) + "\n  }"


def report(problems: list[Problem], fmt: str = "text", limit: int | None = None, causes: list[str] = ()) -> str:
    """The report of a run. Text: the root causes first (advice.root_causes), then every problem as one line (at most
    `limit`; the summary still counts all), then how to fix each code, with its entry in docs/error-codes.md. JSON: the
    problems, each with its line number and message."""
    return "".join(report_parts(problems, fmt, limit, causes))


def report_parts(problems: list[Problem], fmt: str = "text", limit: int | None = None, causes: list[str] = ()):
    """The text of report(), in parts to write as they come: a JSON report of a million problems is not held whole."""
    if fmt == "json":
        shown = problems if limit is None else problems[:limit]
        if not shown:
            yield "[]"
            return
        yield "["
        for i, p in enumerate(shown):
            yield ("\n" if not i else ",\n") + _json_item(p)
        yield "\n]"
        return
    yield _text(problems, limit, causes)


def _text(problems: list[Problem], limit: int | None, causes: list[str]) -> str:
    from .advice import GENERATED, fixes

    lines = [f"Root cause: {c}" for c in causes] + ([""] if causes else [])
    shown: dict = {}
    # the problems of the sources first; those of generated files (a stale hash, a stale Parquet file) follow them
    for p in sorted(problems, key=lambda p: p.code in GENERATED):
        k = (p.table or p.file, p.field, p.code)
        shown[k] = shown.get(k, 0) + 1
        if shown[k] <= SHOW and (limit is None or len(lines) - len(causes) - bool(causes) < limit):
            lines.append(p.line())
    for k, n in shown.items():
        if n > SHOW:
            lines.append(f"{k[0]}: … {n - SHOW} more [{k[2]}] errors in field {k[1]} (use --format json for all)")
    if limit is not None and len(problems) > limit:
        lines.append(f"… {len(problems) - limit} more (--limit {limit})")
    per: dict[str, int] = {}
    for p in problems:
        per[p.file] = per.get(p.file, 0) + 1
    if problems:
        lines += ["", "How to fix:"] + [f"  [{code}] {fix} (docs/error-codes.md#{code})" for code, fix in fixes(problems).items()]
        lines.append("")
        lines.append("Summary: " + ", ".join(f"{k}: {v} error{'s' if v != 1 else ''}" for k, v in per.items()))
        lines.append(f"INVALID: {len(problems)} error{'s' if len(problems) != 1 else ''} "
                     "(line numbers count the header as line 1, as editors and frictionless' row numbers do)")
    else:
        lines.append("VALID: all checks passed")
    return "\n".join(lines)
