"""`build`: regenerate every derived file from the curated CSVs and the schemas.

It rewrites only derived columns (event date bounds, PLOVER type, claim status) and generated files (Parquet,
descriptor hash/bytes, docs). It never changes a curated cell, an article text, or its recorded sha256.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .derive import derive_columns
from .package import Package
from .tabular import arrow_schema, canonical_csv, read_typed, sort_by_key


class BuildRefused(ValueError):
    """The input cannot be built from: problems holds validate's located problems (table, row, field, value)."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} problem(s) in the input")
        self.problems = problems


def input_problems(root=None, canonical: bool = True) -> list:
    """What makes build (or fmt) unable to read the input: an unreadable descriptor, and the problems of the file and
    Table Schema layers (not-canonical only when canonical=True), as validate reports them (table, row, field, value,
    expected)."""
    from .validation import CODES, validate

    codes = {c for c, e in CODES.items() if e.layer in ("files", "schema")} | {
        "descriptor-unreadable", "no-resources", "duplicate-resource", "unsafe-path", "missing-file", "schema-unreadable"}
    if not canonical:
        codes.discard("not-canonical")
    return validate(root, pick=codes)


def _read_all(pkg: Package, root) -> dict:
    """Every table typed from its schema, before anything is written. Input that cannot be read is refused with
    validate's located problems (found only then: good input costs no extra pass)."""
    try:
        typed = {name: read_typed(t) for name, t in pkg.tables.items()}
        for name, t in pkg.tables.items():
            if any(f.required and typed[name].column(f.name).null_count for f in t.fields):
                raise ValueError(f"{name}: a required value is missing")
        return typed
    except (OSError, ValueError, pa.ArrowException) as exc:
        problems = input_problems(root, canonical=False)
        if problems:
            raise BuildRefused(problems) from exc
        raise


def fixity(path: Path) -> dict:
    """The descriptor's `bytes` and `hash` for a file."""
    data = path.read_bytes()
    return {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def parquet_bytes(table, data) -> bytes:
    buf = io.BytesIO()
    pq.write_table(sort_by_key(table, data), buf, compression="zstd")
    return buf.getvalue()


def write_if_changed(path: Path, content: bytes | str, changed: list[str], root: Path) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    changed.append(str(path.relative_to(root)))


def write_schemas(pkg: Package, changed: list[str]) -> None:
    """schemas/*.schema.json from the model (the published form of each table's fields, keys and vocabularies)."""
    from .model import RESOURCES

    for res in pkg.descriptor.get("resources", []):
        if res.get("name") in RESOURCES and isinstance(res.get("schema"), str):
            schema = RESOURCES[res["name"]].to_table_schema()
            write_if_changed(pkg.root / res["schema"], json.dumps(schema, indent=2, ensure_ascii=False) + "\n", changed,
                             pkg.root)


def build(root=None, version: str = __version__) -> list[str]:
    """Rebuild everything derived; return the paths (relative to root) that changed."""
    changed: list[str] = []
    write_schemas(Package(root), changed)
    pkg = Package(root)  # read again: the schemas may have just been written
    typed = _read_all(pkg, root)
    derived = derive_columns(typed)
    for name, t in pkg.tables.items():
        if any(f.derived for f in t.fields):
            write_if_changed(t.csv_path, canonical_csv(t, derived[name], sort=False), changed, pkg.root)
        with_meta = derived[name].cast(arrow_schema(t, version))
        write_if_changed(t.parquet_path, parquet_bytes(t, with_meta), changed, pkg.root)

    desc = json.loads(pkg.descriptor_path.read_text(encoding="utf-8"))
    desc["version"] = version
    for res in desc["resources"]:
        t = pkg.table(res["name"])
        res.update(fixity(t.csv_path))
        res["x-parquet"] = {
            "path": t.parquet_path.relative_to(pkg.root).as_posix(),
            "format": "parquet",
            "mediatype": "application/vnd.apache.parquet",
            **fixity(t.parquet_path),
        }
    write_if_changed(pkg.descriptor_path, json.dumps(desc, indent=2, ensure_ascii=False) + "\n", changed, pkg.root)

    citation = pkg.root / "CITATION.cff"
    if citation.is_file():  # the version is set once, in __init__.py; CITATION.cff carries a generated copy
        text = citation.read_text(encoding="utf-8")
        write_if_changed(citation, re.sub(r'^version: .*$', f'version: "{version}"', text, count=1, flags=re.M), changed, pkg.root)

    if citation.is_file():  # croissant.json takes citeAs from CITATION.cff and hashes every file written above
        from .croissant import render_croissant

        write_if_changed(pkg.root / "croissant.json", render_croissant(Package(pkg.root)), changed, pkg.root)

    from .docs import render_data_dictionary, with_vocabularies
    from .figures import render_timeline

    curation = pkg.root / "CURATION.md"
    if curation.is_file():
        write_if_changed(curation, with_vocabularies(curation.read_text(encoding="utf-8")), changed, pkg.root)

    docs_dir = pkg.root / "docs"
    if docs_dir.is_dir():
        write_if_changed(docs_dir / "data-dictionary.md", render_data_dictionary(Package(pkg.root)), changed, pkg.root)
        write_if_changed(docs_dir / "timeline.svg", render_timeline(derived["events"]), changed, pkg.root)
    return changed


def fmt(root=None) -> list[str]:
    """Rewrite every CSV in canonical form; return the files that changed."""
    pkg = Package(root)
    changed: list[str] = []
    typed = _read_all(pkg, root)
    for name, t in pkg.tables.items():
        write_if_changed(t.csv_path, canonical_csv(t, typed[name]), changed, pkg.root)
    return changed
