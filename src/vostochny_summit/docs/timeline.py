"""The events timeline figure (docs/timeline.svg), drawn from the events table as plain, deterministic SVG.

The event the figure centres on (its day marked, its parts listed) is found from the data, not named in code: of the
events dated to one day, the one with the most parts (descendants through the parent column); in this package, the
summit.
Columns come from the model (model.columns.events)."""

from __future__ import annotations

import datetime as dt
from html import escape

import pyarrow as pa

from ..model.columns import events as event_columns
from ..model.vocabularies import EVENT_STATUS

E = event_columns()
W, LEFT, RIGHT, ROW = 1100, 440, 30, 18
PALETTE = ("#1f5fa8", "#1f8a5b", "#c77d00", "#8a4fbf", "#b03030", "#777777")  # one colour per event status, in order
STATUS_COLOUR = dict(zip(EVENT_STATUS.values, PALETTE, strict=True))  # the statuses come from the model


def _descendants(rows: list[dict], root: str) -> list[tuple[int, dict]]:
    """(depth, event) for the subtree under root, depth-first, children by id."""
    kids: dict[str | None, list[dict]] = {}
    for r in rows:
        kids.setdefault(r[E.parent], []).append(r)
    out: list[tuple[int, dict]] = []

    def walk(eid: str, depth: int) -> None:
        for child in sorted(kids.get(eid, []), key=lambda r: r[E.id]):
            out.append((depth, child))
            walk(child[E.id], depth + 1)

    walk(root, 0)
    return out


def part_counts(rows: list[dict]) -> dict[str, int]:
    """Per event id, how many events lie under it through the parent column, at any depth (len of _descendants):
    each event adds one to each of its ancestors, so the cost is rows × depth, not rows² (a build at 1 M rows has
    about 8,000 events)."""
    parent = {r[E.id]: r[E.parent] for r in rows}
    counts = dict.fromkeys(parent, 0)
    for eid in parent:
        seen, up = {eid}, parent[eid]
        while up in counts and up not in seen:  # a cycle is a validate error; never loop on one
            counts[up] += 1
            seen.add(up)
            up = parent[up]
    return counts


def centre(rows: list[dict]) -> str:
    """The id of the event dated to one day that has the most parts (ties: the first id)."""
    dated = [r for r in rows if r[E.earliest] and r[E.earliest] == r[E.latest]]
    parts = part_counts(rows)
    return min(dated, key=lambda r: (-parts[r[E.id]], r[E.id]))[E.id]


def _axis(lo: dt.date, hi: dt.date):
    span = (hi - lo).days
    return lambda d: LEFT + (W - LEFT - RIGHT) * (d - lo).days / span  # noqa: E731


def _bars(out: list[str], rows: list[dict], y: int, lo: dt.date, hi: dt.date, ticks: list[tuple[dt.date, str]],
          mark: tuple[dt.date, str] | None = None) -> int:
    """One panel: a labelled bar per event over [lo, hi), grid lines at ticks, an optional marked day; returns y below."""
    x = _axis(lo, hi)
    bottom = y + ROW * len(rows)
    for day, label in ticks:
        gx = x(day)
        out.append(f'<line x1="{gx:.1f}" y1="{y - 4}" x2="{gx:.1f}" y2="{bottom}" class="grid"/>'
                   f'<text x="{gx:.1f}" y="{bottom + 12}" class="tick">{label}</text>')
    if mark:
        mx = (x(mark[0]) + x(mark[0] + dt.timedelta(days=1))) / 2
        out.append(f'<line x1="{mx:.1f}" y1="{y - 8}" x2="{mx:.1f}" y2="{bottom}" class="mark"/>'
                   f'<text x="{mx + 4:.1f}" y="{y - 10}" class="marklab">{escape(mark[1])}</text>')
    for r in rows:
        x0 = x(max(r[E.earliest], lo))
        x1 = x(min(r[E.latest] + dt.timedelta(days=1), hi))
        colour = STATUS_COLOUR.get(r[E.status], "#333")
        out.append(f'<text x="{LEFT - 8}" y="{y + 12}" class="lab">{escape(r[E.title][:60])} ({escape(r[E.date])})</text>'
                   f'<rect x="{x0:.1f}" y="{y + 3}" width="{max(x1 - x0, 3):.1f}" height="{ROW - 6}" fill="{colour}"/>')
        y += ROW
    return bottom


