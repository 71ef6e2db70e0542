"""What each command does, and `run`: the folder rule, the line naming the package, and the exit code of every
failure (a reader refuses a broken seal with one line; a crash is exit 3 and says it is a bug)."""

from __future__ import annotations

import json
import sys
from pathlib import Path


class UsageError(Exception):
    """A command line the command cannot act on (exit 2)."""


def _root(args) -> Path:
    from ..package import DESCRIPTOR, find_root

    given = getattr(args, "path", None) or getattr(args, "path_option", None)
    root = find_root(given)
    if not (root / DESCRIPTOR).is_file():
        raise UsageError(f"{given or root} is not a package folder (no {DESCRIPTOR} in it)")
    return root


def announce(root: Path, data_on_stdout: bool = False) -> None:
    """The line that says which package a command uses: stdout, or stderr when stdout carries data."""
    try:
        version = json.loads((root / "datapackage.json").read_text(encoding="utf-8")).get("version", "?")
    except (OSError, ValueError, AttributeError):
        version = "?"
    print(f"package {root} (version {version})", file=sys.stderr if data_on_stdout else sys.stdout, flush=True)


def _codes(values) -> list[str]:
    """Codes given as repeated options, each possibly a comma-separated list."""
    return [c.strip() for v in values or () for c in v.split(",") if c.strip()]


def _rewrite(args, command: str, verb: str, nothing: str) -> int:
    """build or fmt: what it wrote, or why nothing (a refusal is BuildRefused, reported by run())."""
    from .. import build as builder

    root = _root(args)
    announce(root)
    changed = getattr(builder, command)(root)
    print("\n".join(f"{verb} {c}" for c in changed) or nothing)
    return 0


def build(args) -> int:
    return _rewrite(args, "build", "wrote", "nothing to rebuild: the seal holds and every generated file is current")


def fmt(args) -> int:
    return _rewrite(args, "fmt", "reformatted", "every CSV is already in canonical form")


def validate(args) -> int:
    from ..package import Package
    from ..validation import BOUNDED_NOTE, bounded_by_size, csv_bytes, tuning, wanted_codes
    from ..validation.descriptor import hash_ahead
    from ..validation.spill import spill_dir

    root = _root(args)
    pkg = Package(root)  # read once, here and by the run (reading it imports no pyarrow)
    try:
        size = csv_bytes(pkg.tables)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        size = 0  # the descriptor cannot say: validate reports why
    pick, skip = _codes(args.pick), _codes(args.skip)
    if tuning.enabled():  # the CSVs' hashes, on the other core while this one imports the checks (if it runs)
        hash_ahead(pkg, wanted_codes(pick, skip))
    tuning.enable(block_pandas=not args.frictionless, csv_bytes=size)  # first: it imports pyarrow
    from ..validation import checks, report_parts  # noqa: F401 - checks: every check's module, before settle
    from ..validation import validate as run_validate

    tuning.settle()

    announce(root, data_on_stdout=args.format == "json")
    if bounded_by_size(size, args.bounded):
        print(BOUNDED_NOTE.format(mib=size / 2**20, where=spill_dir()), file=sys.stderr, flush=True)
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    try:
        problems = run_validate(pkg, exhaustive=args.exhaustive, pick=pick, skip=skip, bounded=args.bounded)
    except ValueError as exc:
        if "unknown error code" in str(exc):
            raise UsageError(str(exc)) from None
        raise
    if args.frictionless:
        from ..validation.merge import frictionless_problems, merge_frictionless

        wanted = wanted_codes(pick, skip)
        problems += [p for p in merge_frictionless(problems, frictionless_problems(root)) if wanted(p.code)]
    for part in report_parts(problems, args.format, limit=args.limit, causes=_causes(root, problems)):
        sys.stdout.write(part)
    print()
    return 1 if problems else 0


def _causes(root, problems) -> list[str]:
    from ..package import Package
    from ..validation.advice import root_causes

    return root_causes(Package(root), problems) if problems else []


def info(args) -> int:
    from .. import seal
    from ..package import Package

    root = _root(args)
    announce(root)
    pkg = Package(root)
    broken = seal.check(pkg)
    licences = ", ".join(lic.get("name", "?") for lic in pkg.descriptor.get("licenses", []))
    print(f"{pkg.descriptor.get('title', pkg.descriptor.get('name'))}; licence {licences or 'not stated'}")
    print("seal: holds (every file is the one build sealed)" if not broken else f"seal: BROKEN: {seal.refusal(pkg, broken)}")
    total = 0
    for name, t in pkg.tables.items():
        size = t.csv_path.stat().st_size if t.csv_path.is_file() else 0
        with open(t.csv_path, "rb") as fh:
            rows = max(sum(1 for _ in fh) - 1, 0)
        total += size
        print(f"  {name:<20} {rows:>6} rows  {size / 1024:>7.1f} KiB  {t.resource['path']}")
    print(f"  {'(all tables)':<20} {'':>6}       {total / 1024:>7.1f} KiB")
    return 1 if broken else 0


def sql(args) -> int:
    import duckdb

    from ..api import connect
    from .terminal import print_table

    root = _root(args)
    announce(root, data_on_stdout=True)
    con = connect(root)
    try:
        rel = con.sql(args.query)
    except duckdb.Error as exc:
        said = [line for line in str(exc).splitlines() if line.strip()]  # DuckDB's hint ("Did you mean") and position
        raise UsageError("the query failed: " + "\n".join(said)) from None
    if rel is None:
        return 0
    cols, rows = rel.columns, rel.fetchall()
    if args.format == "table":
        print_table(cols, rows)
    elif args.format == "csv":
        import csv

        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(cols)
        w.writerows(rows)
    else:
        print(json.dumps([dict(zip(cols, r, strict=True)) for r in rows], default=str, ensure_ascii=False, indent=2))
    return 0


