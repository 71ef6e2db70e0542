"""A problem found by `validate`, and the report that lists them (text or JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

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

    def line(self) -> str:
        if self.table is not None and self.row is not None:
            where = f"{self.table} row {self.row}" + (f" (key={self.key})" if self.key else "")
            fld = f" field {self.field}" if self.field else ""
            return f"{where}{fld}: got {_show(self.value)}, expected {self.expected} [{self.code}]"
        if self.table is not None and self.field:
            return f"{self.table} field {self.field}: got {_show(self.value)}, expected {self.expected} [{self.code}]"
        got = f"got {_show(self.value)}, " if self.value is not None else ""
        return f"{self.file}: {got}expected {self.expected} [{self.code}]"


def _show(v) -> str:
    if v is None:
        return "empty"
    s = str(v)
    return repr(s if len(s) <= 80 else s[:77] + "...")


LAYERS = {"descriptor": 0, "files": 1, "schema": 2, "domain": 3, "parquet": 4}


def in_order(problems: list[Problem], tables: list[str]) -> list[Problem]:
    """Problems in the fixed report order: layer, table (descriptor order), file, row, field, code, value."""
    rank = {n: i for i, n in enumerate(tables)}
    return sorted(problems, key=lambda p: (LAYERS.get(p.layer, 9), rank.get(p.table, -1), p.file, p.row or 0, p.field or "",
                                           p.code, str(p.value), p.expected))


def report(problems: list[Problem], fmt: str = "text", limit: int | None = None) -> str:
    """The report of a run; limit (text and JSON) shows at most that many problems, the summary still counts all."""
    if fmt == "json":
        shown = problems if limit is None else problems[:limit]
        return json.dumps([asdict(p) | {"message": p.line()} for p in shown], indent=2, ensure_ascii=False)
    lines, shown = [], {}
    for p in problems:
        k = (p.table or p.file, p.field, p.code)
        shown[k] = shown.get(k, 0) + 1
        if shown[k] <= SHOW and (limit is None or len(lines) < limit):
            lines.append(p.line())
    for k, n in shown.items():
        if n > SHOW:
            lines.append(f"{k[0]}: … {n - SHOW} more [{k[2]}] errors in field {k[1]} (use --format json for all)")
    if limit is not None and len(problems) > limit:
        lines.append(f"… {len(problems) - limit} more (--limit {limit})")
    per: dict[str, int] = {}
    for p in problems:
        per[p.table or p.file] = per.get(p.table or p.file, 0) + 1
    if problems:
        lines.append("")
        lines.append("Summary: " + ", ".join(f"{k}: {v} error{'s' if v != 1 else ''}" for k, v in per.items()))
        lines.append(f"INVALID: {len(problems)} error{'s' if len(problems) != 1 else ''}")
    else:
        lines.append("VALID: all checks passed")
    return "\n".join(lines)
