"""The validation engine and the command line around it: plans rejected at start, crashes that are not "invalid",
no process-wide state changed by validate(), maps closed, --pick/--skip/--limit, the merged frictionless report,
build refusing bad input where validate would, and every command naming an unreadable descriptor."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from vostochny_summit import cli
from vostochny_summit.validation import CODES, Problem, validate
from vostochny_summit.validation import checks as registry
from vostochny_summit.validation.engine import Check, CheckError, PlanError, check_plan

from .helpers import ROOT, read_rows, require, run_cli, write_rows


# ---- the plan -----------------------------------------------------------------------------------------------------
def nothing(ctx):
    return []


def test_the_registered_checks_form_a_plan():
    check_plan(registry.CHECKS, registry.ROW_RULES)


def test_a_code_missing_from_the_catalogue_is_rejected_at_start():
    with pytest.raises(PlanError, match="not in the catalogue"):
        check_plan([Check("x", nothing, ("no-such-code",))])


def test_a_need_no_check_provides_is_rejected_at_start():
    with pytest.raises(PlanError, match="no check provides"):
        check_plan([Check("x", nothing, ("fixity",), needs=("sources-loaded",))])


def test_a_cycle_is_rejected_at_start():
    a = Check("a", nothing, ("fixity",), needs=("b-out",), provides="a-out")
    b = Check("b", nothing, ("fixity",), needs=("a-out",), provides="b-out")
    with pytest.raises(PlanError, match="cycle"):
        check_plan([a, b])


def test_a_plan_error_stops_validate_before_any_check_runs(tmp_path):
    ran = []
    checks = [Check("x", lambda ctx: ran.append(1) or [], ("fixity",), needs=("nowhere",))]
    with pytest.raises(PlanError):
        validate(ROOT, checks=checks, row_rules=[])
    assert not ran


def test_a_check_that_reports_an_undeclared_code_is_an_error():
    liar = Check("liar", lambda ctx: [Problem(code="fixity", file="x")], ("char-count",))
    with pytest.raises(CheckError, match="does not declare"):
        validate(ROOT, checks=[liar], row_rules=[])


def test_a_check_reading_an_output_it_did_not_declare_is_an_error():
    sneaky = Check("sneaky", lambda ctx: ctx.output("texts") or [], ("fixity",))
    with pytest.raises(CheckError, match="without declaring"):
        validate(ROOT, checks=[*registry.CHECKS, sneaky], row_rules=registry.ROW_RULES)


def test_a_check_reading_a_table_its_reads_do_not_name_is_an_error():
    """The run lets each output go after the last node that may read it, so a read beyond Check.reads is refused."""
    peek = Check("peek", lambda ctx: ctx.output("table", "claims") or [], ("fixity",), needs=("table",), per_table=True,
                 applies=lambda pkg, t: t.name == "people")
    with pytest.raises(CheckError, match="does not name"):
        validate(ROOT, checks=[*registry.CHECKS, peek], row_rules=registry.ROW_RULES)


@pytest.mark.parametrize("workers", [0, 2])
def test_each_output_is_let_go_after_its_last_reader(workers):
    """A per-table output is held until every node that may read it has run, and no longer: by the time a check
    across tables runs, the outputs that only the per-table checks read are gone (at 10 M rows, up to a gigabyte)."""
    import weakref

    class Out:
        pass

    made, seen = {}, []

    def provide(ctx):
        out = Out()
        made[ctx.table.name] = weakref.ref(out)
        return [], out

    def read(ctx):
        seen.append(ctx.output("p-out") is not None)
        return [], ctx.table.name

    def across(ctx):
        seen.append(sorted(name for name, out in made.items() if out() is not None))
        return []

    checks = [Check("p", provide, ("fixity",), provides="p-out", per_table=True),
              Check("c", read, ("fixity",), needs=("p-out",), provides="c-out", per_table=True),
              Check("g", across, ("fixity",), needs=("c-out",))]
    assert validate(ROOT, checks=checks, row_rules=[], workers=workers) == []
    tables = len(made)
    assert seen[:tables] == [True] * tables, "a reader ran after its output was let go"
    assert seen[tables:] == [[]], f"outputs held after their last reader: {seen[tables:]}"


# ---- exit codes ---------------------------------------------------------------------------------------------------
def test_a_crashing_check_exits_3_not_1(monkeypatch, capsys):
    def boom(ctx):
        raise RuntimeError("a bug in a check")

    monkeypatch.setattr(registry, "CHECKS", [*registry.CHECKS, Check("boom", boom, ("fixity",))])
    monkeypatch.setenv("VOSTOCHNY_SUMMIT_NO_TUNING", "1")
    assert cli.main(["validate", str(ROOT)]) == 3
    err = capsys.readouterr().err
    assert "internal error" in err and "a bug in a check" in err


def test_usage_errors_exit_2(monkeypatch):
    monkeypatch.setenv("VOSTOCHNY_SUMMIT_NO_TUNING", "1")
    assert cli.main(["validate", str(ROOT), "--pick", "no-such-code"]) == 2
    assert cli.main(["validate", str(ROOT), "--limit", "0"]) == 2
    with pytest.raises(SystemExit) as exc:
        cli.main(["validate", "--exhaustive", "--format", "yaml"])
    assert exc.value.code == 2


# ---- no process-wide state ------------------------------------------------------------------------------------------
def test_validate_changes_no_process_wide_state_and_closes_its_maps(package_copy):
    import pyarrow as pa

    interval, hooks, pool = sys.getswitchinterval(), list(sys.meta_path), pa.default_memory_pool().backend_name
    assert validate(package_copy) == []
    assert sys.getswitchinterval() == interval and sys.meta_path == hooks
    assert pa.default_memory_pool().backend_name == pool
    with open("/proc/self/maps", encoding="utf-8") as fh:
        mapped = [line for line in fh if str(package_copy) in line]
    assert not mapped, mapped[:3]


def test_serial_runs_share_one_database_but_never_each_others_tables(package_copy, tmp_path):
    """Small runs of one process share a DuckDB database (context.serial_db), each on a cursor of its own: runs on two
    packages at once in two threads (one holding a defect its SQL lists) report what each reports alone."""
    from concurrent.futures import ThreadPoolExecutor

    from vostochny_summit.validation.context import serial_db

    from .defects import DEFECTS, plant
    from .helpers import copy_package

    broken = copy_package(tmp_path / "broken", package_copy)
    plant(broken, next(d for d in DEFECTS if d.name == "duplicate-primary-key"))
    alone = {p: validate(p, exhaustive=True) for p in (package_copy, broken)}
    assert alone[package_copy] == [] and alone[broken], "the case needs one valid and one invalid package"
    with ThreadPoolExecutor(2) as pool:
        together = dict(zip((package_copy, broken), pool.map(lambda p: validate(p, exhaustive=True), (package_copy, broken))))
    assert together == alone
    assert serial_db() is serial_db(), "one database per process"


def test_tuning_is_the_command_lines_and_the_environment_turns_it_off():
    code = ("import sys, vostochny_summit.cli as c; c.main(['validate', '--pick', 'fixity']); "
            "print(sys.getswitchinterval(), any(type(h).__name__ == 'WithoutPandas' for h in sys.meta_path))")
    on = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    off = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**__import__("os").environ, "VOSTOCHNY_SUMMIT_NO_TUNING": "1"})
    assert on.stdout.split()[-2:] == ["0.0005", "True"], on.stdout + on.stderr
    assert off.stdout.split()[-2:] == ["0.005", "False"], off.stdout + off.stderr


_JEMALLOC_OPTIONS = """
import ctypes, glob, os, sys
from vostochny_summit.validation import tuning
if sys.argv[1] == "cli":  # the validate command, on the real package: it reads the size before pyarrow loads
    from vostochny_summit.cli import main
    main(["validate", "--pick", "fixity"])
