#!/usr/bin/env python3
"""Benchmarks: `vostochny-summit validate` against `frictionless validate`, its schema layer against pandera on
polars, build, loading, peak memory.

    python benchmarks/run.py [--scales 1,7,68,680,2040,6800] [--runs 3] [--out docs/benchmarks.md]
    python benchmarks/run.py --render-only   # docs/benchmarks.md again from benchmarks/results.json and notes.md

Each scale K is a synthetic package K times the real one (scripts/synthesize.py): about 1.5 k rows per copy, so
1 is the real package's rows, 7 ≈ 10 k, 68 ≈ 100 k, 680 ≈ 1 M, 2040 ≈ 3 M and 6800 ≈ 10 M rows. Every
measurement is a separate process, timed from outside (wall time, CPU time of the process and its children, peak
resident memory); the tables show medians. Timings are never asserted anywhere. The page names the code it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "src"))

from synthesize import synthesize  # noqa: E402

PY = sys.executable
FRICTIONLESS = str(Path(PY).with_name("frictionless"))


# A small launcher process starts and times each command: a child's peak memory (ru_maxrss) starts from its parent's
# resident size at fork, and this script holds pyarrow (about 150 MB), the launcher a bare interpreter (about 10 MB).
LAUNCHER = """
import json, os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
print(json.dumps([time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                  os.waitstatus_to_exitcode(status)]))
"""


def measure(cmd: list[str], runs: int, before=None, warmup: int = 0, cpu: list | None = None) -> tuple[float, float]:
    """(median seconds, max peak RSS in MB) of `runs` runs of cmd, after `warmup` untimed runs; before() runs untimed
    before each run. cpu: a list that gets each run's CPU seconds (user + system) appended."""
    times, peaks = [], []
    for i in range(warmup + runs):
        if before:
            before()
        if i < warmup:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            continue
        out = subprocess.run([PY, "-S", "-c", LAUNCHER, *cmd], capture_output=True, text=True)
        try:
            seconds, cpu_s, peak, code = json.loads(out.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            raise SystemExit(f"{' '.join(cmd)}: the launcher failed: {out.stderr[-2000:]}") from None
        if code != 0:
            raise SystemExit(f"{' '.join(cmd)} exited {code}: {out.stderr[-2000:]}")
        times.append(seconds)
        peaks.append(peak)
        if cpu is not None:
            cpu.append(cpu_s)
    return statistics.median(times), max(peaks)


def measure_pairs(cmd_a: list[str], cmd_b: list[str], runs: int, warmup: int = 1) -> dict:
    """Run a and b alternately, so that both see the same machine (shared hosts drift by 20 % within minutes), each
    timed run right after an untimed run of the same command (hyperfine's --warmup): this virtual machine trims its
    page cache and hands out cold memory within seconds, so a command's first run after the other one also measures
    reading its libraries back from disk. That first run of a is kept as well ("after b").

    Returns the medians: a, b, a right after b (seconds), their CPU seconds, peak MB of a and b, and the per-pair
    ratios b / a (wall and CPU) and b / (a right after b).
    """
    a, a_first, b, a_cpu, b_cpu = [], [], [], [], []
    for _ in range(runs):
        a_first.append(measure(cmd_a, 1))
        a.append(measure(cmd_a, 1, cpu=a_cpu))
        b.append(measure(cmd_b, 1, warmup=warmup, cpu=b_cpu))
    med = statistics.median
    return dict(a=med(x[0] for x in a), a_first=med(x[0] for x in a_first), b=med(y[0] for y in b),
                a_cpu=med(a_cpu), b_cpu=med(b_cpu), a_mb=max(x[1] for x in a + a_first), b_mb=max(y[1] for y in b),
                ratio=med(y[0] / x[0] for x, y in zip(a, b)), ratio_cpu=med(y / x for x, y in zip(a_cpu, b_cpu)),
                ratio_first=med(y[0] / x[0] for x, y in zip(a_first, b)))


def in_process(code: str, runs: int) -> float:
    """Median of the seconds that `code` prints itself (so interpreter start-up is excluded)."""
    out = [float(subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True).stdout.strip()) for _ in range(runs)]
    return statistics.median(out)


