"""The command line as a person meets it: help for every argument, the table that fits the terminal, look-alike
suggestions from locate, the folder rule, and browse's port, start and stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from vostochny_summit.cli import build_parser
from vostochny_summit.cli.terminal import cut, fit, print_table

from .conftest import ROOT
from .helpers import run_probe


def run_cli(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "vostochny_summit.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


def test_every_argument_and_option_has_help():
    import argparse

    def walk(parser, where):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from walk(sub, f"{where} {name}")
            elif action.help != argparse.SUPPRESS and not isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
                yield where, action

    missing = [f"{where}: {a.dest}" for where, a in walk(build_parser(), "vostochny-summit") if not a.help]
    assert not missing, missing


def test_export_format_help_shows_its_own_options():
    from vostochny_summit.exports import formats

    for name, fmt in formats().items():
        out = run_cli("export", name, "--help")
        assert out.returncode == 0 and " ".join(out.stdout.split()).count(" ".join(fmt.summary.split())) == 1, out.stdout
        for opt in fmt.options:
            assert opt.flag in out.stdout


def test_cut_never_splits_a_word():
    assert cut("Kim raised a toast", 12) == "Kim raised…"
    assert cut("Kim raised a toast", 40) == "Kim raised a toast"
    assert cut("Unbreakableword", 6) == "…"
    assert all(len(cut("a b c d e f g h", w)) <= w for w in range(1, 20))


def test_the_table_fits_the_terminal(capsys):
    rows = [("art-001-q01", "Russia will help North Korea build satellites, said Putin at the cosmodrome", None)] * 3
    print_table(["quote_id", "text", "speaker"], rows, width=60)
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 60 for line in lines), lines
    assert "…" in lines[2] and "art-001-q01" in lines[2] and lines[-1] == "(3 rows)"
    assert sum(fit([100, 100, 5], 80)) + 6 <= 80


def test_sql_table_fits_a_narrow_terminal():
    out = run_cli("sql", "select quote_id, text from quotes order by quote_id limit 3", env={**os.environ, "COLUMNS": "50"})
    assert out.returncode == 0, out.stderr
    assert all(len(line) <= 50 for line in out.stdout.splitlines()), out.stdout
    assert out.stderr.startswith("package "), "data on stdout: the package is named on stderr"


def test_a_query_that_fails_shows_duckdbs_whole_message_with_its_suggestion(capsys, monkeypatch):
    """A misspelt table: exit 2, and DuckDB's own suggestion of the table meant (its message's second line)."""
    from vostochny_summit import cli

    monkeypatch.setenv("VOSTOCHNY_SUMMIT_NO_TUNING", "1")
    assert cli.main(["sql", "select count(*) from quote", str(ROOT)]) == 2
    err = capsys.readouterr().err
    assert "error: the query failed: Catalog Error: Table with name quote does not exist!" in err and 'Did you mean "quotes"' in err, err


def test_locate_suggests_the_articles_own_characters():
    out = run_cli("locate", "art-003", "That's why we came here")  # straight apostrophe; the article prints ’
    assert out.returncode == 1
    assert "That’s why we came here" in out.stderr and "2704-2727" in out.stderr


def test_the_current_folder_is_the_package_when_it_holds_one(package_copy, tmp_path):
    inside = run_cli("info", cwd=package_copy)
    assert inside.returncode == 0 and inside.stdout.startswith(f"package {package_copy} ")
    outside = run_cli("info", cwd=tmp_path)
    assert outside.returncode == 0 and f"package {ROOT} " in outside.stdout.splitlines()[0]
    assert run_cli("info", tmp_path).returncode == 2  # a PATH that holds no package


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_browse_refuses_a_busy_port():
    pytest.importorskip("datasette")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        out = run_cli("browse", "--port", busy.getsockname()[1])
    assert out.returncode == 2 and "in use" in out.stderr and "Traceback" not in out.stderr


def test_browse_picks_a_free_port_and_stops_quietly_on_ctrl_c():
    pytest.importorskip("datasette")
    def temporary() -> set:
        return {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("vostochny-summit-browse-")}

    before = temporary()
    # Ctrl-C as at a terminal: a pytest started in the background of a script (`pytest &`, as some CI runners do)
    # inherits SIGINT ignored, and a Python started with SIGINT ignored never raises KeyboardInterrupt (the cause of
    # this test's occasional time-outs: the child's SigIgn mask held SIGINT)
    proc = subprocess.Popen([sys.executable, "-m", "vostochny_summit.cli", "browse", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert proc.stdout.readline().startswith("package ")
        line = proc.stdout.readline()  # printed once the server answers
        url = next(w for w in line.split() if w.startswith("http://127.0.0.1:"))
        import urllib.request

        with urllib.request.urlopen(url.rsplit("/", 1)[0] + "/-/versions.json", timeout=10) as r:
            assert r.status == 200
        mine = temporary() - before
        assert mine, "browse made no temporary folder"
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(30)
        except subprocess.TimeoutExpired:  # show where it hangs, and how it treats signals
            status = Path(f"/proc/{proc.pid}/status")
            masks = [x for x in status.read_text().splitlines() if x.startswith("Sig")] if status.exists() else []
            proc.send_signal(signal.SIGUSR1)
            time.sleep(1)
            proc.terminate()  # browse stops its server on SIGTERM (a kill would leave the server running)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
            pytest.fail(f"browse did not stop within 30 s of Ctrl-C; its signal masks {masks}, this process's "
                        f"SIGINT handler {signal.getsignal(signal.SIGINT)}; its stacks:\n{proc.communicate()[1]}")
        assert code == 130
        assert "Traceback" not in proc.stderr.read()
        assert not mine & temporary(), "its temporary files are left behind"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_browse_wait_stops_on_a_ctrl_c_that_another_thread_received():
    """The kernel may hand Ctrl-C to any thread that does not block it (Arrow's and DuckDB's C++ threads do not);
    browse's wait for its server must still end within a second (a plain Popen.wait() blocks until the child exits)."""
    import threading

    from vostochny_summit.exports.browse import wait_for

    class Interrupted(Exception):
        pass

    def handler(signum, frame):
        raise Interrupted

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(20)"])
    other = threading.Thread(target=lambda: (time.sleep(0.3), signal.pthread_kill(threading.get_ident(), signal.SIGINT)))
    previous = signal.signal(signal.SIGINT, handler)
    began = time.monotonic()
    try:
        other.start()
        with pytest.raises(Interrupted):
            wait_for(child)
        assert time.monotonic() - began < 5
    finally:
        signal.signal(signal.SIGINT, previous)
        other.join()
        child.kill()
        child.wait()


