"""`release`: reproducible release artefacts in dist/ — the wheel, the sdist, a self-contained data package zip, one
artefact per registered export format (exports/__init__.py; a folder format as a zip), and SHA256SUMS.

Building twice from the same commit gives byte-identical files: timestamps come from SOURCE_DATE_EPOCH (default:
the last commit's time, else a fixed date), zip entries are sorted with fixed dates and permissions. The SQLite
database is byte-identical when written by the same SQLite library (exports/sqlite.py says why not across versions).
The data zip also carries croissant.json and, under exports/, every export's files. A reader: the seal is checked
first.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from ..package import Package
from . import ReleaseRefused

ZIP_FILES = ["datapackage.json", "croissant.json", "README.md", "CHANGELOG.md", "CURATION.md", "CITATION.cff", "LICENSE",
             "LICENSE-DATA.md"]
ZIP_DIRS = ["data", "schemas", "docs", "releases"]
FIXED_EPOCH = 1700000000  # 2023-11-14, used when there is no git history to take a date from


def source_date_epoch(root: Path) -> int:
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, check=True)
        return int(out.stdout.strip())
    except (OSError, subprocess.CalledProcessError, ValueError):
        return FIXED_EPOCH


def deterministic_zip(out: Path, members: dict[str, Path], epoch: int) -> Path:
    """A zip of the given files (member name -> file), sorted, with fixed dates and permissions."""
    stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip dates start in 1980
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for member, p in sorted(members.items()):
            info = zipfile.ZipInfo(member, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, p.read_bytes())
    return out


def package_zip(pkg: Package, dest: Path, epoch: int, extra: dict[str, Path] | None = None) -> Path:
    """The data package as one zip under a top folder vostochny-summit-<version>/; `extra` maps more member paths
    (relative to that folder) to files."""
    name = f"vostochny-summit-{pkg.version}"
    files = [pkg.root / f for f in ZIP_FILES if (pkg.root / f).is_file()]
    for d in ZIP_DIRS:
        files += [p for p in (pkg.root / d).rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(pkg.root).parts)]
    members = {p.relative_to(pkg.root).as_posix(): p for p in files} | dict(extra or {})
    return deterministic_zip(dest / f"{name}.zip", {f"{name}/{m}": p for m, p in members.items()}, epoch)


def snapshot_keys(pkg: Package) -> dict:
    """Every single-column primary key value per table: the baseline the ID-stability test holds later versions to."""
    from ..tabular import read_typed

    keys = {}
    for name, t in pkg.tables.items():
        if len(t.primary_key) == 1:
            keys[name] = sorted(read_typed(t).column(t.primary_key[0]).to_pylist())
    return {"version": pkg.version, "keys": keys}


def write_snapshot(pkg: Package) -> Path:
    import json

    out = pkg.root / "releases" / f"{pkg.version}-keys.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(snapshot_keys(pkg), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def write_exports(pkg: Package, dist: Path, work: Path, epoch: int) -> dict[str, Path]:
    """One artefact per registered export format in dist/ (a folder format written under work/ and zipped); returns
    every file an export wrote, by its path under exports/ in the data zip."""
    from ..exports import formats

    in_zip: dict[str, Path] = {}
    for fmt in formats().values():
        target = dist / fmt.artefact_name(pkg.version)
        if fmt.output == "file":
            for p in fmt.write(pkg, target):
                in_zip[p.name] = p
        else:
            folder = work / fmt.name
            written = fmt.write(pkg, folder)
            members = {p.relative_to(folder).as_posix(): p for p in written}
            deterministic_zip(target, {f"{target.stem}/{m}": p for m, p in members.items()}, epoch)
            in_zip |= {f"{fmt.name}/{m}": p for m, p in members.items()}
    return in_zip


def _can_build(root: Path) -> None:
    """The wheel and the sdist are built from a source checkout with the `build` package: both must be there."""
    import importlib.util

    if not (root / "pyproject.toml").is_file():
        raise ReleaseRefused(f"{root} is not a source checkout (it has no pyproject.toml), and release builds the wheel "
                             f"and the sdist from one: run it in a clone of the repository")
    if importlib.util.find_spec("build") is None:
        raise ReleaseRefused("release builds the wheel and the sdist with the `build` package, which is not installed: "
                             "pip install build (it comes with the [dev] extra)")


def release(root=None, dist: Path | None = None) -> list[Path]:
    from ..seal import open_sealed

    pkg = open_sealed(root)
    _can_build(pkg.root)
    dist = Path(dist or pkg.root / "dist")
    dist.mkdir(parents=True, exist_ok=True)
    for old in dist.glob("*"):
        if old.is_file():
            old.unlink()
    snapshot = pkg.root / "releases" / f"{pkg.version}-keys.json"
    if not snapshot.is_file():
        write_snapshot(pkg)  # the first release of a version records its keys; commit the file
    epoch = source_date_epoch(pkg.root)
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
    built = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(dist),
                            str(pkg.root)], env=env, capture_output=True, text=True)
    if built.returncode != 0:
        last = (built.stderr.strip() or built.stdout.strip() or f"exit {built.returncode}").splitlines()[-1]
        raise ReleaseRefused(f"building the wheel and the sdist of {pkg.root} failed ({last}): run `python -m build "
                             f"--no-isolation {pkg.root}` to see why")
    with tempfile.TemporaryDirectory(prefix="vostochny-summit-release-") as work:
        exports = write_exports(pkg, dist, Path(work), epoch)
        package_zip(pkg, dist, epoch, {f"exports/{k}": p for k, p in exports.items()})
    artefacts = sorted(p for p in dist.iterdir() if p.is_file() and p.name != "SHA256SUMS")
    sums = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in artefacts)
    (dist / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return artefacts + [dist / "SHA256SUMS"]
