"""Render every page with Jinja2 and write the folder: into a fresh folder beside OUT, which then replaces OUT.

OUT may be new, empty, or a site this command wrote before (its index.html names the generator); anything else is
refused, so that a mistyped path never loses a folder. Files are written in a fixed order with LF line ends and no
timestamps, so the same package gives the same bytes.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ...package import Package
from . import GENERATOR
from .content import Site
from .pages import article_page, index_page, row_page, search_index
from .palette import STANCE, css_variables

HERE = Path(__file__).resolve().parent
ASSETS = "assets"


def environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                              undefined=jinja2.StrictUndefined)


def pages(pkg: Package) -> dict[str, str]:
    """Every file of the site: its path (relative, POSIX) -> its text."""
    site = Site(pkg)
    env = environment()
    site_title = pkg.descriptor.get("title", "")
    common = {"generator": GENERATOR, "site_title": site_title, "version": pkg.version,
              "licenses": pkg.descriptor.get("licenses", []), "nav": [(tv.title, tv.folder) for tv in site.page_tables]}
    files: dict[str, str] = {}
    index = env.get_template("index.html")
    files["index.html"] = index.render(common, root="", **index_page(site, site_title))
    article = env.get_template("article.html")
    lanes = 0
    for row in site.sources.rows:
        context = article_page(site, row)
        lanes = max(lanes, context["lanes"])
        files[site.sources.page(row)] = article.render(common, root="../", **context)
    page = env.get_template("row.html")
    for tv in site.page_tables:
        if tv is site.sources:
            continue
        for row in tv.rows:
            files[tv.page(row)] = page.render(common, root="../", **row_page(site, tv, row))
    retired = env.get_template("retired.html")
    for r in site.retired:
        tv = site.tables.get(r["table"])
        if tv is not None and tv.folder and r["id"] not in tv.by_id:
            files[f"{tv.folder}/{r['id']}.html"] = retired.render(common, root="../", heading=f"Retired: {r['id']}",
                                                                  r=r, table_title=tv.title)
    files[f"{ASSETS}/site.css"] = env.get_template("site.css").render(variables=css_variables(), lanes=range(lanes),
                                                                       stances=list(STANCE))
    files[f"{ASSETS}/site.js"] = (HERE / "static" / "site.js").read_text(encoding="utf-8")
    files[f"{ASSETS}/search-index.js"] = search_index(site)
    return dict(sorted(files.items()))


def _is_site(folder: Path) -> bool:
    index = folder / "index.html"
    try:
        return f'<meta name="generator" content="{GENERATOR}">' in index.read_text(encoding="utf-8")[:2000]
    except (OSError, UnicodeDecodeError):
        return False


def write_site(pkg: Package, out: Path) -> list[Path]:
    """Write the site to `out` (made, or replaced when it is a site written before); return its files."""
    if out.exists() and not (out.is_dir() and (not any(out.iterdir()) or _is_site(out))):
        raise FileExistsError(f"{out} exists and is not a site written by `{GENERATOR}`: give a new or empty folder")
    files = pages(pkg)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for rel, text in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        for d in [tmp, *(p for p in tmp.rglob("*") if p.is_dir())]:
            d.chmod(0o755)
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [out / rel for rel in files]
