#!/usr/bin/env python3
"""Benchmarks: `vostochny-summit validate` against `frictionless validate`, build, loading, peak memory.

    python benchmarks/run.py [--scales 7,68,680] [--runs 3] [--out docs/benchmarks.md]
    python benchmarks/run.py --render-only   # docs/benchmarks.md again from benchmarks/results.json and notes.md

Each scale K is a synthetic package K times the real one (scripts/synthesize.py): about 1.5 k rows per copy, so
7 ≈ 10 k, 68 ≈ 100 k and 680 ≈ 1 M rows. Every measurement is a separate process, timed from outside; the table
shows the median of the runs and the peak resident memory of the process. Timings are never asserted anywhere.
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


def measure(cmd: list[str], runs: int, before=None, warmup: int = 0) -> tuple[float, float]:
    """(median seconds, max peak RSS in MB) of `runs` runs of cmd, after `warmup` untimed runs; before() runs untimed
    before each run."""
    times, peaks = [], []
    for i in range(warmup + runs):
        if before:
            before()
        if i < warmup:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            continue
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise SystemExit(f"{' '.join(cmd)} exited {code}: {proc.stderr.read().decode()[-2000:]}")
    return statistics.median(times), max(peaks)


def measure_pairs(cmd_a: list[str], cmd_b: list[str], runs: int) -> dict:
    """Run a and b alternately, so that both see the same machine (shared hosts drift by 20 % within minutes), each
    timed run right after an untimed run of the same command (hyperfine's --warmup): this virtual machine trims its
    page cache and hands out cold memory within seconds, so a command's first run after the other one also measures
    reading its libraries back from disk. That first run of a is kept as well ("after b").

    Returns the medians: a, b, a right after b (seconds), peak MB of a and b, and the per-pair ratios b / a and
    b / (a right after b).
    """
    a, a_first, b = [], [], []
    for _ in range(runs):
        a_first.append(measure(cmd_a, 1))
        a.append(measure(cmd_a, 1))
        b.append(measure(cmd_b, 1, warmup=1))
    med = statistics.median
    return dict(a=med(x[0] for x in a), a_first=med(x[0] for x in a_first), b=med(y[0] for y in b),
                a_mb=max(x[1] for x in a + a_first), b_mb=max(y[1] for y in b),
                ratio=med(y[0] / x[0] for x, y in zip(a, b)), ratio_first=med(y[0] / x[0] for x, y in zip(a_first, b)))


def in_process(code: str, runs: int) -> float:
    """Median of the seconds that `code` prints itself (so interpreter start-up is excluded)."""
    out = [float(subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True).stdout.strip()) for _ in range(runs)]
    return statistics.median(out)


def versions() -> str:
    names = ["pyarrow", "duckdb", "polars", "pandas", "frictionless", "vostochny-summit"]
    return ", ".join(f"{n} {metadata.version(n)}" for n in names)


def machine() -> str:
    mem = ""
    try:
        kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def run(scales: list[int], runs: int, out: Path, frictionless_max_rows: int) -> dict:
    import compileall

    compileall.compile_dir(str(ROOT / "src" / "vostochny_summit"), quiet=1)  # editable install: pip compiled nothing
    rows_out = []
    load_code = ("import time, vostochny_summit as vs; t = time.perf_counter(); r = {root!r}; "
                 "[vs.load(n, engine={engine!r}, root=r) for n in vs.tables(r)]; print(time.perf_counter() - t)")
    duck_code = ("import time, vostochny_summit as vs; t = time.perf_counter(); r = {root!r}; c = vs.connect(r); "
                 "[c.execute(f'select count(*) from {{n}}').fetchall() for n in vs.tables(r)]; print(time.perf_counter() - t)")
    with tempfile.TemporaryDirectory() as tmp:
        for k in scales:
            d = Path(tmp) / f"scale-{k}"
            pkg = synthesize(ROOT, d, k)
            n = sum(sum(1 for _ in open(t.csv_path, "rb")) - 1 for t in pkg.tables.values())
            ours = [PY, "-m", "vostochny_summit.cli", "validate", str(d)]
            nan = float("nan")
            if n <= frictionless_max_rows:
                m = measure_pairs(ours, [FRICTIONLESS, "validate", str(d / "datapackage.json")], runs)
                v_s, v_first, v_mb, f_s, f_mb, ratio, ratio_first = (m[x] for x in ("a", "a_first", "a_mb", "b", "b_mb", "ratio", "ratio_first"))
            else:
                (v_s, v_mb), v_first, f_s, f_mb, ratio, ratio_first = measure(ours, runs, warmup=1), nan, nan, nan, nan, nan
            parquet = d / "data" / "parquet"
            b_s, b_mb = measure([PY, "-m", "vostochny_summit.cli", "build", str(d)], runs, before=lambda: shutil.rmtree(parquet, ignore_errors=True),
                                warmup=1)
            loads = {e: in_process(load_code.format(root=str(d), engine=e), runs) for e in ("pandas", "polars")}
            loads["duckdb"] = in_process(duck_code.format(root=str(d)), runs)
            row = dict(k=k, rows=n, validate=v_s, validate_first=v_first, validate_mb=v_mb, frictionless=f_s, frictionless_mb=f_mb,
                       ratio=ratio, ratio_first=ratio_first, build=b_s,
                       build_mb=b_mb, **{f"load_{e}": s for e, s in loads.items()})
            rows_out.append(row)
            print(f"scale {k}: {n} rows | validate {v_s:.2f}s ({n / v_s:,.0f} rows/s, {v_mb:.0f} MB) | frictionless {f_s:.2f}s "
                  f"({f_mb:.0f} MB) | ratio {ratio:.1f}x (validate's first run after frictionless: {v_first:.2f}s, {ratio_first:.1f}x) "
                  f"| build {b_s:.2f}s ({n / b_s:,.0f} rows/s)", flush=True)
            shutil.rmtree(d)
    base = statistics.median(measure([PY, "-c", "pass"], 1)[0] for _ in range(5))
    imp = statistics.median(measure([PY, "-c", "import vostochny_summit"], 1)[0] for _ in range(5)) - base
    real_load = in_process(load_code.format(root=str(ROOT), engine="pandas"), runs)
    return dict(rows=rows_out, runs=runs, imp=imp, real_load=real_load, machine=machine(), versions=versions())


def render(rows: list[dict], runs: int, imp: float, real_load: float, machine: str, versions: str) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Generated by `python benchmarks/run.py`; do not edit by hand. Synthetic packages are K copies of the real one",
        "(`scripts/synthesize.py`), every check on, spans included. Each figure is the median of "
        f"{runs} run(s) in a separate process; memory is the peak resident set size of that process. `validate` and",
        "`frictionless validate` run alternately, and the ratio is the median of the per-pair ratios (this shared",
        "2-core machine drifts by up to 20 % within minutes). Each timed run follows an untimed run of the same command",
        "(hyperfine's warm-up), because this virtual machine trims its page cache and hands out cold memory within",
        "seconds; `validate`'s first run after a frictionless run, which reads its libraries back from disk, is shown",
        "too. The package's bytecode is compiled first, as `pip install` does for an installed package (frictionless",
        "comes installed).",
        "",
        f"- Machine: {machine}",
        f"- Versions: {versions}",
        "",
        "| scale | rows | validate s | validate rows/s | frictionless s | validate vs frictionless | validate s, first run | "
        "first run vs frictionless | build s | build rows/s | load pandas s | load polars s | connect+count DuckDB s | "
        "peak MB validate | peak MB frictionless |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['k']} | {r['rows']:,} | {r['validate']:.2f} | {r['rows'] / r['validate']:,.0f} | {r['frictionless']:.2f} | "
            f"{r['ratio']:.1f}× | {r['validate_first']:.2f} | {r['ratio_first']:.1f}× | "
            f"{r['build']:.2f} | {r['rows'] / r['build']:,.0f} | {r['load_pandas']:.2f} | "
            f"{r['load_polars']:.2f} | {r['load_duckdb']:.2f} | {r['validate_mb']:.0f} | {r['frictionless_mb']:.0f} |")
    lines += ["", f"- `python -c \"import vostochny_summit\"`: {imp * 1000:.0f} ms above bare interpreter start-up.",
              f"- `load()` of every table of the real package (pandas): {real_load * 1000:.0f} ms."]
    big = max(rows, key=lambda r: r["rows"])
    ratio, speed, build = big["ratio"], big["rows"] / big["validate"], big["rows"] / big["build"]
    yes = lambda ok: "yes" if ok else "**no**"  # noqa: E731
    lines += ["", f"## Targets at the largest scale ({big['rows']:,} rows; every check on, spans included)", "",
              "| what | must | aim | measured | must met | aim met |", "|---|---|---|---|---|---|",
              f"| validate vs frictionless | ≥ 20× | 50× | {ratio:.1f}× | {yes(ratio >= 20)} | {yes(ratio >= 50)} |",
              f"| the same, `validate`'s first run after frictionless | ≥ 20× | 50× | {big['ratio_first']:.1f}× | "
              f"{yes(big['ratio_first'] >= 20)} | {yes(big['ratio_first'] >= 50)} |",
              f"| validate throughput | ≥ 250 k rows/s | ≥ 1 M rows/s | {speed:,.0f} rows/s | {yes(speed >= 250_000)} | {yes(speed >= 1_000_000)} |",
              f"| build throughput | — | ≥ 500 k rows/s | {build:,.0f} rows/s | — | {yes(build >= 500_000)} |",
              f"| peak memory of validate | < 2 GB | < 1 GB | {big['validate_mb']:.0f} MB | {yes(big['validate_mb'] < 2048)} | {yes(big['validate_mb'] < 1024)} |",
              f"| `import vostochny_summit` | < 150 ms | — | {imp * 1000:.0f} ms | {yes(imp < 0.150)} | — |",
              f"| `load()` of every real table | < 1 s | — | {real_load * 1000:.0f} ms | {yes(real_load < 1)} | — |"]
    return "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", default="7,68,680", help="comma-separated copy counts")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    p.add_argument("--frictionless-max-rows", type=int, default=10**7, help="skip frictionless above this many rows")
    p.add_argument("--notes", type=Path, default=ROOT / "benchmarks" / "notes.md", help="Markdown appended after the table")
    p.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results.json", help="the raw measurements, written here")
    p.add_argument("--render-only", action="store_true", help="measure nothing: render --results (and --notes) again")
    a = p.parse_args()
    if a.render_only:
        results = json.loads(a.results.read_text(encoding="utf-8"))
    else:
        results = run([int(x) for x in a.scales.split(",")], a.runs, a.out, a.frictionless_max_rows)
        a.results.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    text = render(**results)
    if a.notes and a.notes.is_file():
        text += "\n" + a.notes.read_text(encoding="utf-8")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(text, encoding="utf-8")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