else:
    tuning.enable(csv_bytes=int(sys.argv[1]))
import pyarrow as pa
print(os.environ.get(tuning.JEMALLOC_ENV), flush=True)
found = [p for d in pa.get_library_dirs() for p in glob.glob(os.path.join(d, "libarrow.so*"))]
stats = getattr(ctypes.CDLL(found[0]), "_ZN5arrow20jemalloc_stats_printEPKc", None) if found else None
if stats is None:
    sys.exit(3)
stats.argtypes = [ctypes.c_char_p]
stats(b"mdablxe")  # jemalloc's options, on standard error
"""


@pytest.mark.parametrize("size, large", [(0, False), ("large", True), ("cli", False)])
def test_jemalloc_starts_with_the_tuning_for_the_packages_size(size, large):
    """The command line's tuning gives Arrow's jemalloc its settings before pyarrow loads, for every arena: decayed
    pages purged at once (muzzy 0), and a large package's freed pages back after LARGE_DECAY_MS, not at once (decay 0
    made every table's memory fresh pages again, 15 % of the time at 3 M rows) nor after the default second. The
    setting leaves the environment once read. Read back from jemalloc itself (arrow::jemalloc_stats_print)."""
    from vostochny_summit.validation import tuning

    size = {"large": tuning.LARGE_BYTES}.get(size, size)
    assert 0 < tuning.LARGE_DECAY_MS <= 100
    env = {k: v for k, v in __import__("os").environ.items() if k not in (tuning.ENV, tuning.JEMALLOC_ENV)}
    run = subprocess.run([sys.executable, "-c", _JEMALLOC_OPTIONS, str(size)], capture_output=True, text=True, env=env)
    if run.returncode == 3:
        pytest.skip("this pyarrow's library does not export arrow::jemalloc_stats_print")
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split()[-1:] == ["None"], run.stdout
    assert "opt.muzzy_decay_ms: 0 " in run.stderr, run.stderr[:3000]
    assert (f"opt.dirty_decay_ms: {tuning.LARGE_DECAY_MS} " in run.stderr) == large, run.stderr[:3000]  # else Arrow's


_GLIBC_FAULTS = """
import resource, sys
from vostochny_summit.validation import tuning
tuning.enable(csv_bytes=int(sys.argv[1]))
import numpy as np
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for half_mib in range(1, 8):  # 0.5 to 3.5 MiB, each filled, then freed (under numpy's 4 MiB huge-page advice)
    block = np.ones(half_mib << 19, dtype=np.uint8)
    del block
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def test_glibc_keeps_a_small_packages_temporaries_in_its_heap():
    """Below LARGE_BYTES the tuning keeps blocks of a few MiB in glibc's heaps: a growing series of temporaries (14 MiB
    in all) reuses one heap's pages, where glibc's default maps each block afresh (a page fault per 4 KiB). A large
    package, a user's own MALLOC_ setting and the tuning turned off keep glibc's default."""
    import os

    from vostochny_summit.validation import tuning

    def faults(size, **env) -> int:
        base = {k: v for k, v in os.environ.items() if k != tuning.ENV and not k.startswith("MALLOC_")}
        run = subprocess.run([sys.executable, "-c", _GLIBC_FAULTS, str(size)], capture_output=True, text=True,
                             env={**base, **env})
        assert run.returncode == 0, run.stderr[-2000:]
        return int(run.stdout.split()[-1])

    if not hasattr(__import__("ctypes").CDLL(None), "mallopt"):
        pytest.skip("no glibc mallopt here")
    tuned = faults(0)
    for default in (faults(tuning.LARGE_BYTES), faults(0, MALLOC_PERTURB_="0"), faults(0, **{tuning.ENV: "1"})):
        assert default > 2 * tuned and default >= 14 << 8, (tuned, default)  # 14 MiB of fresh pages, 4 KiB each


