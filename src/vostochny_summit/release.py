"""`release`: reproducible release artefacts in dist/ — wheel, sdist, a self-contained data package zip, SHA256SUMS.

Building twice from the same commit gives byte-identical files: timestamps come from SOURCE_DATE_EPOCH (default:
the last commit's time, else a fixed date), zip entries are sorted with fixed dates and permissions.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from .package import Package

ZIP_FILES = ["datapackage.json", "README.md", "CHANGELOG.md", "CURATION.md", "CITATION.cff", "LICENSE", "LICENSE-DATA.md"]
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


def package_zip(pkg: Package, dest: Path, epoch: int) -> Path:
    """The data package as one zip under a top folder vostochny-summit-<version>/."""
    name = f"vostochny-summit-{pkg.version}"
    stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip dates start in 1980
    files = [pkg.root / f for f in ZIP_FILES if (pkg.root / f).is_file()]
    for d in ZIP_DIRS:
        files += [p for p in (pkg.root / d).rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(pkg.root).parts)]
    out = dest / f"{name}.zip"
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for p in sorted(files, key=lambda p: p.relative_to(pkg.root).as_posix()):
            info = zipfile.ZipInfo(f"{name}/{p.relative_to(pkg.root).as_posix()}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, p.read_bytes())
    return out


def snapshot_keys(pkg: Package) -> dict:
    """Every single-column primary key value per table: the baseline the ID-stability test holds later versions to."""
    from .tabular import read_typed

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


def release(root=None, dist: Path | None = None) -> list[Path]:
    pkg = Package(root)
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
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(dist), str(pkg.root)],
                   check=True, env=env, capture_output=True)
    package_zip(pkg, dist, epoch)
    artefacts = sorted(p for p in dist.iterdir() if p.is_file() and p.name != "SHA256SUMS")
    sums = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in artefacts)
    (dist / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return artefacts + [dist / "SHA256SUMS"]
