"""SHA-256 of files, remembered: in this process, and across processes in a cache file per package folder.

A file's hash is taken again whenever its stamp changes: size, modification time, change time and inode. The change
time (ctime) moves on every write and cannot be set back by a user, so an edited file is always hashed again, as git
does with its index. The cache lives in $XDG_CACHE_HOME/vostochny-summit (default ~/.cache); when it cannot be read
or written it is simply not used, and every hash is computed.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
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
