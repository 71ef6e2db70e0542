"""`build`: check the sources, then regenerate every derived file from them and seal the package.

The sources are the curated CSVs, the article texts and the reference file. `build` runs every check of `validate`
that does not concern a file it writes; if any fails it writes nothing and raises BuildRefused with the located
problems. Otherwise it rewrites the derived columns (event date bounds, PLOVER type, claim status) and the generated
files (Table Schemas from the model, Parquet, croissant.json, docs), and seals the descriptor (seal.py): the size and
SHA-256 of every file a reader reads. It never changes a curated cell or an article text.

A package whose seal already holds (same files, same model, same version) is not checked again: only the docs are
rendered anew, so that a change to a generator shows.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from . import __version__
from .package import Package

# What build writes, so validate's verdict on it is not a verdict on the sources: recorded sizes and hashes, Table
# Schemas (from the model), derived columns, the version, the Parquet files.
GENERATED_CODES = frozenset({
    "stale-bytes", "stale-hash", "hash-algorithm", "schema-stale", "descriptor-version", "derived-date-bounds",
    "derived-plover", "derived-claim-status", "date-order", "parquet-missing", "parquet-unreadable", "parquet-schema",
    "parquet-stale"})
FORM_CODES = frozenset({"bom", "line-ending", "not-canonical"})  # what fmt fixes


class BuildRefused(ValueError):
    """The input cannot be built from: `problems` holds validate's located problems."""

    def __init__(self, problems, fix: str = "fix the problems above, then run build again"):
        super().__init__(f"{len(problems)} problem(s) in the sources")
        self.problems, self.fix = problems, fix


def source_problems(root=None, skip=frozenset()) -> list:
    """validate's problems of the sources, judged by the model's Table Schemas (the ones build is about to write)."""
    from .validation import validate

    # unbounded: build holds every typed table while it writes them (its peak, 1.3 GB at 3.28 M rows), so a bounded
    # check would lower nothing and cost time (7.7 against 6.5 s at 3.28 M rows, farm-bench, 3 pairs)
    return validate(Package(root, schemas="model"), skip=set(GENERATED_CODES) | set(skip), bounded=False)


def refuse_unless_clean(problems) -> None:
    if problems:
        only_form = all(p.code in FORM_CODES for p in problems)
        raise BuildRefused(problems, "run `vostochny-summit fmt` (canonical form), then build again" if only_form
                           else "fix the problems above, then run build again")