def test_a_users_jemalloc_setting_wins_and_the_large_decay_still_reaches_a_loaded_pyarrow(monkeypatch):
    """JE_ARROW_MALLOC_CONF set by the user is left as it is, and nothing is changed; without it, when pyarrow was
    loaded before the tuning (its settings can no longer be given), a large package still gets its decay through
    pyarrow, and a small one nothing."""
    import pyarrow as pa

    from vostochny_summit.validation import tuning

    calls = []
    monkeypatch.setattr(pa, "jemalloc_set_decay_ms", calls.append)
    monkeypatch.setenv(tuning.JEMALLOC_ENV, "narenas:2")
    tuning._configure_jemalloc(tuning.LARGE_BYTES)
    assert calls == [] and __import__("os").environ[tuning.JEMALLOC_ENV] == "narenas:2"
    monkeypatch.delenv(tuning.JEMALLOC_ENV)
    tuning._configure_jemalloc(tuning.LARGE_BYTES - 1)
    assert calls == []
    tuning._configure_jemalloc(tuning.LARGE_BYTES)
    assert calls == [tuning.LARGE_DECAY_MS] and tuning.JEMALLOC_ENV not in __import__("os").environ
    assert tuning.jemalloc_conf(0) == "muzzy_decay_ms:0"
    assert tuning.jemalloc_conf(tuning.LARGE_BYTES) == f"muzzy_decay_ms:0,dirty_decay_ms:{tuning.LARGE_DECAY_MS}"


