"""Datasette metadata for the SQLite export, generated from the model (tables, fields, vocabularies) and the
descriptor (title, licence, version).

Titles, descriptions, licence and source for the instance; per table its description, per-column descriptions,
facets (the fields with a category vocabulary), a label column for foreign-key links, full-text search; the two views;
and the README's questions as canned queries (queries.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..model import RESOURCES
from ..package import Package
from .queries import QUERIES
from .sqlite import FTS, VIEWS


def metadata_path(db: str | Path) -> Path:
    """Where the metadata for a database file goes: beside it, `<stem>.metadata.json`."""
    db = Path(db)
    return db.with_name(db.stem + ".metadata.json")


def datasette_metadata(pkg: Package, db_name: str) -> dict:
    d = pkg.descriptor
    data_licence = next((lic for lic in d.get("licenses", []) if lic["name"] == "CC-BY-4.0"), {})
    tables: dict[str, dict] = {}
    for name in pkg.tables:
        res = RESOURCES[name]
        entry = {
            "title": res.title,
            "description": res.description,
            "columns": {f.name: f.description for f in res.fields},
            # facets: every vocabulary column, then the article a span is in
            "facets": [f.name for f in res.fields if f.vocabulary] + [f.name for f in res.fields if f.kind == "span-source"],
        }
        if res.label:
            entry["label_column"] = res.label
        if name in FTS:
            entry["fts_table"] = f"{name}_fts"
            entry["fts_pk"] = "rowid"
        tables[name] = entry
        if name in FTS:
            tables[f"{name}_fts"] = {"hidden": True}
    for name, view in VIEWS.items():
        tables[name] = {"title": name.replace("_", " ").capitalize(), "description": view["description"],
                        "columns": view_column_descriptions(pkg, view)}
    return {
        "title": d.get("title", d["name"]),
        "description": d.get("description", ""),
        "license": "CC BY 4.0 (data); the article texts are third-party copyright",
        "license_url": data_licence.get("path", "https://creativecommons.org/licenses/by/4.0/"),
        "source": f"{d['name']} {d.get('version', '')}: five news articles, curated (CURATION.md)",
        "source_url": d.get("homepage", ""),
        "databases": {
            db_name: {
                "title": d.get("title", d["name"]),
                "description": f"Version {d.get('version')}. Every table, typed and keyed as in the Table Schemas.",
                "tables": tables,
                "queries": {k: {"title": q["title"], "description": q["description"], "sql": q["sql"].rstrip().rstrip(";")}
                            for k, q in QUERIES.items()},
            }
        },
    }


def view_column_descriptions(pkg: Package, view: dict) -> dict[str, str]:
    """A view's output columns, described: `alias.column` borrows the description of that table's column; a computed
    or renamed column takes its description from the view's own `columns`."""
    sql = view["sql"]
    tables = dict((alias, table) for table, alias in re.findall(r"(?:FROM|JOIN)\s+(\w+)\s+(\w+)", sql))
    select = sql.split("\nFROM", 1)[0].removeprefix("SELECT")
    items, depth, cur = [], 0, ""
    for ch in select:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            items.append(cur.strip())
            cur = ""
        else:
            cur += ch
    items.append(cur.strip())
    out = {}
    for item in items:
        name = item.split(" AS ")[-1].strip().split(".")[-1]
        m = re.fullmatch(r"(\w+)\.(\w+)", item)
        out[name] = view["columns"][name] if name in view["columns"] else pkg.table(tables[m[1]]).field(m[2]).description
    return out


def write_metadata(pkg: Package, db: str | Path) -> Path:
    out = metadata_path(db)
    out.write_text(json.dumps(datasette_metadata(pkg, Path(db).stem), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out
