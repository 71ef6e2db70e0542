"""The descriptor's seal: `build` alone sets it, and every reader checks it before it hands out data.

`build` checks the sources (the CSVs, the article texts, the reference file) and only when they pass does it write
the generated files and record, in `datapackage.json`, the size and SHA-256 of every file a reader may read: each
CSV (the resource's `bytes` and `hash`), each Parquet file (`x-parquet`), and under `x-seal` the article texts, the
reference file, the Table Schemas, the fingerprint of the model that built them and the version. A package whose
files are all the sealed ones is therefore one that passed `validate`'s checks of its sources, with generated files
made from exactly those sources.

A reader (`load`, `connect`, `sql`, every export, `browse`, `release`, `diff`) calls `open_sealed` (or `check`) and
refuses with one line naming the file and the fix when any file differs. Hashes are computed once per process for
each file and computed again whenever the file changes (hashes.py: size, modification and change time, inode; a cache
file keeps them across processes).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .hashes import hash_all, save, sha256
from .package import DESCRIPTOR, Package

SEAL = "x-seal"
PARQUET = "x-parquet"


class SealBroken(Exception):
    """The package is not the one `build` sealed. `str()` is the one line to show; `exit_code` is 1 when the data is
    stale or invalid, 2 when the input cannot be read at all."""

    def __init__(self, line: str, exit_code: int = 1, file: str | None = None):
        super().__init__(line)
        self.exit_code, self.file = exit_code, file


@dataclass(frozen=True)
class Broken:
    """One file that is not the sealed one: its path (relative to the package), what is wrong, and the fix."""

    file: str
    what: str
    fix: str

    def line(self) -> str:
        return f"{self.file}: {self.what}: {self.fix}"


def fixity(path: Path) -> dict:
    """The descriptor's `bytes` and `hash` for a file."""
    return {"bytes": path.stat().st_size, "hash": "sha256:" + sha256(path)}