# ---- pick, skip, limit, frictionless ---------------------------------------------------------------------------------
def _two_defects(root):
    rows = read_rows(root, "people")
    rows[0]["country"] = "XX"  # country-code
    rows[1]["name"] = " " + rows[1]["name"]  # whitespace
    write_rows(root, "people", rows)


def test_profile_verdicts_are_remembered_by_text_and_follow_every_edit(package_copy):
    """The profile check remembers its verdicts by each document's text: in one process, a document that breaks the
    profile after a run that passed it is reported, with and without --exhaustive, and passes again once restored."""
    p = package_copy / "schemas" / "people.schema.json"
    good = p.read_text(encoding="utf-8")
    for exhaustive in (False, True):
        assert validate(package_copy, pick=["profile-error"], exhaustive=exhaustive) == []
        d = json.loads(good)
        d["fields"][0]["type"] = ["string"]  # the profile wants one type name
        p.write_text(json.dumps(d, indent=2) + "\n", encoding="utf-8")
        found = validate(package_copy, pick=["profile-error"], exhaustive=exhaustive)
        assert [(x.file, x.value) for x in found] == [("schemas/people.schema.json", "fields/0")], [x.line() for x in found]
        p.write_text(good, encoding="utf-8")
    assert validate(package_copy, pick=["profile-error"]) == []


def test_pick_and_skip_choose_codes(package_copy):
    _two_defects(package_copy)
    everything = {p.code for p in validate(package_copy)}
    assert {"country-code", "whitespace"} <= everything
    assert {p.code for p in validate(package_copy, pick=["country-code"])} == {"country-code"}
    assert "country-code" not in {p.code for p in validate(package_copy, skip=["country-code"])}
    with pytest.raises(ValueError, match="unknown error code"):
        validate(package_copy, pick=["nope"])


def test_limit_shows_n_problems_and_counts_all(package_copy):
    _two_defects(package_copy)
    out = run_cli("validate", str(package_copy), "--limit", "1")
    assert out.returncode == 1
    shown = [line for line in out.stdout.splitlines() if line.endswith("]")]
    assert len(shown) == 1 and "more (--limit 1)" in out.stdout
    total = len(validate(package_copy))
    assert f"INVALID: {total} error" in out.stdout


def test_frictionless_problems_that_ours_name_are_merged_away():
    ours = [Problem(code="type", file="data/people.csv", table="people", row=3, field="country", value="x")]
    theirs = [Problem(layer="frictionless", code="type-error", file="people", table="people", row=3, field="country"),
              Problem(layer="frictionless", code="primary-key", file="people", table="people", row=3),
              Problem(layer="frictionless", code="type-error", file="people", table="people", row=4, field="country")]
    from vostochny_summit.validation.merge import merge_frictionless

    merged = merge_frictionless(ours, theirs)
    assert [(p.row, p.field) for p in merged] == [(4, "country")]


