"""Process-wide tuning for the `validate` command, in one place. Only the command line calls enable(), in its own
process; validate() called from Python changes none of this. VOSTOCHNY_SUMMIT_NO_TUNING=1 turns it all off.

- Arrow's memory in jemalloc instead of mimalloc: at 1 M rows the process touched about 10 % less memory, and fresh
  memory is slow on a virtual machine.
- The GIL switch interval 0.5 ms instead of 5 ms: worker threads return from C++ to Python often and briefly, and each
  return waits for the GIL; 0.5 ms beat both 5 ms and 0.1 ms (0.1 ms cost 10-15 % CPU in futex hand-overs).
- An import blocker that declines pandas (decline_pandas): validate never uses it, but pyarrow imports it (about
  0.2 s) only to ask whether a value is a DataFrame. The command line sets it for the other commands that never use
  it either (cli/__init__.py lists them: WITHOUT_PANDAS). Measured: `build` after an edit of the real package
  1.10 s -> 0.68 s (medians of 9 pairs).
- jemalloc's settings (jemalloc_conf), given before pyarrow loads (Arrow's jemalloc reads them from the environment
  then, for every arena; `pa.jemalloc_set_decay_ms` reaches only arenas made later). Pages past their decay are
  purged at once (muzzy decay 0): jemalloc's default first marks them free (MADV_FREE), and such pages still count
  in the process's memory until the kernel wants them. Measured against the tuning before (paired medians): peak
  892 -> 800 MiB at 3.28 M rows (7 pairs), 459 -> 446 MiB at 1.09 M rows (11 pairs), no change at 10.9 M rows
  (2,299 -> 2,330 MiB, 3 pairs, the ranges overlap); wall 0.986, 0.988, 0.988, the real package 0.995 (21 pairs).
- A large package (CSVs over LARGE_BYTES): jemalloc returns freed pages after LARGE_DECAY_MS (10 ms)
  instead of keeping them for a second. Returning them at once (decay 0, until 2026-12) kept the peak lowest but made
  every new table's memory fresh pages again: at 3.28 M rows 780 k page faults and 2 s of the 5.5 s of CPU in the
  kernel. Any delay above 0 lets a freed block be reused before it is purged: 420 k faults; wall 0.86 and CPU 0.85 of
  decay 0's (7 pairs), peak 792 -> 878 MiB; at 10.9 M rows wall 0.86, peak 2,267 -> 2,284 MiB (3 pairs). 1 to 100 ms
  measured the same within the spread; the default second keeps 1.1-1.2 GB at 3 M rows. Below LARGE_BYTES the
  default stays: at 1.09 M rows 10 ms cost 3.5 % more wall time (9 pairs) for 37 MiB less.
- glibc's malloc, which numpy's arrays come from, below LARGE_BYTES (_configure_glibc_malloc): blocks under 8 MiB
  from its heaps, and up to 64 MiB kept free there. By default it maps each block from 128 KiB on its own (a threshold
  it raises only as blocks are freed) and returns a heap's free top above twice that: the scans' temporaries of a
  few MiB were fresh pages, and a madvise, again and again. At 1.09 M rows: wall 0.95, CPU 0.96, system time 0.32
  against 0.40 s, peak 400 against 373 MiB (21 pairs); the real package the same (0.98, within the spread). Not for a
  large package, whose peak is the goal there.
- The CSVs' hashes taken on the other core while validate's command imports its checks (descriptor.hash_ahead,
  hashes.digest_ahead; at 1.09 M rows wall 0.966, 15 pairs), gated on enabled() like the rest.
- Start-up without the cyclic garbage collector (hold_collector, then settle once validate's modules are imported):
  importing pyarrow, numpy and the checks makes some 10^5 objects that live as long as the process, and collecting
  them as they come (a young-generation pass every 700 of them, and older passes over all of them) took about 5 % of
  validating the real package. settle() freezes what exists then (later passes skip it) and turns the collector back
  on for the run, so that no cycle made while checking outlives its use.
- For every command (command_defaults, before numpy is imported): OpenBLAS with one thread. No command does linear
  algebra, and OpenBLAS starting a thread per core at import cost about 50 ms of CPU and 60 ms of wall time per run.
"""

from __future__ import annotations

import gc
import os
import sys

ENV = "VOSTOCHNY_SUMMIT_NO_TUNING"
SWITCH_INTERVAL = 5e-4


