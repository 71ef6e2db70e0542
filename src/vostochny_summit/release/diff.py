"""`diff OLD NEW`: what changed between two versions of the package, by id: per table the ids added and removed, and
for each changed row its id with every changed field as old → new (as Dolt's diffs and ACLED's deletion feeds name
rows). A row's id is its primary key, joined with "/" when the key has several columns (an empty part for a null).
`--summary` renders the per-table counts instead. A reader: each side's seal is checked first (a release zip after
unpacking)."""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

from ..package import Package
from ..seal import open_sealed
from ..sql import key_text
from ..tabular import read_typed


@contextmanager
def opened(location):
    """A package directory, or a release zip unpacked into a temporary directory."""
    p = Path(location)
    if p.is_file() and p.suffix == ".zip":
        with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(p) as z:
            z.extractall(tmp)
            roots = [d.parent for d in Path(tmp).rglob("datapackage.json")]
            if not roots:
                raise FileNotFoundError(f"{p}: no datapackage.json in the zip")
            yield open_sealed(min(roots, key=lambda r: len(r.parts)))
    else:
        yield open_sealed(p)


def row_id(key: tuple) -> str:
    return key_text(key)


def _plain(v):
    """A cell as JSON can carry it (dates as ISO strings)."""
    return v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v


def _rows(pkg: Package, name: str) -> dict[str, dict]:
    t = pkg.table(name)
    return {row_id(tuple(r[k] for k in t.primary_key)): r for r in read_typed(t).to_pylist()}


def diff(old, new) -> dict:
    """{'old_version', 'new_version', 'tables': {name: {key, added: [ids], removed: [ids],
    changed: [{key: id, fields: {field: {old, new}}}], columns_added, columns_removed}}}; a table present on one side
    only has {'status': 'table added' | 'table removed'} and, when added, the ids it brings."""
    with opened(old) as a, opened(new) as b:
        out = {"old_version": a.version, "new_version": b.version, "old_root": str(old), "new_root": str(new), "tables": {}}
        for name in sorted(set(a.tables) | set(b.tables)):
            if name not in b.tables:
                out["tables"][name] = {"status": "table removed", "removed": sorted(_rows(a, name))}
                continue
            if name not in a.tables:
                out["tables"][name] = {"status": "table added", "added": sorted(_rows(b, name))}
                continue
            ra, rb = _rows(a, name), _rows(b, name)
            cols_a, cols_b = a.table(name).field_names, b.table(name).field_names
            changed = []
            for key in sorted(set(ra) & set(rb)):
                fields = {c: {"old": _plain(ra[key][c]), "new": _plain(rb[key][c])}
                          for c in cols_b if c in cols_a and ra[key][c] != rb[key][c]}
                if fields:
                    changed.append({"key": key, "fields": fields})
            out["tables"][name] = {
                "key": list(b.table(name).primary_key),
                "added": sorted(set(rb) - set(ra)),
                "removed": sorted(set(ra) - set(rb)),
                "changed": changed,
                "columns_added": [c for c in cols_b if c not in cols_a],
                "columns_removed": [c for c in cols_a if c not in cols_b],
            }
        return out


def summary(d: dict) -> dict:
    """Per table: the counts and the names of the changed fields (what `--summary` renders)."""
    out = {}
    for name, t in d["tables"].items():
        if "status" in t:
            out[name] = {"status": t["status"], "added": len(t.get("added", [])), "removed": len(t.get("removed", []))}
            continue
        out[name] = {"added": len(t["added"]), "removed": len(t["removed"]), "changed": len(t["changed"]),
                     "changed_fields": sorted({f for c in t["changed"] for f in c["fields"]}),
                     "columns_added": t["columns_added"], "columns_removed": t["columns_removed"]}
    return out


def render_summary(d: dict) -> str:
    lines = [f"Data diff {d['old_version']} → {d['new_version']}", "", "| table | added | removed | changed | changed fields |",
             "|---|---|---|---|---|"]
    for name, t in summary(d).items():
        if "status" in t:
            lines.append(f"| {name} | {t['added'] or ''} | {t['removed'] or ''} | | {t['status']} |")
            continue
        extra = "; ".join(x for x in (t["columns_added"] and f"columns added: {', '.join(t['columns_added'])}",
                                      t["columns_removed"] and f"columns removed: {', '.join(t['columns_removed'])}") if x)
        fields = ", ".join(t["changed_fields"]) + (f"; {extra}" if extra else "")
        lines.append(f"| {name} | {t['added']} | {t['removed']} | {t['changed']} | {fields} |")
    return "\n".join(lines)


def _value(v) -> str:
    if v is None:
        return "(empty)"
    return repr(v) if isinstance(v, str) else str(v)


def render(d: dict) -> str:
    """Markdown: per table the ids added and removed, and each changed row's id with every changed field as
    old → new (empty = null)."""
    lines = [f"Data diff {d['old_version']} → {d['new_version']}"]
    for name, t in d["tables"].items():
        lines += ["", f"#### {name}", ""]
        if "status" in t:
            ids = t.get("added") or t.get("removed") or []
            lines.append(f"{t['status']} ({len(ids)} rows): " + ", ".join(f"`{k}`" for k in ids))
            continue
        if t["key"] and len(t["key"]) > 1:
            lines.append(f"id = {' / '.join(t['key'])}")
        for what in ("columns_added", "columns_removed"):
            if t[what]:
                lines.append(f"- {what.replace('_', ' ')}: {', '.join(t[what])}")
        for what in ("added", "removed"):
            lines.append(f"- {what} ({len(t[what])})" + (": " + ", ".join(f"`{k}`" for k in t[what]) if t[what] else ""))
        lines.append(f"- changed ({len(t['changed'])})" + (":" if t["changed"] else ""))
        for c in t["changed"]:
            fields = "; ".join(f"{f}: {_value(v['old'])} → {_value(v['new'])}" for f, v in c["fields"].items())
            lines.append(f"  - `{c['key']}`: {fields}")
    return "\n".join(lines)