def parquet_bytes(table, data) -> bytes:
    import pyarrow.parquet as pq

    from .tabular import sort_by_key

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
    """schemas/*.schema.json from the model (the published form of each table's fields, keys and vocabularies), and
    the JSON Schema of a claims JSONL line."""
    from .exports.claims import SCHEMA, json_schema

    for t in pkg.tables.values():
        if t.model is not None and isinstance(t.resource.get("schema"), str):
            text = json.dumps(t.model.to_table_schema(), indent=2, ensure_ascii=False) + "\n"
            write_if_changed(pkg.root / t.resource["schema"], text, changed, pkg.root)
    if (pkg.root / SCHEMA).parent.is_dir():
        write_if_changed(pkg.root / SCHEMA, json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n", changed, pkg.root)


def write_tables(pkg: Package, version: str, changed: list[str]) -> dict:
    """Derived columns into the CSVs, and the Parquet files; returns the typed, derived tables."""
    from .derive import derive_columns
    from .tabular import arrow_schema, read_typed

    derived = derive_columns({name: read_typed(t) for name, t in pkg.tables.items()})
    for name, t in pkg.tables.items():
        if t.model is not None and any(f.derived for f in t.model.fields) and \
                write_canonical(t, derived[name], t.csv_path, sort=False):
            changed.append(str(t.csv_path.relative_to(pkg.root)))
        with_meta = derived[name].cast(arrow_schema(t, version))
        write_if_changed(t.parquet_path, parquet_bytes(t, with_meta), changed, pkg.root)
    return derived


def write_descriptor(pkg: Package, version: str, changed: list[str]) -> None:
    """The descriptor with the version and the seal: the size and hash of every CSV, Parquet file, text, schema."""
    from .seal import PARQUET, SEAL, fixity, seal_entry

    desc = json.loads(pkg.descriptor_path.read_text(encoding="utf-8"))
    desc["version"] = version
    for res in desc["resources"]:
        t = pkg.table(res["name"])
        res.update(fixity(t.csv_path))
        res[PARQUET] = {"path": t.parquet_path.relative_to(pkg.root).as_posix(), "format": "parquet",
                        "mediatype": "application/vnd.apache.parquet", **fixity(t.parquet_path)}
    desc.pop(SEAL, None)
    desc[SEAL] = seal_entry(pkg, version, desc)
    write_if_changed(pkg.descriptor_path, json.dumps(desc, indent=2, ensure_ascii=False) + "\n", changed, pkg.root)


def write_docs(pkg: Package, version: str, events, changed: list[str]) -> None:
    """CITATION.cff's version, croissant.json, the vocabularies of CURATION.md, the data dictionary, the timeline.
    pkg must be read after the descriptor was written (none of these files changes the descriptor or a schema)."""
    from .docs.pages import render_data_dictionary, with_formats, with_vocabularies
    from .docs.timeline import render_timeline
    from .exports.croissant import render_croissant

    root = pkg.root
    citation = root / "CITATION.cff"
    if citation.is_file():  # the version is set once, in __init__.py; CITATION.cff carries a generated copy
        text = citation.read_text(encoding="utf-8")
        write_if_changed(citation, re.sub(r'^version: .*$', f'version: "{version}"', text, count=1, flags=re.M), changed, root)
        # croissant.json takes citeAs from CITATION.cff and hashes every file written before it
        write_if_changed(root / "croissant.json", render_croissant(pkg), changed, root)
    curation, readme = root / "CURATION.md", root / "README.md"
    if curation.is_file():
        write_if_changed(curation, with_vocabularies(curation.read_text(encoding="utf-8")), changed, root)
    if readme.is_file():
        write_if_changed(readme, with_formats(readme.read_text(encoding="utf-8"), pkg), changed, root)
    docs = root / "docs"
    if docs.is_dir():
        write_if_changed(docs / "data-dictionary.md", render_data_dictionary(pkg), changed, root)
        write_if_changed(docs / "timeline.svg", render_timeline(events), changed, root)


def build(root=None, version: str = __version__) -> list[str]:
    """Check the sources, rebuild everything derived and seal; return the paths (relative to root) that changed."""
    from . import seal

    pkg = Package(root)
    changed: list[str] = []
    if version == __version__ and not seal.check(pkg, first_only=True):
        import pyarrow.parquet as pq

        events = pkg.table(_events_table(pkg))
        write_docs(pkg, version, pq.ParquetFile(events.parquet_path).read(), changed)
        return changed
    refuse_unless_clean(source_problems(pkg.root))
    return write_all(pkg.root, version, changed)


def write_all(root, version: str, changed: list[str]) -> list[str]:
    """Every generated file and the seal, from the sources as they are (build calls it once they passed its checks;
    tests call it to seal a deliberately different package)."""
    pkg = Package(root)
    write_schemas(pkg, changed)
    pkg = Package(pkg.root)  # read again: the schemas may have just been written
    derived = write_tables(pkg, version, changed)
    write_descriptor(pkg, version, changed)
    write_docs(Package(pkg.root), version, derived[_events_table(pkg)], changed)
    return changed


def _events_table(pkg: Package) -> str:
    from .model.columns import events

    return events().table


def fmt(root=None) -> list[str]:
    """Rewrite every CSV in canonical form; return the files that changed. Refuses input it cannot read (the file
    and Table Schema problems other than the form itself)."""
    from .tabular import read_typed
    from .validation.byte_scans import is_canonical_file

    pkg = Package(root)
    pkg.tables  # noqa: B018 - an unreadable descriptor or schema is named (DescriptorError) before anything else
    from .validation import CODES, validate

    codes = {c for c, e in CODES.items() if e.layer in ("files", "schema")} | {
        "descriptor-unreadable", "no-resources", "duplicate-resource", "unsafe-path", "missing-file", "schema-unreadable"}
    problems = validate(Package(root, schemas="model"), pick=codes - FORM_CODES, bounded=False)  # as build's
    if problems:
        raise BuildRefused(problems, "fix the problems above, then run fmt again")
    changed: list[str] = []
    for t in pkg.tables.values():
        if not is_canonical_file(t, t.csv_path.read_bytes()) and write_canonical(t, read_typed(t), t.csv_path):
            changed.append(str(t.csv_path.relative_to(pkg.root)))  # rendering a whole table is the costly part
    return changed


FMT_ROWS = 1 << 16  # rows that write_canonical renders and writes at a time


def write_canonical(t, data, path: Path, sort: bool = True) -> bool:
    """Write canonical_csv(t, data, sort) to path unless the file there holds it already; whether it changed. Rendered
    and written FMT_ROWS rows at a time (in key order when sort, each batch's rows taken from the table) into a file
    beside it, which then replaces it or goes: the whole text is never held (a spreadsheet's save of a 1 M-row table
    once took 1.4 GB to reformat, and a build of a changed 3 M-row package 2 GB)."""
    import filecmp
    import os

    from .tabular import canonical_line_batches

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write((",".join(t.field_names) + "\n").encode("utf-8"))
            for lines in canonical_line_batches(t, data, sort, FMT_ROWS):
                fh.write(("\n".join(lines.to_pylist()) + "\n").encode("utf-8"))
        if path.is_file() and filecmp.cmp(tmp, path, shallow=False):
            return False
        os.replace(tmp, path)
        return True
    finally:
        tmp.unlink(missing_ok=True)
