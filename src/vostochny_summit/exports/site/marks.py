"""An article's text with every span marked, overlapping spans included, as nested HTML.

HTML elements nest, spans do not always: two spans may cross (`[a (b] c)`). The text is cut at every span boundary;
at each boundary the spans that end there are closed, and any span still open inside one of them is closed with it
and opened again right after (a *continuation piece*, which repeats the span's data attributes but not its anchor).
Spans that open at the same point open longest first, so nesting needs as few pieces as possible. Every span keeps
exactly one *first piece*: the element with its anchor `id`, `tabindex="0"` and the description it points at.

Underlined layers (evidence) are drawn as lines below the text, one *lane* per span: overlapping spans get different
lanes (the fewest lanes an interval colouring needs, the article's deepest overlap), so each keeps a line of its own
all along its length, whatever else covers the same characters.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Mark:
    """One span's highlight in an article page: the characters it covers and how it is drawn."""

    start: int
    end: int
    order: int  # ties: lower first (outer when two spans cover the same characters)
    classes: str
    data: tuple[tuple[str, str], ...]  # data-* attributes on every piece, in order
    anchor: str  # the first piece's id
    described_by: str  # the id of the element that describes the span
    underlined: bool = False


def assign_lanes(marks: list[Mark]) -> dict[Mark, int]:
    """A lane for every underlined mark: overlapping marks get different lanes, as few as possible in all."""
    lanes: dict[Mark, int] = {}
    busy: list[tuple[int, int]] = []  # (end, lane) of the marks still open
    free: list[int] = []
    used = 0
    for m in sorted((m for m in marks if m.underlined), key=lambda m: (m.start, -m.end, m.order)):
        while busy and busy[0][0] <= m.start:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            lane = heapq.heappop(free)
        else:
            lane, used = used, used + 1
        lanes[m] = lane
        heapq.heappush(busy, (m.end, lane))
    return lanes


def _open(m: Mark, lane: int | None, first: bool) -> str:
    classes = m.classes + (f" lane-{lane}" if lane is not None else "") + ("" if first else " cont")
    attrs = [f'class="{classes}"']
    if first:
        attrs += [f'id="{escape(m.anchor)}"', 'tabindex="0"', f'aria-describedby="{escape(m.described_by)}"']
    attrs += [f'data-{k}="{escape(v)}"' for k, v in m.data]
    return f"<mark {' '.join(attrs)}>"


def render(text: str, marks: list[Mark]) -> tuple[str, int]:
    """The text as HTML with every mark (see the module's docstring), and the number of lanes it uses."""
    lanes = assign_lanes(marks)
    starting: dict[int, list[Mark]] = {}
    for m in marks:
        starting.setdefault(m.start, []).append(m)
    bounds = sorted({0, len(text)} | {m.start for m in marks} | {m.end for m in marks})
    out: list[str] = []
    stack: list[Mark] = []
    for i, p in enumerate(bounds):
        carry: list[Mark] = []
        if any(m.end == p for m in stack):
            while any(m.end == p for m in stack):
                m = stack.pop()
                out.append("</mark>")
                if m.end != p:
                    carry.append(m)
        opening = [(m, False) for m in carry] + [(m, True) for m in starting.get(p, ())]
        for m, first in sorted(opening, key=lambda mf: (-mf[0].end, mf[0].order)):
            out.append(_open(m, lanes.get(m), first))
            stack.append(m)
        if i + 1 < len(bounds):
            out.append(escape(text[p:bounds[i + 1]], quote=False))
    out.extend("</mark>" for _ in stack)
    return "".join(out), (max(lanes.values()) + 1 if lanes else 0)