@lru_cache(maxsize=None)
def model_fingerprint() -> str:
    """SHA-256 of the Table Schemas the model generates: a package built by another model is not sealed for this one."""
    from .model import RESOURCES

    text = json.dumps({n: r.to_table_schema() for n, r in RESOURCES.items()}, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def sealed_files(pkg: Package) -> dict[str, str]:
    """Every file the seal covers beside the CSVs and Parquet files: path (relative) -> its kind ("text", "schema",
    "reference"). The texts are the ones the articles' table names (read from its CSV)."""
    from .model import REFERENCE_FILE, RESOURCES
    from .tabular import read_raw

    out = {}
    for name, t in pkg.tables.items():
        if isinstance(t.resource.get("schema"), str):
            out[t.resource["schema"]] = "schema"
        res = RESOURCES.get(name)
        path_field = next((f.name for f in res.fields if f.kind == "text-path"), None) if res else None
        if path_field and t.csv_path.is_file():
            raw = read_raw(t.csv_path)
            if raw.data is not None and path_field in raw.header:
                out.update({p: "text" for p in raw.data.column(path_field).to_pylist() if p})
    out[REFERENCE_FILE] = "reference"
    return dict(sorted(out.items()))


def descriptor_digest(desc: dict) -> str:
    """SHA-256 of the descriptor's content other than the seal itself (keys sorted, compact JSON)."""
    rest = {k: v for k, v in desc.items() if k != SEAL}
    text = json.dumps(rest, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def seal_entry(pkg: Package, version: str, desc: dict) -> dict:
    """The `x-seal` object build writes into desc (the descriptor as it will be written), for the files as they are."""
    files = {}
    for rel, kind in sealed_files(pkg).items():
        p = pkg.root / rel
        if p.is_file():
            files[rel] = {"kind": kind, **fixity(p)}
    return {"sealed_by": f"vostochny-summit build {version}", "version": version, "model": model_fingerprint(),
            "descriptor": descriptor_digest(desc), "files": files}


_FIX_BUILD = "run `vostochny-summit build` (it checks the sources, then seals them)"
_FIX = {
    "csv": _FIX_BUILD,
    "parquet": "run `vostochny-summit build` to regenerate it (Parquet files are generated, never edited)",
    "schema": "run `vostochny-summit build` to regenerate it (Table Schemas are generated from the model)",
    "reference": _FIX_BUILD,
    "text": "article texts never change: restore the original file (from the release zip or git)",
}


def _compare(root: str, rel: str, entry, kind: str, stats: dict) -> Broken | None:
    if not isinstance(entry, dict) or "hash" not in entry:
        return Broken(rel, "has no size and hash in the seal", _FIX_BUILD)
    if kind not in _FIX:
        return Broken(rel, f"has an unknown kind {kind!r} in the seal", _FIX_BUILD)
    st = stats.get(rel)
    if st is None:
        return Broken(rel, "is missing", _FIX[kind])
    if st.st_size != entry.get("bytes") or "sha256:" + sha256(f"{root}/{rel}", st) != entry["hash"]:
        return Broken(rel, "has changed since the package was sealed", _FIX[kind])
    return None


def _stats(root: Path, rels) -> dict:
    """rel -> os.stat_result of each regular file among rels (one stat each)."""
    import stat

    out, base = {}, os.fspath(root)
    for rel in rels:
        try:
            st = os.stat(f"{base}/{rel}")
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            out[rel] = st
    return out


def _read_descriptor(pkg: Package) -> dict:
    try:
        desc = json.loads(pkg.descriptor_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SealBroken(f"{pkg.descriptor_path}: no {DESCRIPTOR}: this is not a package folder", 2, DESCRIPTOR) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SealBroken(f"{DESCRIPTOR} cannot be read ({str(exc).splitlines()[0]}): restore it, or run "
                         f"`vostochny-summit validate` to see where", 2, DESCRIPTOR) from None
    return desc if isinstance(desc, dict) else {}


def _descriptor_broken(desc: dict, seal: dict) -> list[Broken]:
    """The descriptor's own part of the seal: its content, and the model and version that sealed it."""
    from . import __version__

    out = []
    if seal.get("descriptor") != descriptor_digest(desc):
        out.append(Broken(DESCRIPTOR, "has been edited since it was sealed", "run `vostochny-summit validate` to see "
                          "whether the edit is sound, then `vostochny-summit build`"))
    if seal.get("model") != model_fingerprint() or seal.get("version") != __version__:
        out.append(Broken(DESCRIPTOR, f"was sealed by {seal.get('sealed_by', 'another build')}, not by this "
                          f"vostochny-summit {__version__} and its model", _FIX_BUILD))
    return out


def _sealed_entries(desc: dict, seal: dict) -> list[tuple] | Broken:
    """(path, its seal entry, its kind) of every sealed file, or what makes the list unreadable."""
    resources = desc.get("resources")
    if not isinstance(resources, list) or not resources:
        return Broken(DESCRIPTOR, "lists no resources", "restore datapackage.json, then run `vostochny-summit build`")
    todo = []
    for res in resources:
        if not isinstance(res, dict) or not isinstance(res.get("path"), str):
            return Broken(DESCRIPTOR, "has a resource without a path", "restore datapackage.json")
        todo.append((res["path"], res, "csv"))
        parquet = res.get(PARQUET) or {}
        todo.append((parquet.get("path") or f"data/parquet/{res.get('name')}.parquet", parquet, "parquet"))
    files = seal.get("files")
    if not isinstance(files, dict):
        return Broken(DESCRIPTOR, "has a seal without its files", _FIX_BUILD)
    # the texts a sealed articles' table names are the sealed ones: a CSV that names another text is itself changed
    return todo + [(rel, entry, entry.get("kind") if isinstance(entry, dict) else None) for rel, entry in files.items()]


def check(pkg: Package, first_only: bool = False) -> list[Broken]:
    """Every file of the package that is not the sealed one (empty when the seal holds). Reads the descriptor afresh."""
    desc = _read_descriptor(pkg)
    seal = desc.get(SEAL)
    if not isinstance(seal, dict):
        return [Broken(DESCRIPTOR, "carries no seal (it was not written by `vostochny-summit build`)", _FIX_BUILD)]
    out = _descriptor_broken(desc, seal)
    if out and first_only:
        return out[:1]
    todo = _sealed_entries(desc, seal)
    if isinstance(todo, Broken):
        return out + [todo]
    stats = _stats(pkg.root, [rel for rel, _, _ in todo])
    # the hashes the cache file holds for unchanged files in both modes; the rest computed up front only when every
    # broken file is wanted (first_only stops at the first, so it hashes one file at a time)
    wanted = {rel: stats[rel] for rel, entry, _ in todo
              if rel in stats and isinstance(entry, dict) and entry.get("bytes") == stats[rel].st_size}
    uncached = hash_all(pkg.root, wanted, compute=not first_only)
    for rel, entry, kind in todo:
        broken = _compare(os.fspath(pkg.root), rel, entry, kind, stats)
        if broken:
            out.append(broken)
            if first_only:
                break
    if first_only and uncached:
        save(pkg.root, wanted)  # what was hashed one by one (build's check): the next process takes it from the cache
    return out


def refusal(pkg: Package, broken: list[Broken]) -> str:
    """The one line a reader prints: the first broken file, its fix, how many more, and the package folder."""
    first = broken[0]
    fix = first.fix
    if first.file.endswith(".csv") and first.fix == _FIX_BUILD and _needs_fmt(pkg, first.file):
        fix = "run `vostochny-summit fmt` (it is not in canonical form), then `vostochny-summit build`"
    more = f" (and {len(broken) - 1} more file{'s' if len(broken) > 2 else ''})" if len(broken) > 1 else ""
    return f"{pkg.root}: {first.file} {first.what}{more}: {fix}"


def _needs_fmt(pkg: Package, rel: str) -> bool:
    """Whether a changed CSV is out of canonical form (a byte order mark, CR line ends, or rows that read but are
    written otherwise), which `fmt` restores before `build` can seal it. By validation's byte scan
    (is_canonical_file), which renders only the lines it cannot settle: at 226 k rows it takes 0.03 s where rendering
    the whole file took 0.3-0.6 s."""
    from .validation.byte_scans import is_canonical_file

    t = next((t for t in pkg.tables.values() if t.resource.get("path") == rel), None)
    if t is None:
        return False
    data = t.csv_path.read_bytes()
    header = data.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r")
    if header != ",".join(t.field_names).encode("utf-8"):
        return False  # a missing, extra or moved column: fmt refuses it too; build names it
    try:
        return not is_canonical_file(t, data)  # a byte order mark or a CR: not canonical, before any parse
    except Exception:  # noqa: BLE001 - a file that cannot be read needs build's located problems, not fmt
        return False


def open_sealed(root=None) -> Package:
    """The package at root (a folder, or a Package; default: the installed one), or SealBroken when a file is not the
    sealed one."""
    pkg = root if isinstance(root, Package) else Package(root)
    broken = check(pkg)
    if broken:
        raise SealBroken(refusal(pkg, broken), 1, broken[0].file)
    return pkg