def versions() -> str:
    names = ["pyarrow", "duckdb", "polars", "pandas", "pandera", "frictionless", "vostochny-summit"]
    return ", ".join(f"{n} {metadata.version(n)}" for n in names)


def code_version() -> str:
    """The code measured: the package version and the git commit (with '+changes' when the tree differs from it)."""
    from importlib import import_module

    version = import_module("vostochny_summit").__version__
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "src"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return f"vostochny-summit {version}, commit {commit}{'+changes' if dirty else ''}"
    except (OSError, subprocess.CalledProcessError):
        return f"vostochny-summit {version}"


SCHEMA_CODES = ("type,required,pattern,enum,categories,minimum,maximum,minLength,maxLength,primary-key,unique,unique-key,"
                "exactly-one,at-most-one,span-order,date-order,date-basis,coordinates-pair,qid-confidence,published-basis,"
                "scare-quote-speaker")  # what the pandera schemas check too (plus validate's file layer, which it needs)


def machine() -> str:
    mem = ""
    try:
        kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{platform.machine()}, {os.cpu_count()} cores{mem}, {system}, Python {platform.python_version()}"


def run(scales: list[int], runs: int, out: Path, frictionless_max_rows: int, single_above: int = 5_000_000,
        warmup: int = 1) -> dict:
    import compileall

    compileall.compile_dir(str(ROOT / "src" / "vostochny_summit"), quiet=1)  # editable install: pip compiled nothing
    rows_out = []
    load_code = ("import time, vostochny_summit as vs; t = time.perf_counter(); r = {root!r}; "
                 "[vs.load(n, engine={engine!r}, root=r) for n in vs.tables(r)]; print(time.perf_counter() - t)")
    duck_code = ("import time, vostochny_summit as vs; t = time.perf_counter(); r = {root!r}; c = vs.connect(r); "
                 "[c.execute(f'select count(*) from {{n}}').fetchall() for n in vs.tables(r)]; print(time.perf_counter() - t)")
    cli = [PY, "-m", "vostochny_summit.cli"]
    nan = float("nan")
    with tempfile.TemporaryDirectory() as tmp:
        for k in scales:
            d = Path(tmp) / f"scale-{k}"
            pkg = synthesize(ROOT, d, k)
            n = sum(sum(1 for _ in open(t.csv_path, "rb")) - 1 for t in pkg.tables.values())
            r = 1 if n > single_above else (3 * runs if n < 20_000 and runs > 1 else runs)  # small: more pairs (cheap)
            ours = [*cli, "validate", str(d)]
            row = dict(k=k, rows=n, runs=r)
            if n <= frictionless_max_rows:
                m = measure_pairs(ours, [FRICTIONLESS, "validate", str(d / "datapackage.json")], r, warmup)
                row.update(validate=m["a"], validate_cpu=m["a_cpu"], validate_first=m["a_first"], validate_mb=m["a_mb"],
                           frictionless=m["b"], frictionless_cpu=m["b_cpu"], frictionless_mb=m["b_mb"], ratio=m["ratio"],
                           ratio_cpu=m["ratio_cpu"], ratio_first=m["ratio_first"])
            else:
                cpu: list = []
                v_s, v_mb = measure(ours, r, warmup=warmup, cpu=cpu)
                row.update(validate=v_s, validate_cpu=statistics.median(cpu), validate_first=nan, validate_mb=v_mb,
                           frictionless=nan, frictionless_cpu=nan, frictionless_mb=nan, ratio=nan, ratio_cpu=nan, ratio_first=nan)
            if n >= 100_000:  # the other memory mode than the one validate chooses by the package's size
                row.update(_other_mode(ours, pkg, r, warmup))
            s = measure_pairs([*cli, "validate", str(d), "--pick", SCHEMA_CODES],
                              [PY, str(ROOT / "benchmarks" / "pandera_polars.py"), str(d)], r, warmup)
            row.update(schema=s["a"], schema_mb=s["a_mb"], pandera_polars=s["b"], pandera_polars_mb=s["b_mb"], schema_ratio=s["ratio"])
            parquet = d / "data" / "parquet"
            row["build"], row["build_mb"] = measure([*cli, "build", str(d)], r,
                                                    before=lambda parquet=parquet: shutil.rmtree(parquet, ignore_errors=True),
                                                    warmup=warmup)
            row["build_unchanged"], _ = measure([*cli, "build", str(d)], r, warmup=warmup)
            loads = {e: in_process(load_code.format(root=str(d), engine=e), r) for e in ("pandas", "polars")}
            loads["duckdb"] = in_process(duck_code.format(root=str(d)), r)
            row.update({f"load_{e}": x for e, x in loads.items()})
            rows_out.append(row)
            print(f"scale {k}: {n} rows | validate {row['validate']:.2f}s ({n / row['validate']:,.0f} rows/s, {row['validate_mb']:.0f} MB, "
                  f"cpu {row['validate_cpu']:.2f}s) | frictionless {row['frictionless']:.2f}s (cpu {row['frictionless_cpu']:.2f}s) "
                  f"| ratio {row['ratio']:.1f}x wall, {row['ratio_cpu']:.1f}x cpu | schema layer {row['schema']:.2f}s vs pandera-polars "
                  f"{row['pandera_polars']:.2f}s | build {row['build']:.2f}s, unchanged {row['build_unchanged']:.2f}s", flush=True)
            shutil.rmtree(d)
    base = statistics.median(measure([PY, "-c", "pass"], 1)[0] for _ in range(5))
    imp = statistics.median(measure([PY, "-c", "import vostochny_summit"], 1)[0] for _ in range(5)) - base
    real_load = in_process(load_code.format(root=str(ROOT), engine="pandas"), runs)
    return dict(rows=rows_out, runs=runs, imp=imp, real_load=real_load, machine=machine(), versions=versions(),
                code=code_version(), date=time.strftime("%Y-%m-%d"))