# ---- build, fmt and unreadable descriptors ------------------------------------------------------------------------
def test_build_refuses_bad_input_with_located_lines(package_copy):
    people = package_copy / "data" / "people.csv"
    lines = people.read_text(encoding="utf-8").split("\n")
    cells = lines[2].split(",")
    cells[1] = ""  # an empty required name on data row 2
    lines[2] = ",".join(cells)
    people.write_text("\n".join(lines), encoding="utf-8")
    before = {p: p.read_bytes() for p in (package_copy / "data" / "parquet").iterdir()}
    out = run_cli("build", str(package_copy))
    assert out.returncode == 1
    assert "data/people.csv line 3 (people row 2" in out.stderr and "column name" in out.stderr and "[required]" in out.stderr
    assert before == {p: p.read_bytes() for p in (package_copy / "data" / "parquet").iterdir()}, "nothing written"


@pytest.mark.parametrize("command", [["info"], ["build"], ["fmt"], ["validate"], ["sql", "select 1"], ["locate", "art-000", "Putin"]])
def test_every_command_names_an_unreadable_descriptor(package_copy, command):
    (package_copy / "datapackage.json").write_text('{"name": "broken",', encoding="utf-8")
    out = run_cli(*command, str(package_copy))
    # validate locates it as a problem of the package (1); every other command cannot read its input (2)
    assert out.returncode == (1 if command == ["validate"] else 2), out.stdout + out.stderr
    assert "datapackage.json" in out.stdout + out.stderr
    assert "Traceback" not in out.stderr


def test_sql_and_locate_take_a_positional_path(package_copy):
    sql = run_cli("sql", "select count(*) AS n from people", str(package_copy), "--format", "json")
    assert sql.returncode == 0 and json.loads(sql.stdout)[0]["n"] > 0
    loc = run_cli("locate", "art-003", "That’s why we came here", str(package_copy))
    assert loc.returncode == 0 and loc.stdout.startswith("art-003\t")


def test_every_catalogue_entry_is_complete():
    for code, entry in CODES.items():
        assert entry.code == code and entry.layer in ("descriptor", "files", "schema", "domain", "parquet")
        assert entry.title and entry.fix, code


@pytest.mark.slow
def test_frictionless_run_adds_nothing_ours_already_names(package_copy):
    require("frictionless")
    rows = read_rows(package_copy, "people")
    rows[0]["country"] = "Russia"  # a pattern error that frictionless reports too
    write_rows(package_copy, "people", rows)
    out = run_cli("validate", str(package_copy), "--frictionless", "--format", "json")
    assert out.returncode == 1
    found = json.loads(out.stdout)
    ours = {(p["table"], p["row"], p["field"]) for p in found if p["layer"] != "frictionless" and p["row"] is not None}
    assert ("people", 1, "country") in ours
    assert {"stale-hash", "stale-bytes"} <= {p["code"] for p in found}  # the edit left the descriptor stale
    assert not {"hash-count", "byte-count"} & {p["code"] for p in found}, "frictionless' stale hash and size are ours"
    theirs = [p for p in found if p["layer"] == "frictionless" and p["row"] is not None]
    assert not [p for p in theirs if (p["table"], p["row"], p["field"]) in ours or
                (p["field"] is None and any((p["table"], p["row"]) == o[:2] for o in ours))], theirs


def test_a_renamed_id_is_named_as_the_root_cause_with_its_new_spelling(package_copy):
    """One id renamed in its table: the foreign keys that still name it are explained in one line, with the new id
    that looks like it."""
    from vostochny_summit.package import Package
    from vostochny_summit.validation.advice import root_causes

    rows = read_rows(package_copy, "people")
    next(r for r in rows if r["person_id"] == "kim-jong-un")["person_id"] = "kim-jongun"
    write_rows(package_copy, "people", rows)
    causes = root_causes(Package(package_copy), validate(package_copy))
    assert any("refer to people.person_id 'kim-jong-un', which is no longer in data/people.csv; 'kim-jongun' is new: "
               "renamed?" in c for c in causes), causes


@pytest.mark.parametrize("new, said", [("kim-jong-un ", "the same id with whitespace around it (remove the padding)"),
                                       ("Kim-Jong-Un", "the same id in other letters' case"),
                                       ("kim-jongun", "renamed? (rename it back, or rename every reference)")])
