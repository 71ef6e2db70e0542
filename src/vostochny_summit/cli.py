"""The `vostochny-summit` command line."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path


class UsageError(Exception):
    """A command line the command cannot act on (exit 2)."""


def _root(args):
    return getattr(args, "path", None) or getattr(args, "path_option", None)


def _rewrite(args, command: str, verb: str, nothing: str) -> int:
    """Run build or fmt; print what it wrote, or refuse with the located problems of input it cannot read."""
    from . import build as builder

    try:
        changed = getattr(builder, command)(_root(args))
    except builder.BuildRefused as exc:
        from .validation import report

        print(report(exc.problems), file=sys.stderr)
        print(f"{command} refused: fix the input above first", file=sys.stderr)
        return 1
    print("\n".join(f"{verb} {c}" for c in changed) or nothing)
    return 0


def cmd_build(args) -> int:
    return _rewrite(args, "build", "wrote", "nothing to rebuild: every generated file is current")


def cmd_fmt(args) -> int:
    return _rewrite(args, "fmt", "reformatted", "every CSV is already in canonical form")


def _codes(values) -> list[str]:
    """Codes given as repeated options, each possibly a comma-separated list."""
    return [c.strip() for v in values or () for c in v.split(",") if c.strip()]


def cmd_validate(args) -> int:
    from .validation import tuning

    tuning.enable(block_pandas=not args.frictionless)
    from .validation import report, validate

    pick, skip = _codes(args.pick), _codes(args.skip)
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    try:
        problems = validate(_root(args), exhaustive=args.exhaustive, pick=pick, skip=skip)
    except ValueError as exc:
        if "unknown error code" in str(exc):
            raise UsageError(str(exc)) from None
        raise
    if args.frictionless:
        wanted = lambda code: (not pick or code in pick) and code not in skip  # noqa: E731
        problems += [p for p in merge_frictionless(problems, _frictionless(_root(args))) if wanted(p.code)]
    print(report(problems, args.format, limit=args.limit))
    return 1 if problems else 0


FRICTIONLESS_SAME = {"hash-count": "stale-hash", "byte-count": "stale-bytes"}  # its table-level errors that are ours


def merge_frictionless(own, theirs):
    """frictionless' problems that none of ours already names: the same table and row (and field when it names one),
    or, for a stale hash or size, the same resource."""
    cells = {(p.table, p.row, p.field) for p in own if p.row is not None}
    rows = {(p.table, p.row) for p in own if p.row is not None}
    out = []
    for p in theirs:
        if p.row is not None and ((p.table, p.row, p.field) in cells or (p.field is None and (p.table, p.row) in rows)):
            continue
        same = FRICTIONLESS_SAME.get(p.code)
        if p.row is None and same and any(o.code == same and f"resource {p.table} " in o.expected for o in own):
            continue
        out.append(p)
    return out


def _frictionless(root):
    from .package import Package
    from .validation import Problem

    pkg = Package(root)
    try:
        from frictionless import Package as FPackage
    except ImportError:
        return [Problem(layer="frictionless", code="missing-dependency", file="(validate)", expected="the frictionless package")]
    report = FPackage(str(pkg.descriptor_path)).validate()
    out = []
    for task in report.tasks:
        for err in task.errors:
            out.append(Problem(layer="frictionless", code=err.type, file=task.name, table=task.name,
                               row=getattr(err, "row_number", None) and err.row_number - 1,
                               field=getattr(err, "field_name", None), value=getattr(err, "cell", None), expected=err.message))
    for err in report.errors:
        out.append(Problem(layer="frictionless", code=err.type, file="datapackage.json", expected=err.message))
    return out


def cmd_info(args) -> int:
    from .package import Package

    pkg = Package(_root(args))
    print(f"{pkg.descriptor.get('name')} {pkg.version} at {pkg.root}")
    for name, t in pkg.tables.items():
        with open(t.csv_path, "rb") as fh:
            rows = max(sum(1 for _ in fh) - 1, 0)
        print(f"  {name:<20} {rows:>6} rows  {t.resource['path']}")
    return 0


def cmd_sql(args) -> int:
    from .api import connect

    import duckdb

    con = connect(_root(args))
    try:
        rel = con.sql(args.query)
    except duckdb.Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if rel is None:
        return 0
    if args.format == "table":
        rel.show(max_rows=10_000, max_width=200)
    else:
        cols, rows = rel.columns, rel.fetchall()
        if args.format == "csv":
            import csv

            w = csv.writer(sys.stdout, lineterminator="\n")
            w.writerow(cols)
            w.writerows(rows)
        else:
            print(json.dumps([dict(zip(cols, r)) for r in rows], default=str, ensure_ascii=False, indent=2))
    return 0


def cmd_locate(args) -> int:
    from .package import Package
    from .tabular import read_typed
    from .text import find_all, read_text

    pkg = Package(_root(args))
    try:
        src = read_typed(pkg.table("sources"))
    except ValueError as exc:  # the file names itself; validate locates the bad cell
        print(f"error: {exc} (run vostochny-summit validate)", file=sys.stderr)
        return 1
    paths = dict(zip(src.column("source_id").to_pylist(), src.column("text_path").to_pylist()))
    if args.source_id not in paths:
        print(f"unknown source {args.source_id!r}; sources are: {', '.join(paths)}", file=sys.stderr)
        return 1
    body = read_text(pkg.root / paths[args.source_id])
    hits = find_all(body, args.text)
    if not hits:
        print(f"{args.source_id}: text not found: {args.text!r}", file=sys.stderr)
        return 1
    if args.occurrence:
        if args.occurrence > len(hits):
            print(f"{args.source_id}: only {len(hits)} occurrence(s) of {args.text!r}", file=sys.stderr)
            return 1
        hits = [hits[args.occurrence - 1]]
    elif len(hits) > 1:
        for k, h in enumerate(hits, 1):
            print(f"  occurrence {k}: [{h}:{h + len(args.text)}] …{body[max(0, h - 30):h + len(args.text) + 30]!r}", file=sys.stderr)
        print(f"{args.source_id}: {len(hits)} occurrences; pass --occurrence K", file=sys.stderr)
        return 1
    s = hits[0]
    print(f"{args.source_id}\t{s}\t{s + len(args.text)}\t{args.text}")
    return 0


def cmd_release(args) -> int:
    from .release import release

    for p in release(_root(args), args.dist):
        print(f"wrote {p}")
    return 0


def cmd_diff(args) -> int:
    from .diff import diff, render, render_summary, summary

    for p in (args.old, args.new):
        if not (Path(p).is_file() and p.endswith(".zip")) and not (Path(p) / "datapackage.json").is_file():
            print(f"error: {p} is neither a package directory nor a release zip", file=sys.stderr)
            return 2
    d = diff(args.old, args.new)
    if args.format == "json":
        d = d if not args.summary else {k: v for k, v in d.items() if k != "tables"} | {"tables": summary(d)}
        print(json.dumps(d, indent=2, ensure_ascii=False))
    else:
        print(render_summary(d) if args.summary else render(d))
    return 0


def cmd_export(args) -> int:
    if args.what == "sqlite":
        from .datasette_metadata import write_metadata
        from .package import Package
        from .sqlite_db import export_sqlite

        db = export_sqlite(args.out, args.path)
        print(f"wrote {db}\nwrote {write_metadata(Package(args.path), db)} (Datasette metadata)")
    else:
        from .claims_jsonl import export_claims

        print(f"wrote {export_claims(args.out, args.path)}")
    return 0


def cmd_browse(args) -> int:
    from .browse import browse

    return browse(args.port, args.path)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="vostochny-summit", description="The Vostochny summit data package.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__import__('vostochny_summit').__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    def with_path(sp):
        sp.add_argument("path", nargs="?", help="package directory (default: this package)")
        return sp

    with_path(sub.add_parser("build", help="regenerate derived columns, Parquet, descriptor hashes and docs")).set_defaults(func=cmd_build)
    with_path(sub.add_parser("fmt", help="rewrite every CSV in canonical form")).set_defaults(func=cmd_fmt)
    v = with_path(sub.add_parser("validate", help="check everything; exit 0 valid, 1 invalid, 2 usage error, 3 internal error"))
    v.add_argument("--format", choices=["text", "json"], default="text")
    v.add_argument("--frictionless", action="store_true", help="also run frictionless validate (slow); its problems that ours "
                   "already name are left out")
    v.add_argument("--exhaustive", action="store_true", help="turn every shortcut off (slower; the same problems)")
    v.add_argument("--pick", action="append", metavar="CODE", help="report only these error codes (repeat or comma-separate)")
    v.add_argument("--skip", action="append", metavar="CODE", help="leave out these error codes (repeat or comma-separate)")
    v.add_argument("--limit", type=int, metavar="N", help="show at most N problems (the summary still counts all)")
    v.set_defaults(func=cmd_validate)
    with_path(sub.add_parser("info", help="version, tables and row counts")).set_defaults(func=cmd_info)
    s = sub.add_parser("sql", help="run DuckDB SQL over all tables")
    s.add_argument("query")
    s.add_argument("path", nargs="?", help="package directory (default: this package)")
    s.add_argument("--format", choices=["table", "csv", "json"], default="table")
    s.add_argument("--path", dest="path_option", help="package directory (the same as PATH)")
    s.set_defaults(func=cmd_sql)
    loc = sub.add_parser("locate", help="print the offsets of an exact text in an article (for curators)")
    loc.add_argument("source_id")
    loc.add_argument("text")
    loc.add_argument("path", nargs="?", help="package directory (default: this package)")
    loc.add_argument("--occurrence", type=int, help="1-based occurrence when the text is ambiguous")
    loc.add_argument("--path", dest="path_option", help="package directory (the same as PATH)")
    loc.set_defaults(func=cmd_locate)
    r = with_path(sub.add_parser("release", help="write reproducible release artefacts (wheel, sdist, data zip, SHA256SUMS) to dist/"))
    r.add_argument("--dist", help="output folder (default: PATH/dist)")
    r.set_defaults(func=cmd_release)
    d = sub.add_parser("diff", help="per table the ids added and removed, and every changed field of each changed row "
                       "(old → new), between two package versions")
    d.add_argument("old", help="package directory or release zip")
    d.add_argument("new", help="package directory or release zip")
    d.add_argument("--format", choices=["text", "json"], default="text")
    d.add_argument("--summary", action="store_true", help="only the counts per table and the names of the changed fields")
    d.set_defaults(func=cmd_diff)
    e = sub.add_parser("export", help="write the SQLite database (+ Datasette metadata) or the claims JSONL")
    e.add_argument("what", choices=["sqlite", "claims"])
    e.add_argument("out", help="output file: OUT.db for sqlite, OUT.jsonl for claims")
    e.add_argument("--path", help="package directory (default: this package)")
    e.set_defaults(func=cmd_export)
    b = sub.add_parser("browse", help="browse the package in Datasette on 127.0.0.1 (pip extra [browse])")
    b.add_argument("--port", type=int, default=8001)
    b.add_argument("--path", help="package directory (default: this package)")
    b.set_defaults(func=cmd_browse)
    args = p.parse_args(argv)
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `vostochny-summit sql … | head` ends quietly
    root = _root(args)
    if root is not None and not (Path(root) / "datapackage.json").is_file():
        print(f"error: {root} is not a package directory (no datapackage.json in it)", file=sys.stderr)
        return 2
    from .package import DescriptorError

    try:
        return args.func(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyError as exc:  # an unknown table name
        print(f"error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    except (DescriptorError, FileNotFoundError) as exc:  # names the file that cannot be read
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception:  # noqa: BLE001 - a crash is never "invalid"
        import traceback

        traceback.print_exc()
        print("internal error: this is a bug in vostochny-summit, not a problem of the data (exit 3)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
