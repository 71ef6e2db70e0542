"""The export formats, as plug-ins: every module of this folder that defines `FORMAT` is one format.

A format module declares `FORMAT = Format(name, summary, output, artefact, write, options)` and a
`write(pkg, out, **options) -> list[Path]` that writes the format from a sealed package. The registry below finds
them; the command line (`vostochny-summit export FORMAT OUT [PATH]` and its `--help`), `release` (one artefact per
format, in SHA256SUMS and the data zip) and the README's list of formats all read it, so adding a format is one module
here plus one test (tests/test_readme_facts.py holds the README's table of formats to this registry). Modules here
without `FORMAT` (croissant, datasette_metadata, browse, queries, spans) are helpers. A folder format writes through
`write_folder`; a format that cannot write the package as it is raises `ExportRefused` (one line: table, id, fix).

The registry is a reader of the package: `export()` checks the descriptor's seal before a format writes anything
(a package whose files are not the ones `build` sealed is refused). Format modules import their heavy libraries
inside `write`, so that listing the formats stays cheap.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


class ExportRefused(Exception):
    """The package cannot be written in a format as it is (e.g. a span that does not align with spaCy's tokens).
    `str()` is the one line to show: the table, the row's id and the fix. Nothing is left half-written."""


@dataclass(frozen=True)
class Option:
    """One option of a format: `name` is the keyword `write` takes; `flag` and `argparse` make its command-line form."""

    name: str
    flag: str
    help: str
    argparse: dict = field(default_factory=dict)  # action, type, default, choices, metavar


@dataclass(frozen=True)
class Format:
    """One export format, as the registry lists it: its command-line name, its output and its writer."""

    name: str  # the command-line name: `export NAME`
    summary: str  # one line, for --help and the README
    output: str  # "file" (OUT is a file) or "folder" (OUT is a folder, made or replaced)
    artefact: str  # the release artefact's name after "vostochny-summit-<version>", e.g. ".db"; a folder is zipped
    write: Callable  # write(pkg, out: Path, **options) -> the files written
    options: tuple[Option, ...] = ()
    extra: str | None = None  # the pip extra a format needs beyond the plain install, if any
    example: str = ""  # OUT in the README's example command line

    def __post_init__(self):
        if self.output not in ("file", "folder"):
            raise ValueError(f"format {self.name}: output must be 'file' or 'folder', got {self.output!r}")

    def artefact_name(self, version: str) -> str:
        """The release artefact's file name (a folder format's artefact is its zip)."""
        return f"vostochny-summit-{version}{self.artefact}" + (".zip" if self.output == "folder" else "")


def write_folder(out: Path, fill: Callable[[Path], None]) -> list[Path]:
    """Make or replace the folder `out` with what `fill(folder)` writes, and return the files written, sorted.

    `fill` writes into a new folder beside `out`, which then takes its place: an export that fails leaves `out` as it
    was. An existing `out` is replaced only when every file in it is one this export writes (a folder written by an
    earlier run); any other file makes the export refuse, so that no one's folder is emptied by mistake."""
    import shutil
    import tempfile

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ExportRefused(f"{out} is a file, not a folder: give a folder name (it is made or replaced)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the folder is for others to read
    try:
        fill(tmp)
        written = sorted(p.relative_to(tmp) for p in tmp.rglob("*") if p.is_file())
        if out.exists():
            foreign = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file() and p.relative_to(out) not in written)
            if foreign:
                raise ExportRefused(f"{out} holds files this export does not write (e.g. {foreign[0].as_posix()}): "
                                    f"give a new or empty folder")
            shutil.rmtree(out)
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return [out / p for p in written]


def formats() -> dict[str, Format]:
    """Every registered format, by name, in name order."""
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        fmt = getattr(module, "FORMAT", None)
        if isinstance(fmt, Format):
            if fmt.name in found:
                raise ValueError(f"two export modules declare the format {fmt.name!r}")
            found[fmt.name] = fmt
    return dict(sorted(found.items()))


def get(name: str) -> Format:
    known = formats()
    if name not in known:
        raise KeyError(f"no export format {name!r}; the formats are: {', '.join(known)}")
    return known[name]


def export(name: str, out, root=None, **options) -> list[Path]:
    """Write format `name` to `out` from the package at root, after checking its seal; return the files written."""
    from ..seal import open_sealed

    fmt = get(name)
    pkg = open_sealed(root)
    return fmt.write(pkg, Path(out), **options)
