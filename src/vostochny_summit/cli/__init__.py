"""The `vostochny-summit` command line: the parser, the folder rule and the exit codes.

Every command takes the package folder as an optional positional PATH; without it, the current folder when it holds
datapackage.json, else the installed copy (package.find_root). Each says which folder and version it used: on the
first line of its text output, or on stderr when its stdout is data.

Exit codes: 0 ok; 1 the data is invalid or stale (located problems, or the one line of a broken seal); 2 a usage error
or input that cannot be read (the file is named); 3 only for a bug (a traceback, and a line saying so).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import signal
import sys

from . import commands


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # a usage error: one line and the usage, exit 2 (argparse's own convention)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _path(sp, what: str = "the package folder") -> None:
    sp.add_argument("path", nargs="?", metavar="PATH",
                    help=f"{what} (default: the current folder when it holds datapackage.json, else the installed package)")
    sp.add_argument("--path", dest="path_option", metavar="PATH", help=argparse.SUPPRESS)  # the 0.2.0 spelling


@functools.lru_cache(maxsize=2)
def build_parser(formats: bool = True) -> argparse.ArgumentParser:
    """The whole parser; formats=False leaves out the export formats' own parsers (importing every format module is
    the costliest part of start-up, and only `export` needs them). Made once per process (about 10 ms; parsing does
    not change it), for programs and tests that call main() many times."""
    from .. import __version__

    p = _Parser(prog="vostochny-summit", description="The Vostochny summit data package: validate, build, query and "
                "export it. Exit codes: 0 ok, 1 invalid or stale data, 2 usage error or unreadable input, 3 a bug.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    def command(name: str, func, help: str):
        sp = sub.add_parser(name, help=help, description=help)
        sp.set_defaults(func=func)
        return sp

    for name, func, help in (("build", commands.build, "check the sources, then regenerate every derived file and seal "
                              "the package"),
                             ("fmt", commands.fmt, "rewrite every CSV in canonical form (column order, sorted by key, "
                              "UTF-8, LF)")):
        sp = command(name, func, help)
        _path(sp)
        sp.add_argument("--limit", type=int, metavar="N", help="when refused, show at most N problems")
    v = command("validate", commands.validate, "check everything and report every problem at once")
    _path(v, "the package folder to check")
    v.add_argument("--format", choices=["text", "json"], default="text", help="text for people (default), json for tools")
    v.add_argument("--frictionless", action="store_true",
                   help="also run frictionless validate (slow); its problems that ours already name are left out")
    v.add_argument("--exhaustive", action="store_true", help="turn every shortcut off (slower; the same problems)")
    v.add_argument("--bounded", action=argparse.BooleanOptionalAction, default=None,
                   help="less memory for a large package (row batches, columns waiting on disk), at some cost in "
                        "time; the same problems (default: on from 256 MiB of CSV)")
    v.add_argument("--pick", action="append", metavar="CODE", help="report only these error codes (repeat or comma-separate)")
    v.add_argument("--skip", action="append", metavar="CODE", help="leave out these error codes (repeat or comma-separate)")
    v.add_argument("--limit", type=int, metavar="N", help="show at most N problems (the summary still counts all)")
    i = command("info", commands.info, "the package's folder, version, seal, licence, and each table with its rows")
    _path(i)
    s = command("sql", commands.sql, "run DuckDB SQL over every table (one view per table)")
    s.add_argument("query", help="the SQL; every table is a view of its name, e.g. \"select * from quotes limit 5\"")
    _path(s)
    s.add_argument("--format", choices=["table", "csv", "json"], default="table",
                   help="table (fits the terminal, long cells cut with …), csv, or json")
    loc = command("locate", commands.locate, "print the offsets of an exact text in an article (for curators)")
    loc.add_argument("article", metavar="SOURCE_ID", help="the article, e.g. art-003")
    loc.add_argument("exact", metavar="TEXT", help="the exact characters, as printed in the article")
    _path(loc)
    loc.add_argument("--occurrence", type=int, metavar="K", help="1-based occurrence when the text occurs more than once")
    r = command("release", commands.release, "write reproducible release artefacts (wheel, sdist, data zip, every "
                "export format, SHA256SUMS)")
    _path(r)
    r.add_argument("--dist", metavar="DIR", help="output folder (default: PATH/dist)")
    d = command("diff", commands.diff, "what changed between two versions: per table the added and removed ids and "
                "each changed row's fields")
    d.add_argument("old", help="the older package folder or release zip")
    d.add_argument("new", help="the newer package folder or release zip")
    d.add_argument("--format", choices=["text", "json"], default="text", help="text (default) or json")
    d.add_argument("--summary", action="store_true", help="only the counts per table and the names of the changed fields")
    e = command("export", None, "write the package in another format (see `export FORMAT --help`)")
    if formats:
        _export_parser(e)
    b = command("browse", commands.browse, "browse the package in Datasette (pip extra [browse]); Ctrl-C stops it")
    _path(b)
    b.add_argument("--port", type=int, default=8001, help="the port (default 8001; 0 picks a free one)")
    b.add_argument("--host", default="127.0.0.1", help="the address to bind (default 127.0.0.1, this machine only)")
    return p


def _export_parser(e) -> None:
    from ..exports import formats

    fsub = e.add_subparsers(dest="format", required=True, metavar="FORMAT", parser_class=_Parser)
    for fmt in formats().values():
        fp = fsub.add_parser(fmt.name, help=fmt.summary, description=fmt.summary)
        fp.add_argument("out", metavar="OUT", help=f"the output {fmt.output}, e.g. {fmt.example or 'OUT'}")
        _path(fp)
        for opt in fmt.options:
            fp.add_argument(opt.flag, dest=f"opt_{opt.name}", help=opt.help, **opt.argparse)
        fp.set_defaults(func=commands.export)


def _parse(argv) -> argparse.Namespace:
    from ..validation.tuning import command_defaults

    command_defaults()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(formats="export" in argv).parse_args(argv)
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `vostochny-summit sql … | head` ends quietly
    if hasattr(signal, "SIGUSR1"):
        import faulthandler

        with contextlib.suppress(io.UnsupportedOperation, AttributeError, ValueError):  # stderr not a real file
            faulthandler.register(signal.SIGUSR1)  # `kill -USR1 PID` prints where a command that seems stuck is
    return args


def main(argv=None) -> int:
    """Run one command; its exit code (callable in-process, as the tests do)."""
    return commands.run(_parse(argv))


PRINT_ONLY = (commands.validate,)  # commands whose only output is what they print: console() ends them at once
# commands that never use pandas (this package's code does not, nor do jinja2, sqlite3 and spaCy, which exports call):
# console() declines it in their process (pyarrow would import it, about 0.2 s, only to ask whether a value is a
# DataFrame); validate declines it itself (tuning.py)
WITHOUT_PANDAS = (commands.build, commands.fmt, commands.sql, commands.info, commands.diff, commands.locate,
                  commands.export, commands.release)  # not browse: Datasette's plug-ins are other people's code
# commands that start without the garbage collector and call tuning.settle() once their modules are imported
SETTLING = (commands.validate,)


def console() -> None:
    """The `vostochny-summit` command (and `python -m vostochny_summit`): main, then the process ends.

    The commands of WITHOUT_PANDAS run without pandas. A command that only prints (validate) ends its process as soon
    as its report is flushed, without the interpreter's teardown: unloading pyarrow, numpy and the checks' modules
    takes 60-110 ms after the last line, which is a sixth of validating the real package. The other commands write
    files and end normally. The commands of SETTLING import their modules without the cyclic garbage collector
    (tuning.hold_collector)."""
    from ..validation.tuning import hold_collector, settle

    hold_collector()
    args = _parse(None)
    if getattr(args, "func", None) not in SETTLING:
        settle()
    if getattr(args, "func", None) in WITHOUT_PANDAS:
        from ..validation.tuning import decline_pandas

        decline_pandas()
    code = commands.run(args)
    if getattr(args, "func", None) in PRINT_ONLY:
        end_now(code)
    sys.exit(code)


def end_now(code: int) -> None:
    """Flush what was printed and end the process with code, skipping the interpreter's teardown."""
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can reach it
            pass
    os._exit(code)


if __name__ == "__main__":
    console()
