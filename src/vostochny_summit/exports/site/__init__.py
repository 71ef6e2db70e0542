"""`export site DIR`: a static, offline evidence viewer, one page per article, claim, entity and event.

- `index.html`: the dataset at a glance (counts, version, licences), the claims with contested ones first, a search
  box over claims, entities, events, articles and quotes (client side, from `assets/search-index.js`, a script that
  sets a global, because a page opened from file:// may not fetch a JSON file), links to every page, retired ids.
- `articles/<id>.html`: the article text verbatim with every span of every span table marked (marks.py), each mark
  keyboard-focusable, carrying its table, id and offsets, with an anchor; below the text every span described.
- `<table>/<id>.html` for every table whose rows are entities or have evidence (claims, events): its values, its
  evidence in sentence context grouped by stance, and every row that names it.

Stable addresses (one page per id), nothing fetched from the network, readable without JavaScript (the script only
adds the search and the popups), byte-identical for the same package. Jinja2 is imported inside `write`, so listing
the export formats stays cheap.
"""

from __future__ import annotations

from pathlib import Path

from .. import Format

GENERATOR = "vostochny-summit export site"  # the <meta name="generator"> of every page; marks a folder as a site


def write(pkg, out: Path) -> list[Path]:
    from .writer import write_site

    return write_site(pkg, Path(out))


FORMAT = Format("site", "a static, offline evidence viewer: every article with its spans marked, a page per claim, "
                "entity and event, search", "folder", "-site", write, example="site")
