"""`diff OLD NEW`: what changed between two versions of the package, per table (rows added, removed, changed).

A reader: each side's seal is checked first (a release zip is checked after unpacking)."""

from __future__ import annotations

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


def _rows(pkg: Package, name: str) -> dict[tuple, dict]:
    t = pkg.table(name)
    data = read_typed(t).to_pylist()
    return {tuple(r[k] for k in t.primary_key): r for r in data}


def diff(old, new) -> dict:
    """{'old_version', 'new_version', 'tables': {name: {added, removed, changed: [{key, fields}], status}}}."""
    with opened(old) as a, opened(new) as b:
        out = {"old_version": a.version, "new_version": b.version, "old_root": str(old), "new_root": str(new), "tables": {}}
        for name in sorted(set(a.tables) | set(b.tables)):
            if name not in b.tables:
                out["tables"][name] = {"status": "table removed"}
                continue
            if name not in a.tables:
                out["tables"][name] = {"status": "table added", "added": len(_rows(b, name))}
                continue
            ra, rb = _rows(a, name), _rows(b, name)
            cols_a, cols_b = a.table(name).field_names, b.table(name).field_names
            changed = []
            for key in sorted(set(ra) & set(rb), key=str):
                fields = [c for c in cols_b if c in cols_a and ra[key][c] != rb[key][c]]
                if fields:
                    changed.append({"key": key_text(key), "fields": fields})
            out["tables"][name] = {
                "added": len(set(rb) - set(ra)),
                "removed": len(set(ra) - set(rb)),
                "changed": changed,
                "columns_added": [c for c in cols_b if c not in cols_a],
                "columns_removed": [c for c in cols_a if c not in cols_b],
            }
        return out


def render(d: dict, summary: bool = False) -> str:
    lines = [f"Data diff {d['old_version']} → {d['new_version']}", "", "| table | added | removed | changed | changed fields |",
             "|---|---|---|---|---|"]
    for name, t in d["tables"].items():
        if "status" in t:
            lines.append(f"| {name} | {t.get('added', '')} | | | {t['status']} |")
            continue
        fields = sorted({f for c in t["changed"] for f in c["fields"]})
        extra = "; ".join(x for x in (t["columns_added"] and f"columns added: {', '.join(t['columns_added'])}",
                                      t["columns_removed"] and f"columns removed: {', '.join(t['columns_removed'])}") if x)
        lines.append(f"| {name} | {t['added']} | {t['removed']} | {len(t['changed'])} | {', '.join(fields)}{'; ' + extra if extra else ''} |")
    return "\n".join(lines)