def _other_mode(cmd: list[str], pkg, runs: int, warmup: int) -> dict:
    """validate with --bounded where it runs unbounded by default (below BOUNDED_FROM bytes of CSV), else with
    --no-bounded: seconds and peak MB."""
    from vostochny_summit.validation import BOUNDED_FROM, csv_bytes

    size = csv_bytes(pkg.tables)
    other = "--no-bounded" if size >= BOUNDED_FROM else "--bounded"
    seconds, mb = measure([*cmd, other], runs, warmup=warmup)
    return dict(csv_mb=size / 2**20, other_mode=other, other=seconds, other_mb=mb)


def _bounded(rows: list[dict]) -> list[str]:
    """The table of validate's two memory modes, where both were measured."""
    from vostochny_summit.validation import BOUNDED_FROM

    both = [r for r in rows if "other" in r]
    if not both:
        return []
    out = ["", "## Bounded memory", "",
           f"From {BOUNDED_FROM >> 20} MiB of CSV `validate` runs bounded (`--bounded`; `--no-bounded` to turn it off): the",
           "large tables' own checks over row batches of 4 MiB, and the columns the checks across tables read, and the",
           "articles' texts, on disk (uncompressed Arrow IPC in `$TMPDIR`, mapped back as read, their pages let go after",
           "each check). The same problems either way. Below that size it runs unbounded (faster); each mode's figures:", "",
           "| scale | rows | CSV MiB | unbounded s | unbounded peak MB | bounded s | bounded peak MB |", "|---|---|---|---|---|---|---|"]
    for r in both:
        default, other = (r["validate"], r["validate_mb"]), (r["other"], r["other_mb"])
        free, bound = (other, default) if r["other_mode"] == "--no-bounded" else (default, other)
        out.append(f"| {r['k']} | {r['rows']:,} | {r['csv_mb']:,.0f} | {free[0]:.2f} | {free[1]:.0f} | {bound[0]:.2f} | "
                   f"{bound[1]:.0f} |")
    return out