def test_a_look_alike_new_id_says_how_it_differs(package_copy, new, said):
    """An id padded, or written in capitals, is named as such in the root cause, not as a renaming."""
    from vostochny_summit.package import Package
    from vostochny_summit.validation.advice import root_causes

    rows = read_rows(package_copy, "people")
    next(r for r in rows if r["person_id"] == "kim-jong-un")["person_id"] = new
    write_rows(package_copy, "people", rows)
    causes = root_causes(Package(package_copy), validate(package_copy))
    assert any(f"refer to people.person_id 'kim-jong-un', which is no longer in data/people.csv; {new!r} is new: {said}" in c
               for c in causes), causes


def test_a_row_that_cannot_be_read_is_the_root_cause_of_the_ids_it_holds(package_copy):
    """Rows of people with a cell too many, and with a mistyped separator ('id;name'), are not read: the first root
    cause names the file and their lines, and each id they hold that other rows name is said to be on its line, in a
    row that could not be read, not to be gone from the file."""
    from collections import Counter

    from vostochny_summit.package import Package
    from vostochny_summit.validation.advice import root_causes

    named = Counter(r["person_id"] for r in read_rows(package_copy, "mentions") if r["person_id"])
    p = package_copy / "data" / "people.csv"
    lines = p.read_text(encoding="utf-8").split("\n")
    at = [i for i, line in enumerate(lines[1:], 1) if named[line.split(",", 1)[0]] >= 2][:2]  # two ids named twice or more
    ids = [lines[i].split(",", 1)[0] for i in at]
    lines[at[0]] += ",a cell too many"
    lines[at[1]] = lines[at[1]].replace(",", ";", 1)
    p.write_text("\n".join(lines), encoding="utf-8")
    causes = root_causes(Package(package_copy), validate(package_copy))
    first = causes[0]
    assert first.startswith(f"data/people.csv: 2 rows with the wrong number of cells (line {at[0] + 1}: ") and \
        f"line {at[1] + 1}: " in first and first.endswith("fix them first"), causes
    for i, pid in zip(at, ids):
        assert any(f"refer to people.person_id {pid!r}, which is on line {i + 1} of data/people.csv, a row that could not "
                   "be read" in c for c in causes), (pid, causes)
    assert not any("no longer in" in c for c in causes), causes


def test_many_missing_ids_of_a_column_make_one_root_cause_read_once(package_copy, monkeypatch):
    """Rows deleted from a table whose ids other rows name: one line for the column, counting every row and id, its
    sealed ids read once and its CSV not at all (each id on its own line once read both files for each id: minutes at
    3 M rows)."""
    from vostochny_summit.package import Package
    from vostochny_summit.validation import advice

    evidence = read_rows(package_copy, "claim_evidence")
    counts = {}
    for r in evidence:
        counts[r["claim_id"]] = counts.get(r["claim_id"], 0) + 1
    gone = sorted(c for c, n in counts.items() if n >= 2)[:advice.NAMED_ONE_BY_ONE + 2]
    write_rows(package_copy, "claims", [r for r in read_rows(package_copy, "claims") if r["claim_id"] not in gone])
    problems = validate(package_copy)
    dangling = [p for p in problems if p.code == "foreign-key" and p.table == "claim_evidence" and p.field == "claim_id"]
    reads = []
    real = advice._sealed_ids
    monkeypatch.setattr(advice, "_sealed_ids", lambda *a: reads.append(a) or real(*a))
    monkeypatch.setattr(advice, "_new_ids", lambda *a: pytest.fail("read the CSV for a summed-up column"))
    causes = [c for c in advice.root_causes(Package(package_copy), problems) if "claims.claim_id" in c]
    assert len(causes) == 1 and len(reads) == 1
    assert causes[0].startswith(f"{len(dangling)} rows in 1 table refer to {len(gone)} ids of claims.claim_id that are "
                                f"not in data/claims.csv, such as ")
    assert f"; {len(gone)} of them were there when it was last built" in causes[0]


