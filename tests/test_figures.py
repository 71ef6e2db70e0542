"""docs/timeline.svg: reproducible, and the summit's year readable on its own month scale."""

from __future__ import annotations

import re
from html import escape

from vostochny_summit.docs.timeline import LEFT, RIGHT, W, _descendants, centre, part_counts, render_timeline
from vostochny_summit.tabular import read_typed


def test_timeline_is_a_function_of_the_events_alone(pkg):
    """The SVG depends on the events' values only: read from the CSV or from the Parquet file, in any row order, the
    events render to the committed docs/timeline.svg byte for byte."""
    import pyarrow.parquet as pq

    from_csv = read_typed(pkg.table("events"))
    from_parquet = pq.read_table(pkg.table("events").parquet_path)
    shuffled = from_csv.take(list(range(from_csv.num_rows))[::-1])
    committed = (pkg.root / "docs" / "timeline.svg").read_text(encoding="utf-8")
    assert render_timeline(from_csv) == committed
    assert render_timeline(from_parquet) == committed
    assert render_timeline(shuffled) == committed


def test_the_centre_is_the_one_day_event_with_the_most_parts(pkg):
    """Not named in code: renaming the summit's id keeps the figure, and the day marked is the summit's."""
    rows = read_typed(pkg.table("events")).to_pylist()
    subject = centre(rows)
    day = next(r for r in rows if r["event_id"] == subject)
    assert day["date_earliest"] == day["date_latest"]
    parts = {r["event_id"]: sum(1 for x in rows if x["parent_event_id"] == r["event_id"]) for r in rows}
    assert parts[subject] >= 3 and all(parts[r["event_id"]] <= parts[subject] for r in rows
                                       if r["date_earliest"] and r["date_earliest"] == r["date_latest"])
    renamed = [dict(r, event_id="renamed") if r["event_id"] == subject else
               dict(r, parent_event_id="renamed") if r["parent_event_id"] == subject else r for r in rows]
    assert centre(renamed) == "renamed"
    svg = render_timeline(read_typed(pkg.table("events")))
    assert f"The summit day, {day['date']}" in svg and f"summit, {day['date']}" in svg


def test_the_summit_year_has_a_month_panel_where_a_month_is_wide(pkg):
    events = read_typed(pkg.table("events"))
    svg = render_timeline(events)
    rows = events.to_pylist()
    year = next(r for r in rows if r["event_id"] == centre(rows))["date_earliest"].year
    for month in ("Jan", "Jun", "Sep", "Dec"):
        assert f'class="tick">{month}</text>' in svg
    month_width = (W - LEFT - RIGHT) * 28 / 366
    one_month = [r for r in rows if r["date_earliest"] and r["date_earliest"].year == year
                 and r["date_earliest"].month == r["date_latest"].month and r["date_earliest"].day == 1
                 and r["date_latest"].day >= 28]
    assert one_month, "no event dated to a month in the summit year to check the scale with"
    for r in one_month:
        text = re.escape(f'class="lab">{escape(r["title"][:60])} ({escape(r["date"])})</text>')
        label = text + r'<rect x="[0-9.]+" y="[0-9.]+" width="([0-9.]+)"'
        widths = [float(w) for w in re.findall(label, svg)]
        assert widths and widths[-1] >= month_width * 0.99, (r["event_id"], widths)


def test_part_counts_are_the_subtree_sizes_in_linear_time(pkg):
    """part_counts (rows × depth, where walking every subtree was rows²) gives each event's number of descendants, as
    walking its subtree does; on the real events and on random forests (a cycle, which validate rejects, ends the
    climb instead of looping)."""
    import random

    rows = read_typed(pkg.table("events")).to_pylist()
    assert part_counts(rows) == {r["event_id"]: len(_descendants(rows, r["event_id"])) for r in rows}
    rng = random.Random(3)
    for _ in range(50):
        n = rng.randint(1, 30)
        forest = [{"event_id": f"e{i}", "parent_event_id": f"e{rng.randrange(i)}" if i and rng.random() < 0.7 else None}
                  for i in range(n)]
        assert part_counts(forest) == {r["event_id"]: len(_descendants(forest, r["event_id"])) for r in forest}
    assert part_counts([{"event_id": "a", "parent_event_id": "b"}, {"event_id": "b", "parent_event_id": "a"}]) == {"a": 1, "b": 1}
