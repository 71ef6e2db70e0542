"""`sql --format table`: rows as a table that fits the terminal; a cell too wide is cut at a word's edge with "…"."""

from __future__ import annotations

import shutil
import sys

MIN_WIDTH = 6  # a column is never made narrower than this (or its header, when shorter)


def cut(text: str, width: int) -> str:
    """text in at most `width` characters: whole words followed by "…" when it is longer (never a split word)."""
    if len(text) <= width:
        return text
    room = width - 1
    head = text[:room + 1]
    space = head.rfind(" ")
    kept = head[:space].rstrip() if space > 0 else ""
    return kept + "…"


def fit(widths: list[int], total: int) -> list[int]:
    """Column widths that fit `total` characters (with " | " between columns), taking room from the widest first."""
    widths = list(widths)
    budget = total - 3 * (len(widths) - 1)
    floor = [min(w, MIN_WIDTH) for w in widths]
    while sum(widths) > budget:
        i = max(range(len(widths)), key=lambda k: widths[k] - floor[k])
        if widths[i] <= floor[i]:
            break
        widths[i] -= 1
    return widths


def print_table(columns: list[str], rows: list[tuple], width: int | None = None, out=None) -> None:
    out = out or sys.stdout
    width = width or shutil.get_terminal_size((120, 24)).columns
    cells = [["" if v is None else str(v).replace("\n", " ") for v in row] for row in rows]
    natural = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    widths = fit(natural, width)
    line = lambda values: " | ".join(cut(v, w).ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()  # noqa: E731
    print(line(columns), file=out)
    print("-+-".join("-" * w for w in widths), file=out)
    for r in cells:
        print(line(r), file=out)
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", file=out)