def _f(x, fmt: str, none: str = "—") -> str:
    return none if x is None or x != x else format(x, fmt)  # x != x: NaN (not measured)


def render(rows: list[dict], runs: int, imp: float, real_load: float, machine: str, versions: str, code: str = "",
           date: str = "") -> str:
    lines = [
        "# Benchmarks",
        "",
        "Generated by `python benchmarks/run.py`; do not edit by hand. Synthetic packages are K copies of the real one",
        "(`scripts/synthesize.py`; K = 1 is the real package's rows), every check on, spans included. Each figure is the",
        "median of the runs shown, each a separate process timed from outside: wall seconds, CPU seconds (user + system)",
        "and the peak resident memory of the process. `validate` and `frictionless validate` run alternately, and the",
        "ratios are medians of the per-pair ratios (this shared 2-core machine drifts by up to 20 % within minutes). Each",
        "timed run follows an untimed run of the same command (hyperfine's warm-up), because this virtual machine trims its",
        "page cache and hands out cold memory within seconds; `validate`'s first run after a frictionless run, which",
        "reads its libraries back from disk, is shown too. The package's bytecode is compiled first, as `pip install`",
        "does for an installed package (frictionless comes installed).",
        "",
        f"- Code measured: {code or '(not recorded)'}{f', on {date}' if date else ''}",
        f"- Machine: {machine}",
        f"- Versions: {versions}",
        "",
        "| scale | rows | runs | validate s | validate CPU s | validate rows/s | frictionless s | frictionless CPU s | "
        "validate vs frictionless | the same in CPU | validate s, first run | first run vs frictionless | build s | "
        "build rows/s | build s, unchanged | load pandas s | load polars s | connect+count DuckDB s | peak MB validate | "
        "peak MB frictionless |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['k']} | {r['rows']:,} | {r.get('runs', runs)} | {r['validate']:.2f} | {_f(r.get('validate_cpu'), '.2f')} | "
            f"{r['rows'] / r['validate']:,.0f} | {_f(r['frictionless'], '.2f')} | {_f(r.get('frictionless_cpu'), '.2f')} | "
            f"{_f(r['ratio'], '.1f')}× | {_f(r.get('ratio_cpu'), '.1f')}× | {_f(r['validate_first'], '.2f')} | "
            f"{_f(r['ratio_first'], '.1f')}× | {r['build']:.2f} | {r['rows'] / r['build']:,.0f} | {_f(r.get('build_unchanged'), '.2f')} | "
            f"{r['load_pandas']:.2f} | {r['load_polars']:.2f} | {r['load_duckdb']:.2f} | {r['validate_mb']:.0f} | "
            f"{_f(r['frictionless_mb'], '.0f')} |")
    if any("schema" in r for r in rows):
        lines += ["", "## The schema layer against pandera on polars", "",
                  "`vostochny-summit validate --pick` the codes the pandera schemas check too (types, required, vocabularies,",
                  "patterns, bounds, lengths, primary and unique keys, the model's single-row rules; validate still reads and",
                  "checks the files to get there) against `benchmarks/pandera_polars.py`: each CSV read by polars with the",
                  "model's types, then `vs.pandera_schema(name, backend=\"polars\").validate(frame, lazy=True)`; alternating",
                  "pairs, whole processes.", "",
                  "| scale | rows | validate (schema codes) s | pandera on polars s | ratio | peak MB validate | peak MB pandera |",
                  "|---|---|---|---|---|---|---|"]
        lines += [f"| {r['k']} | {r['rows']:,} | {r['schema']:.2f} | {r['pandera_polars']:.2f} | {r['schema_ratio']:.1f}× | "
                  f"{r['schema_mb']:.0f} | {r['pandera_polars_mb']:.0f} |" for r in rows if "schema" in r]
    lines += _bounded(rows)
    lines += ["", f"- `python -c \"import vostochny_summit\"`: {imp * 1000:.0f} ms above bare interpreter start-up.",
              f"- `load()` of every table of the real package (pandas): {real_load * 1000:.0f} ms."]
    lines += _targets(rows, imp, real_load)
    return "\n".join(lines) + "\n"


