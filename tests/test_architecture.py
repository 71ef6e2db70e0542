"""The shape of the code: the model is the only place that names tables, columns and vocabularies; modules stay
small; every export format is a registered plug-in, a release artefact and listed in the README."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from vostochny_summit.model import RESOURCES, vocabularies
from vostochny_summit.model.classes import Vocabulary

from .conftest import ROOT
from .helpers import run_probe

SRC = ROOT / "src" / "vostochny_summit"
# Words that are also property names of the formats the package reads and writes (Data Package and Table Schema:
# name, title, description; Table Schema types: date; output formats: text; the Hub card and W3C bodies: language).
# Where code writes them it names the format's property, not our column, so the scan leaves them out.
FORMAT_WORDS = {"name", "title", "description", "date", "text", "language"}
# Each allowed literal: (file under src/vostochny_summit, literal) -> why it may stay. At most 15.
ALLOWED = {
    ("exports/claims.py", "claims"): "the format's name on the command line, `export claims`, after the table it exports",
    ("exports/croissant.py", "url"): "schema.org's `url` property of the dataset, read from the descriptor",
    ("release/diff.py", "status"): "the diff's own key for a table added or removed",
}
MAX_ALLOWED = 15


def model_names() -> set[str]:
    names = set(RESOURCES)
    for res in RESOURCES.values():
        names |= set(res.field_names)
    names |= {v.name for v in vars(vocabularies).values() if isinstance(v, Vocabulary)}
    return names - FORMAT_WORDS


def literal_names(root: Path = SRC) -> list[tuple[str, int, str]]:
    """(file, line, literal) for every string literal outside model/ that equals a model name (root: the package's
    source folder)."""
    names, out = model_names(), []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("model/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names:
                out.append((rel, node.lineno, node.value))
    return out


def test_tables_columns_and_vocabularies_are_named_in_the_model_only():
    assert len(ALLOWED) <= MAX_ALLOWED
    found = literal_names()
    unexplained = [f"{f}:{line} {value!r}" for f, line, value in found if (f, value) not in ALLOWED]
    assert not unexplained, "ask the model (model/columns.py, a Field kind, a Resource attribute) instead of naming:\n" \
        + "\n".join(unexplained)
    stale = set(ALLOWED) - {(f, v) for f, _, v in found}
    assert not stale, f"allow-list entries no longer needed: {sorted(stale)}"


def test_the_scan_finds_a_planted_name(tmp_path):
    """The scan is not blind: a module naming a column is caught. Planted in a copy of the sources, not in them: a
    test scanning the real sources on another worker would meet it there."""
    copy = tmp_path / "vostochny_summit"
    shutil.copytree(SRC, copy, ignore=lambda folder, names: [n for n in names if n == "__pycache__" or (
        not n.endswith(".py") and not (Path(folder) / n).is_dir())])  # the modules only
    (copy / "exports" / "_planted_for_test.py").write_text('COLUMN = "speaker_person_id"\n', encoding="utf-8")
    assert ("exports/_planted_for_test.py", 1, "speaker_person_id") in literal_names(copy)
    assert ("exports/_planted_for_test.py", 1, "speaker_person_id") not in literal_names()


def test_no_module_is_over_300_lines():
    long = {p.relative_to(SRC).as_posix(): n for p in SRC.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 300}
    assert not long, long


def test_every_export_format_is_registered_released_and_documented():
    from vostochny_summit.exports import Format, formats

    found = formats()
    assert {"sqlite", "claims"} <= set(found)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    artefacts = [f.artefact_name("9.9.9") for f in found.values()]
    assert len(set(artefacts)) == len(artefacts), "two formats would write the same release artefact"
    for name, fmt in found.items():
        assert isinstance(fmt, Format) and callable(fmt.write) and fmt.summary
        assert f"export {name}" in readme, f"README does not show `vostochny-summit export {name}`"
        assert any(name in p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py")
                   if p.name != Path(__file__).name), f"format {name} has no test"


def test_listing_the_formats_imports_no_heavy_library():
    """The registry imports every format module (for `export --help` and every `export`): each imports its heavy
    libraries inside `write` (CONTRIBUTING.md). One module importing pyarrow.parquet at its top cost `export --help`
    160 ms."""
    import subprocess
    import sys

    code = ("import sys; from vostochny_summit.exports import formats; formats(); "
            "print(sorted({'pyarrow', 'numpy', 'pandas', 'polars', 'duckdb', 'jinja2', 'spacy', 'urllib.request'} "
            "& set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_importing_the_package_imports_none_of_its_modules_until_a_name_is_used():
    """`import vostochny_summit` (and the command line, which starts from it) imports no module of the package: each
    public name imports its own module when first used (PEP 562). Every name of __all__ resolves and dir() lists it."""
    import subprocess
    import sys

    code = ("import sys, vostochny_summit as vs; loaded = sorted(m for m in sys.modules if m.startswith('vostochny_summit.')); "
            "missing = [n for n in vs.__all__ if getattr(vs, n, None) is None or n not in dir(vs)]; "
            "print(loaded, missing, vs.load.__module__, vs.SealBroken.__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]", "[]", "vostochny_summit.api", "vostochny_summit.seal"], out.stdout + out.stderr


def test_validate_loads_no_other_command_s_modules():
    """A `validate` that succeeds loads neither the export registry, nor build, nor release (the command line imports
    the failures' classes only when a command fails), nor the readers' API (api.py, seal.py), nor Arrow's join engine
    (Acero, with pyarrow.dataset), nor dateutil and calendar (which pyarrow imports to convert a bare str handed to a
    compute function), nor pyarrow.parquet, which imports pyarrow.fs with ssl and every cloud filesystem
    (tabular.parquet_reader), nor pyarrow.compute, which writes a wrapper with a docstring for each of Arrow's compute
    functions (the checks call them through the kernels module): together about 50 ms of the real package's run."""
    # as the command line runs it, declining pandas
    code = ("import sys; from vostochny_summit.validation.tuning import decline_pandas; decline_pandas(); "
            "from vostochny_summit.cli import main; code = main(['validate', sys.argv[1]]); "
            "print(code, sorted({'vostochny_summit.exports', 'vostochny_summit.build', 'vostochny_summit.release', "
            "'vostochny_summit.api', 'vostochny_summit.seal', 'pyarrow.acero', 'pyarrow.dataset', 'pyarrow.parquet', "
            "'pyarrow.fs', 'pyarrow.compute', 'dateutil', 'calendar'} & set(sys.modules)))")
    out = run_probe(code, ROOT)
    assert out.returncode == 0 and out.stdout.strip().splitlines()[-1] == "0 []", out.stdout[-2000:] + out.stderr[-2000:]


def test_every_dataclass_says_what_it_is():
    """Each dataclass of the package has a docstring. Without one, dataclasses writes one from inspect.signature when
    the module is imported: 14 undocumented classes on validate's import path cost about 1 ms of every run."""
    import dataclasses
    import importlib
    import inspect
    import pkgutil

    import vostochny_summit

    missing = []
    for info in pkgutil.walk_packages(vostochny_summit.__path__, "vostochny_summit."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        missing += [f"{info.name}.{name}" for name, c in vars(module).items()
                    if inspect.isclass(c) and dataclasses.is_dataclass(c) and c.__module__ == info.name
                    and (c.__doc__ or "").startswith(f"{name}(")]
    assert not missing, f"dataclasses without a docstring: {missing}"