def locate(args) -> int:
    from ..articles import find_all, look_alike, read_text
    from ..model.columns import sources as source_columns
    from ..package import Package
    from ..tabular import read_typed

    root = _root(args)
    announce(root, data_on_stdout=True)
    pkg, c = Package(root), source_columns()
    table = pkg.table(c.table)  # an unreadable descriptor is named here (exit 2)
    try:
        src = read_typed(table)
    except ValueError as exc:  # the file names itself; validate locates the bad cell
        print(f"error: {exc} (run `vostochny-summit validate` to see where)", file=sys.stderr)
        return 1
    paths = dict(zip(src.column(c.id).to_pylist(), src.column(c.path).to_pylist(), strict=True))
    article, exact = args.article, args.exact
    if article not in paths:
        raise UsageError(f"unknown article {article!r}; the articles are: {', '.join(paths)}")
    body = read_text(pkg.root / paths[article])
    hits = find_all(body, exact)
    if not hits:
        hint = "".join(f"\n  the article has {body[h:h + len(exact)]!r} at {h}-{h + len(exact)}: it differs only in quote, "
                       "dash or space characters; pass it as printed" for h in look_alike(body, exact))
        print(f"{article}: text not found: {exact!r}{hint}", file=sys.stderr)
        return 1
    if args.occurrence:
        if not 1 <= args.occurrence <= len(hits):
            raise UsageError(f"{article}: {len(hits)} occurrence(s) of {exact!r}; --occurrence must be 1 to {len(hits)}")
        hits = [hits[args.occurrence - 1]]
    elif len(hits) > 1:
        for k, h in enumerate(hits, 1):
            print(f"  occurrence {k}: [{h}:{h + len(exact)}] …{body[max(0, h - 30):h + len(exact) + 30]!r}", file=sys.stderr)
        print(f"{article}: {len(hits)} occurrences; pass --occurrence K", file=sys.stderr)
        return 1
    print(f"{article}\t{hits[0]}\t{hits[0] + len(exact)}\t{exact}")
    return 0


def release(args) -> int:
    from ..release.artefacts import release as make

    root = _root(args)
    announce(root)
    for p in make(root, args.dist):
        print(f"wrote {p}")
    return 0


def diff(args) -> int:
    from ..release.diff import diff as compare
    from ..release.diff import render, render_summary, summary

    for p in (args.old, args.new):
        if not (Path(p).is_file() and p.endswith(".zip")) and not (Path(p) / "datapackage.json").is_file():
            raise UsageError(f"{p} is neither a package folder nor a release zip")
    d = compare(args.old, args.new)
    print(f"old {d['old_root']} (version {d['old_version']}); new {d['new_root']} (version {d['new_version']})",
          file=sys.stderr if args.format == "json" else sys.stdout)
    if args.format == "json":
        d = d if not args.summary else {k: v for k, v in d.items() if k != "tables"} | {"tables": summary(d)}
        print(json.dumps(d, indent=2, ensure_ascii=False))
    else:
        print(render_summary(d) if args.summary else render(d))
    return 0


def export(args) -> int:
    from ..exports import export as write
    from ..exports import get

    root = _root(args)
    announce(root)
    options = {k.removeprefix("opt_"): v for k, v in vars(args).items() if k.startswith("opt_")}
    written = write(args.format, args.out, root, **options)
    if get(args.format).output == "folder":  # a folder's files are many: name the folder and count them
        print(f"wrote {Path(args.out)}{'' if str(args.out).endswith('/') else '/'} ({len(written)} files)")
    else:
        for p in written:
            print(f"wrote {p}")
    return 0


def browse(args) -> int:
    from ..exports.browse import browse as serve

    root = _root(args)
    announce(root)
    return serve(root, port=args.port, host=args.host)


def run(args) -> int:
    """Run the parsed command; every failure becomes its exit code and a message that names the file."""
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a crash is never "invalid"
        return _failed(args, exc)


def _failed(args, exc: Exception) -> int:
    """A failed command's message and exit code. The failures' classes are imported only here: a command that
    succeeds never loads the export registry, build or release for them (about 6 ms of every `validate`)."""
    from ..api import MissingExtra
    from ..build import BuildRefused
    from ..exports import ExportRefused
    from ..package import DescriptorError
    from ..release import ReleaseRefused
    from ..seal import SealBroken

    if isinstance(exc, (UsageError, MissingExtra)):
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if isinstance(exc, SealBroken):
        print(f"refused: {exc}", file=sys.stderr)
        return exc.exit_code
    if isinstance(exc, BuildRefused):
        from ..validation import report

        print(report(exc.problems, limit=getattr(args, "limit", None), causes=_causes(_root(args), exc.problems)),
              file=sys.stderr)
        print(f"{args.command} refused, nothing written: {exc.fix}", file=sys.stderr)
        return 1
    if isinstance(exc, ExportRefused):
        print(f"export refused: {exc}", file=sys.stderr)
        return 1
    if isinstance(exc, ReleaseRefused):  # not a source checkout, or no `build`: cannot, rather than invalid data
        print(f"release refused: {exc}", file=sys.stderr)
        return 2
    if isinstance(exc, KeyError):  # an unknown table or format name
        print(f"error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    if isinstance(exc, (DescriptorError, OSError)):  # a file that cannot be read or written, a port in use: named
        print(f"error: {exc}", file=sys.stderr)
        return 2
    import traceback

    traceback.print_exception(exc)
    print("internal error: this is a bug in vostochny-summit, not a problem of the data (exit 3)", file=sys.stderr)
    return 3