def test_the_json_report_is_json_dumps_of_the_problems_written_a_problem_at_a_time():
    """The JSON report is byte for byte json.dumps(list, indent=2, ensure_ascii=False) of the problems with their line
    and message (any value: text with quotes, line breaks and non-ASCII letters, numbers, none, a list), and comes in
    parts, a problem each, so that a report of a million problems is never held whole."""
    from dataclasses import asdict

    from vostochny_summit.validation.problem import report, report_parts

    problems = [Problem(code="pattern", file="data/people.csv", table="people", row=3, key="kim-jong-un", field="name",
                        value='Ким "Чен Ын"\n\t\\', expected="a name"),
                Problem(code="stale-bytes", file="datapackage.json", value=141948127),
                Problem(code="minimum", file="data/places.csv", table="places", row=1, field="latitude", value=-91.5),
                Problem(code="header", file="data/quotes.csv", value=None),
                Problem(code="header", file="data/quotes.csv", value=["a", None, 2])]
    want = json.dumps([asdict(p) | {"line": p.line_number, "message": p.line()} for p in problems], indent=2,
                      ensure_ascii=False)
    assert report(problems, "json") == want and json.loads(want)[0]["value"] == problems[0].value
    assert report(problems, "json", limit=2) == json.dumps(json.loads(want)[:2], indent=2, ensure_ascii=False)
    assert report([], "json") == "[]" == json.dumps([])
    assert len(list(report_parts(problems, "json"))) == len(problems) + 2


# ---- the Parquet layer's words ------------------------------------------------------------------------------------
def test_a_parquet_schema_difference_is_named_column_by_column():
    """Each way a Parquet file's schema can differ from the table's is its own line naming the column: missing, extra
    and reordered columns, a type, whether a column may be empty, its description, and the file's metadata."""
    import pyarrow as pa

    from vostochny_summit.validation.parquet import schema_differences

    def schema(*fields, meta=None):
        return pa.schema(list(fields), metadata=meta or {"table": "t", "vostochny_summit.version": "1.0.0"})

    a = pa.field("a", pa.string(), nullable=False, metadata={"description": "A."})
    b = pa.field("b", pa.int64(), metadata={"description": "B."})
    want = schema(a, b)
    assert schema_differences(want, want) == [(None, str(want.remove_metadata()).replace("\n", "; "), "the table's Arrow schema")]
    assert schema_differences(schema(a), want) == [("b", "no such column", "a column b of type int64")]
    assert schema_differences(schema(a, b, pa.field("c", pa.bool_())), want) == \
        [("c", "a column of type bool", "no such column (the schema has none)")]
    assert schema_differences(schema(b, a), want) == [(None, "columns b,a", "the schema's order: a,b")]
    assert schema_differences(schema(a, b, b.with_type(pa.string())), want) == [("b", "2 columns of that name", "one column of that name")]
    assert schema_differences(schema(a, b.with_type(pa.int32())), want) == [("b", "type int32", "type int64")]
    assert schema_differences(schema(a.with_nullable(True), b), want) == \
        [("a", "nullable", "not null (required in the schema)")]
    assert schema_differences(schema(a.remove_metadata(), b), want) == \
        [("a", "field metadata none", "field metadata {description: 'A.'}")]
    assert schema_differences(schema(a, b, meta={"table": "t"}), want) == \
        [(None, "metadata {table: 't'}", "metadata {table: 't', vostochny_summit.version: '1.0.0'}")]