def render_timeline(events: pa.Table) -> str:
    rows = events.to_pylist()
    subject = centre(rows)
    summit_parts = _descendants(rows, subject)
    in_summit = {r[E.id] for _, r in summit_parts} | {subject}
    summit = next(r for r in rows if r[E.id] == subject)
    order = lambda r: (r[E.earliest], r[E.latest], r[E.id])  # noqa: E731
    dated = sorted((r for r in rows if r[E.earliest] and r[E.id] not in in_summit), key=order)
    undated = sorted(r[E.title] for r in rows if not r[E.earliest] and r[E.id] not in in_summit)
    lo = min(r[E.earliest] for r in dated).replace(month=1, day=1)
    hi = dt.date(max(r[E.latest] for r in dated).year + 1, 1, 1)
    out: list[str] = []
    y = 40
    out.append(f'<text x="10" y="{y - 14}" class="h">Context: dated events in the articles '
               '(bar = the span the stated or derived date covers)</text>')
    step = 5 if hi.year - lo.year > 30 else 1
    y = _bars(out, dated, y, lo, hi, [(dt.date(yr, 1, 1), str(yr)) for yr in range(lo.year, hi.year + 1, step)])

    # the summit's year on a month scale: on the axis above, all of it is the last few pixels
    year = summit[E.earliest].year
    y0, y1 = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    in_year = sorted((r for r in rows if r[E.earliest] and r[E.latest] >= y0 and r[E.earliest] < y1
                      and (r[E.id] not in in_summit or r[E.id] == subject)), key=order)
    y += 52
    out.append(f'<text x="10" y="{y - 24}" class="h">{year}, month by month '
               '(a bar that fills the year: the article gives only the year)</text>')
    months = [(dt.date(year, m, 1), dt.date(year, m, 1).strftime("%b")) for m in range(1, 13)] + [(y1, str(year + 1))]
    y = _bars(out, in_year, y, y0, y1, months, (summit[E.earliest], f"summit, {summit[E.date]}"))
    y += 40
    out.append(f'<text x="10" y="{y}" class="h">The summit day, {escape(summit[E.date])}: its parts '
               '(listed by ID: the articles give only a partial order)</text>')
    y += 10
    for depth, r in summit_parts:
        colour = STATUS_COLOUR.get(r[E.status], "#333")
        out.append(f'<circle cx="{24 + 18 * depth}" cy="{y + 9}" r="4" fill="{colour}"/>'
                   f'<text x="{34 + 18 * depth}" y="{y + 13}" class="txt">'
                   f'{escape(r[E.title])} — {escape(r[E.type])}, {escape(r[E.status])}</text>')
        y += ROW
    y += 24
    out.append(f'<text x="10" y="{y}" class="h">Undated in the articles ({len(undated)})</text>')
    line, y = "", y + 18
    for title in undated:
        if len(line) + len(title) > 160:
            out.append(f'<text x="10" y="{y}" class="txt">{escape(line.rstrip("; "))}</text>')
            line, y = "", y + ROW
        line += title + "; "
    if line:
        out.append(f'<text x="10" y="{y}" class="txt">{escape(line.rstrip("; "))}</text>')
    y += 30
    legend = "".join(f'<rect x="{10 + i * 130}" y="{y - 10}" width="12" height="12" fill="{c}"/>'
                     f'<text x="{26 + i * 130}" y="{y}" class="txt">{s}</text>' for i, (s, c) in enumerate(STATUS_COLOUR.items()))
    height = y + 20
    style = ("<style>.h{font:bold 14px sans-serif}.lab{font:11px sans-serif;text-anchor:end}.txt{font:12px sans-serif}"
             ".tick{font:10px sans-serif;text-anchor:middle;fill:#555}.grid{stroke:#ddd;stroke-width:1}"
             ".mark{stroke:#b03030;stroke-width:1;stroke-dasharray:3 2}.marklab{font:10px sans-serif;fill:#b03030}</style>")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{height}" viewBox="0 0 {W} {height}">'
            f'<rect width="100%" height="100%" fill="white"/>{style}\n' + "\n".join(out) + "\n" + legend + "\n</svg>\n")