class WithoutPandas:
    """An import hook that declines pandas."""

    def find_spec(self, name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError("this command declines pandas, which it does not use (cli.WITHOUT_PANDAS, "
                                      "validation/tuning.py); VOSTOCHNY_SUMMIT_NO_TUNING=1 lets it load", name=name)
        return None


def enabled() -> bool:
    return os.environ.get(ENV, "") in ("", "0")


def command_defaults() -> None:
    """What every command of the command line sets for its own process (an explicit setting wins)."""
    if enabled() and "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


LARGE_BYTES = 256 << 20
LARGE_DECAY_MS = 10  # jemalloc's dirty decay for a large package (see above)
JEMALLOC_ENV = "JE_ARROW_MALLOC_CONF"  # read by Arrow's jemalloc once, when pyarrow's library is loaded


def jemalloc_conf(csv_bytes: int) -> str:
    """Arrow's jemalloc settings for a package of that many bytes of CSV: decayed pages are purged (muzzy decay 0:
    pages jemalloc only marks as free still count in the process's memory), and a large package's freed pages go
    back after LARGE_DECAY_MS."""
    return "muzzy_decay_ms:0" + (f",dirty_decay_ms:{LARGE_DECAY_MS}" if csv_bytes >= LARGE_BYTES else "")


def _configure_jemalloc(csv_bytes: int) -> None:
    """Give jemalloc_conf to Arrow's jemalloc, which reads it from the environment when pyarrow's library loads (this
    imports pyarrow), then take it out of the environment again (a child process is not this package). A setting of
    the user's own is left alone, and wins. When pyarrow was loaded already, only a large package's decay can still
    be set (for the arenas made from then on)."""
    if JEMALLOC_ENV in os.environ:
        return
    if "pyarrow" in sys.modules:
        if csv_bytes >= LARGE_BYTES:
            import pyarrow as pa

            try:
                pa.jemalloc_set_decay_ms(LARGE_DECAY_MS)
            except (NotImplementedError, pa.ArrowException):
                pass
        return
    os.environ[JEMALLOC_ENV] = jemalloc_conf(csv_bytes)
    try:
        import pyarrow  # noqa: F401 - loads Arrow's library, whose jemalloc reads the setting now
    finally:
        del os.environ[JEMALLOC_ENV]


GLIBC_MMAP_THRESHOLD = 8 << 20  # glibc's malloc: blocks from this size are mapped on their own (default 128 KiB+)
GLIBC_TRIM_THRESHOLD = 64 << 20  # glibc's malloc: free memory at a heap's top kept up to this much (default 128 KiB+)


def _configure_glibc_malloc(csv_bytes: int) -> None:
    """Below LARGE_BYTES of CSV: glibc's malloc (numpy's temporaries) keeps blocks under GLIBC_MMAP_THRESHOLD in its
    heaps and up to GLIBC_TRIM_THRESHOLD free there, so that a scan's temporaries of a few MiB reuse the same memory
    instead of fresh pages each time (see the module's docstring). Nothing where the C library has no mallopt, or
    when the user set glibc's malloc (MALLOC_*_ or GLIBC_TUNABLES in the environment): theirs wins."""
    if csv_bytes >= LARGE_BYTES or "malloc" in os.environ.get("GLIBC_TUNABLES", "") or any(
            k.startswith("MALLOC_") and k.endswith("_") for k in os.environ):
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
    mallopt(M_MMAP_THRESHOLD, GLIBC_MMAP_THRESHOLD)
    mallopt(M_TRIM_THRESHOLD, GLIBC_TRIM_THRESHOLD)


def decline_pandas() -> None:
    """Decline pandas in this process (the command line only, for a command that never uses it; nothing when pandas is
    already imported or the environment turns the tuning off)."""
    if enabled() and "pandas" not in sys.modules and not any(isinstance(h, WithoutPandas) for h in sys.meta_path):
        sys.meta_path.insert(0, WithoutPandas())


def enable(block_pandas: bool = True, csv_bytes: int = 0) -> bool:
    """Turn the tuning on for this process (the command line only), for a package of csv_bytes of CSV; before
    pyarrow is imported, so that jemalloc starts with its settings. False when the environment turns it off."""
    if not enabled():
        return False
    if block_pandas:
        decline_pandas()
    _configure_jemalloc(csv_bytes)
    _configure_glibc_malloc(csv_bytes)
    import pyarrow as pa

    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:
        pass
    sys.setswitchinterval(SWITCH_INTERVAL)
    return True


_held = False  # the collector was turned off by hold_collector (and not yet back on)


def hold_collector() -> None:
    """The command line's start-up, before a command imports its modules: no cyclic garbage collection until settle()."""
    global _held
    if enabled() and gc.isenabled():
        gc.disable()
        _held = True


def settle() -> None:
    """The modules are imported: freeze every object that exists now (the collector's passes skip it from now on) and
    turn the collector back on; nothing unless hold_collector turned it off (validate called from Python)."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()