def test_a_parquet_file_rewritten_by_hand_is_reported_by_column(package_copy):
    """A user who edits a column of a Parquet file with pyarrow, and writes it back, is told which column's schema
    changed and how, not the file's whole schema."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    p = package_copy / "data" / "parquet" / "people.parquet"
    t = pq.read_table(p)
    pq.write_table(t.set_column(t.schema.get_field_index("name"), "name", pc.utf8_upper(t.column("name"))), p)
    problems = [x for x in validate(package_copy) if x.code == "parquet-schema"]
    assert {(x.file, x.field, x.value) for x in problems} == {
        ("data/parquet/people.parquet", "name", "field metadata none"), ("data/parquet/people.parquet", "name", "nullable")}, \
        [x.line() for x in problems]
    assert all("column name" in x.line() for x in problems), [x.line() for x in problems]


def test_a_file_not_in_utf8_is_reported_at_its_row_with_the_byte_and_a_guess(package_copy):
    """A CSV saved as Windows-1252 (a spreadsheet's "CSV" on Windows) is reported at the row of its first byte that is
    not UTF-8, with the byte in hex, the text around it, and the encoding the file reads as; a byte that Windows-1252
    does not define either gets no guess."""
    p = package_copy / "data" / "claims.csv"
    text = p.read_text(encoding="utf-8")
    first = min(i for i, ch in enumerate(text) if ord(ch) > 127 and ch.encode("cp1252", "ignore"))
    p.write_bytes(text.encode("cp1252", "replace"))
    (problem,) = [x for x in validate(package_copy) if x.code == "encoding"]
    assert (problem.file, problem.table, problem.row) == ("data/claims.csv", "claims", text.count("\n", 0, first)), problem.line()
    assert problem.value.startswith(f"byte 0x{text[first].encode('cp1252')[0]:02X} in …") and "\ufffd" in problem.value
    assert "the file reads as Windows-1252" in problem.expected, problem.line()
    p.write_bytes(text.encode("utf-8").replace(b"\n", b"\n\x81", 1))  # 0x81 at the start of line 2
    (problem,) = [x for x in validate(package_copy) if x.code == "encoding"]
    assert problem.row == 1 and problem.value.startswith("byte 0x81 in …") and "Windows-1252" not in problem.expected, problem.line()


def test_a_span_off_by_a_few_characters_is_told_where_its_text_is(package_copy, monkeypatch):
    """A span whose offsets miss its text says where the text is: its nearest occurrence to the span's start and how
    many there are, or that it occurs nowhere in the article; past spans.HINTS such problems of a table, a span is
    reported without it."""
    from vostochny_summit.validation import spans
    from vostochny_summit.validation.spans import occurrences, said_at

    def found_at(body, text, near):
        return said_at(occurrences(body, text), text, near)

    assert found_at("abc abc abc", "abc", 5) == "; the text is at [4:7], the nearest of its 3 occurrences"
    assert found_at("abc abc abc", "abc", 9) == "; the text is at [8:11], the nearest of its 3 occurrences"
    assert found_at("xx abc", "abc", 0) == "; the text is at [3:6]"
    assert found_at("xx abc", "abd", 0) == "; the text occurs nowhere in the article"
    rows = read_rows(package_copy, "mentions")
    shifted, gone = rows[4], rows[5]
    want = (int(shifted["char_start"]), int(shifted["char_end"]))
    shifted["char_start"], shifted["char_end"] = str(want[0] + 1), str(want[1] + 1)
    gone["text"] = gone["text"] + " nowhere"
    gone["char_end"] = str(int(gone["char_end"]) + len(" nowhere"))
    write_rows(package_copy, "mentions", rows)
    said = {p.key: p.expected for p in validate(package_copy) if p.code == "span-text"}
    assert said[shifted["mention_id"]].endswith(f"; the text is at [{want[0]}:{want[1]}]") or \
        f"; the text is at [{want[0]}:{want[1]}], the nearest of its " in said[shifted["mention_id"]], said
    assert said[gone["mention_id"]].endswith("; the text occurs nowhere in the article"), said
    monkeypatch.setattr(spans, "HINTS", 1)
    hinted = {p.key: "; the text " in p.expected for p in validate(package_copy) if p.code == "span-text"}
    assert hinted == {shifted["mention_id"]: True, gone["mention_id"]: False}, hinted


def test_a_row_with_more_or_fewer_entity_columns_set_shows_which(package_copy):
    """exactly-one shows the columns a row sets, with their values, or that it sets none: not a bare count."""
    rows = read_rows(package_copy, "mentions")
    two = next(r for r in rows if r["person_id"] and not r["org_id"] and not r["place_id"])
    none = next(r for r in rows if r is not two and r["place_id"] and not r["person_id"] and not r["org_id"])
    two["org_id"] = "kremlin"
    none["place_id"] = ""
    write_rows(package_copy, "mentions", rows)
    shown = {p.key: p.value for p in validate(package_copy) if p.code == "exactly-one"}
    assert shown == {two["mention_id"]: f"person_id={two['person_id']}, org_id=kremlin", none["mention_id"]: "none set"}, shown
