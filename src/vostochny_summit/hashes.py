"""SHA-256 of files, remembered: in this process, and across processes in a cache file per package folder.

A file's hash is taken again whenever its stamp changes: size, modification time, change time and inode. The change
time (ctime) moves on every write and cannot be set back by a user, so an edited file is always hashed again, as git
does with its index. The cache lives in $XDG_CACHE_HOME/vostochny-summit (default ~/.cache); when it cannot be read
or written it is simply not used, and every hash is computed.

validate trusts no cache: it reads every byte it vouches for. Its command line starts the CSVs' digests on a thread
of their own while it imports its checks (digest_ahead), and check_hashes takes each one (fresh_digest) only while the
file's stamp is still the one it had when that thread started.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from concurrent.futures import Future
from pathlib import Path

_memo: dict[str, tuple[tuple, str]] = {}  # absolute path (a string: thousands of pathlib joins cost more) -> (stamp, sha256)
_lock = threading.Lock()
PARALLEL_FROM = 8 << 20  # bytes left to hash from which two threads share the work


def stamp(st: os.stat_result) -> tuple:
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def sha256(path, st: os.stat_result | None = None) -> str:
    """The file's SHA-256 (hex), taken again only when its stamp has changed."""
    path = os.fspath(path)
    now = stamp(st or os.stat(path))
    with _lock:
        hit = _memo.get(path)
    if hit and hit[0] == now:
        return hit[1]
    digest = file_digest(path, "sha256")
    with _lock:
        _memo[path] = (now, digest)
    return digest


HASH_BLOCK = 1 << 22  # bytes read at a time into one reused buffer by file_digest


def file_digest(path, algo: str) -> str:
    """The file's digest (any hashlib algorithm), not remembered; read in blocks into one reused buffer: its pages are
    never mapped into this process, so a large package's CSVs do not all count in its memory at once. hashlib lets
    other threads run while it hashes a block."""
    h, buf = hashlib.new(algo), bytearray(HASH_BLOCK)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            h.update(view[:n])
    return h.hexdigest()


_ahead: dict[tuple[str, str], tuple[tuple, Future]] = {}  # (path, algo) -> (the file's stamp then, its digest)
RACY_NS = 2_000_000_000  # a file changed less than this long ago is not hashed ahead (see digest_ahead)


def digest_ahead(files) -> None:
    """Start taking file_digest of each (path, algo) on a thread of its own, for fresh_digest to find later: the command
    line's validate calls it before it imports its modules, which keeps one core busy for about 0.1 s while the other
    would wait. A file that cannot be read is left to fresh_digest (which then meets the error itself)."""
    todo = []
    for path, algo in files:
        path = os.fspath(path)
        try:
            now = stamp(os.stat(path))
        except OSError:
            continue
        if time.time_ns() - now[2] < RACY_NS:  # changed just now: a write within the same clock tick would keep this
            continue  # stamp (git's "racy" files), so it is hashed when asked
        future: Future = Future()
        with _lock:
            _ahead[(path, algo)] = (now, future)
        todo.append((now[0], path, algo, future))
    todo.sort(key=lambda item: -item[0])  # the largest first: they are what the imports leave time for

    def work():
        for _, path, algo, future in todo:
            try:
                future.set_result(mapped_digest(path, algo))
            except BaseException as exc:  # noqa: BLE001 - handed to fresh_digest, which hashes again
                future.set_exception(exc)

    if todo:
        threading.Thread(target=work, name="digest-ahead", daemon=True).start()


AHEAD_SLICE = 64 << 20  # bytes hashed per release of the interpreter's lock by mapped_digest


def mapped_digest(path, algo: str) -> str:
    """file_digest, from a memory map of the file, AHEAD_SLICE bytes per update: hashlib lets go of the interpreter's
    lock for each update, and a thread hashing beside one that runs Python gets the lock back only every few
    milliseconds (file_digest's 4 MiB reads took it back twice per block: 0.23 s for 165 MB beside the imports, against
    0.08 s alone). Each slice's pages leave this process's memory once hashed (they stay in the page cache)."""
    import mmap

    h = hashlib.new(algo)
    with open(path, "rb", buffering=0) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            return h.hexdigest()
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as m, memoryview(m) as view:
            for start in range(0, size, AHEAD_SLICE):
                h.update(view[start:start + AHEAD_SLICE])
                if hasattr(mmap, "MADV_DONTNEED"):
                    m.madvise(mmap.MADV_DONTNEED, start, min(AHEAD_SLICE, size - start))
    return h.hexdigest()


def fresh_digest(path, algo: str) -> str:
    """file_digest(path, algo), taken now or by digest_ahead: its digest counts only while the file's stamp is still
    the one it had when digest_ahead started (any write moves the change time, which no user can set back), and only
    once. Nothing is remembered beyond that: validate always reads every byte it vouches for."""
    path = os.fspath(path)
    with _lock:
        entry = _ahead.pop((path, algo), None)
    if entry is not None:
        then, future = entry
        try:
            digest = future.result()
            if stamp(os.stat(path)) == then:
                return digest
        except Exception:  # noqa: BLE001 - hashed again below, which meets the error itself
            pass
    return file_digest(path, algo)


def hash_all(root: Path, files: dict[str, os.stat_result], compute: bool = True) -> bool:
    """Make sure the memo holds the hash of every file (rel -> its stat) of the package at root: from the cache file
    where the stamp is unchanged, else computed (on two threads when there is much to hash); then save the cache.
    compute=False only takes what the cache file holds (a caller that may stop at its first changed file hashes the
    rest one by one, through sha256, then saves them with save). Returns whether some file's hash was not cached."""
    cached, base = _load(root), os.fspath(root)
    todo = []
    with _lock:
        for rel, st in files.items():
            path, now = f"{base}/{rel}", stamp(st)
            if (_memo.get(path) or ((),))[0] == now:
                continue
            entry = cached.get(rel)
            if entry and tuple(entry[:4]) == now:
                _memo[path] = (now, entry[4])
            else:
                todo.append((path, st))
    if not compute:
        return bool(todo)
    if sum(st.st_size for _, st in todo) >= PARALLEL_FROM:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda item: sha256(*item), sorted(todo, key=lambda item: -item[1].st_size)))
    else:
        for path, st in todo:
            sha256(path, st)
    if todo:
        save(root, files)
    return bool(todo)


def save(root: Path, files: dict[str, os.stat_result]) -> None:
    """Write the cache file of the package at root: the hash of each file (rel -> its stat) that the memo holds for
    that stamp."""
    base = os.fspath(root)
    with _lock:
        entries = {rel: [*stamp(st), hit[1]] for rel, st in files.items()
                   if (hit := _memo.get(f"{base}/{rel}")) and hit[0] == stamp(st)}
        _save(root, entries)


def _cache_file(root: Path) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vostochny-summit"
    return base / (hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:32] + ".json")


def _load(root: Path) -> dict:
    try:
        data = json.loads(_cache_file(root).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError, RuntimeError):
        return {}


def _save(root: Path, entries: dict) -> None:
    try:
        target = _cache_file(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(entries, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, target)
    except (OSError, RuntimeError):
        pass  # no cache: the next process hashes again