def _targets(rows: list[dict], imp: float, real_load: float) -> list[str]:
    """The goals of issue 21 against the measurements (the real package, 1 M and 3 M rows, when measured)."""
    yes = lambda ok: "yes" if ok else "**no**"  # noqa: E731
    near = lambda target: min(rows, key=lambda r: abs(r["rows"] - target))  # noqa: E731
    out = ["", "## Targets", "", "| what | goal | aim | measured | goal met | aim met |", "|---|---|---|---|---|---|"]
    small = min(rows, key=lambda r: r["rows"])
    if small["rows"] < 20_000:
        out += [f"| validate, real package ({small['rows']:,} rows), wall | ≤ 0.25 s | — | {small['validate']:.2f} s | "
                f"{yes(small['validate'] <= 0.25)} | — |",
                f"| the same against frictionless, wall and CPU | ≥ 3× both | — | {_f(small['ratio'], '.1f')}× wall, "
                f"{_f(small.get('ratio_cpu'), '.1f')}× CPU | {yes(small['ratio'] >= 3 and small.get('ratio_cpu', 0) >= 3)} | — |",
                f"| build of the unchanged real package | ≤ 0.3 s | — | {_f(small.get('build_unchanged'), '.2f')} s | "
                f"{yes((small.get('build_unchanged') or 9) <= 0.3)} | — |"]
    if max(r["rows"] for r in rows) >= 900_000:
        m = near(1_000_000)
        speed = m["rows"] / m["validate"]
        out += [f"| validate vs frictionless at {m['rows']:,} rows | ≥ 35× | 50× | {_f(m['ratio'], '.1f')}× | "
                f"{yes(m['ratio'] >= 35)} | {yes(m['ratio'] >= 50)} |",
                f"| validate throughput at {m['rows']:,} rows | ≥ 700 k rows/s | 1 M rows/s | {speed:,.0f} rows/s | "
                f"{yes(speed >= 700_000)} | {yes(speed >= 1_000_000)} |"]
    for target in (1_000_000, 3_000_000, 10_000_000):
        if max(r["rows"] for r in rows) >= 0.9 * target:
            m = near(target)
            goal = "≤ 1 GB" if target == 3_000_000 else "(shown)"
            out.append(f"| peak memory of validate at {m['rows']:,} rows | {goal} | — | {m['validate_mb']:.0f} MB | "
                       f"{yes(m['validate_mb'] <= 1024) if target == 3_000_000 else '—'} | — |")
    out += [f"| `import vostochny_summit` | < 150 ms | — | {imp * 1000:.0f} ms | {yes(imp < 0.150)} | — |",
            f"| `load()` of every real table | < 1 s | — | {real_load * 1000:.0f} ms | {yes(real_load < 1)} | — |"]
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", default="1,7,68,680,2040,6800", help="comma-separated copy counts")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1, help="untimed runs before each timed one (0: a smoke test of the harness)")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    p.add_argument("--frictionless-max-rows", type=int, default=4 * 10**6, help="skip frictionless above this many rows")
    p.add_argument("--single-above", type=int, default=5 * 10**6, help="one run (after one untimed) above this many rows")
    p.add_argument("--notes", type=Path, default=ROOT / "benchmarks" / "notes.md", help="Markdown appended after the table")
    p.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results.json", help="the raw measurements, written here")
    p.add_argument("--render-only", action="store_true", help="measure nothing: render --results (and --notes) again")
    a = p.parse_args()
    if a.render_only:
        results = json.loads(a.results.read_text(encoding="utf-8"))
    else:
        results = run([int(x) for x in a.scales.split(",")], a.runs, a.out, a.frictionless_max_rows, a.single_above, a.warmup)
        a.results.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    text = render(**results)
    if a.notes and a.notes.is_file():
        text += "\n" + a.notes.read_text(encoding="utf-8")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(text, encoding="utf-8")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