def test_commands_that_never_use_pandas_run_without_it(package_copy):
    """build, fmt, sql and export (cli.WITHOUT_PANDAS) work in a process that declines pandas, and never import it: pyarrow
    would, about 0.2 s, only to ask whether a value is a DataFrame. A command that needs pandas would fail here. Nor
    dateutil: the compute functions get typed scalars (tabular.string_scalar)."""
    probe = ("import atexit, sys; atexit.register(lambda: print('pandas imported:', 'pandas' in sys.modules, "
             "'- dateutil imported:', 'dateutil' in sys.modules, file=sys.stderr)); "
             "sys.argv = ['vostochny-summit', *sys.argv[1:]]; from vostochny_summit.cli import console; "
             "console()")
    people = package_copy / "data" / "people.csv"
    people.write_bytes(people.read_bytes().replace(b",Alexander Lukashenko,", b',"Alexander Lukashenko",', 1)
                       .replace(b"President of Belarus [art-001].", b"Belarusian president [art-001].", 1))
    for argv, said in ((["fmt"], "reformatted data/people.csv"), (["build"], "wrote data/parquet/people.parquet"),
                       (["sql", "select count(*) from people"], "count_star()"),
                       (["export", "claims", package_copy / "claims.jsonl"], "claims.jsonl")):
        out = run_probe(probe, *argv, package_copy)
        assert out.returncode == 0 and said in out.stdout, f"{argv}: {out.stdout[-500:]}{out.stderr[-2000:]}"
        # nor dateutil (with calendar and locale), which pyarrow imports to convert a bare str handed to it
        assert out.stderr.strip().splitlines()[-1] == "pandas imported: False - dateutil imported: False", \
            f"{argv}: {out.stderr[-2000:]}"


def test_the_command_line_starts_without_the_collector_and_checks_with_it(package_copy):
    """console() turns the cyclic garbage collector off while a command's modules are imported (tuning.hold_collector):
    validate turns it back on, with what exists then frozen, before it reads the package (tuning.settle); every other
    command right after its command line is read. validate() called from Python neither freezes nor turns off."""
    probe = ("import atexit, gc, sys; import vostochny_summit.validation as v; report = v.report_parts; "
             "v.report_parts = lambda *a, **k: print('checked with the collector on:', gc.isenabled(), '- frozen:', "
             "gc.get_freeze_count() > 10000) or report(*a, **k); "
             "atexit.register(lambda: print('at the end, the collector on:', gc.isenabled(), file=sys.stderr)); "
             "sys.argv = ['vostochny-summit', *sys.argv[1:]]; from vostochny_summit.cli import console; console()")
    out = run_probe(probe, "validate", package_copy)
    assert "checked with the collector on: True - frozen: True" in out.stdout, out.stdout[-500:] + out.stderr[-2000:]
    out = run_probe(probe, "info", package_copy)
    assert out.stderr.strip().splitlines()[-1] == "at the end, the collector on: True", out.stdout[-500:] + out.stderr[-2000:]

    import gc

    from vostochny_summit.cli import main
    from vostochny_summit.validation import tuning

    frozen = gc.get_freeze_count()
    assert main(["validate", "--pick", "fixity", str(package_copy)]) == 0
    tuning.settle()
    assert gc.isenabled() and gc.get_freeze_count() == frozen
