"""Tables spilled to disk for a bounded run (validate of a large package): written once, batch by batch, to an
uncompressed Arrow IPC file, and read back memory-mapped without a copy. A reader sees the same Arrow table (values,
types, and the chunks written); its bytes are the file's pages, which the kernel reads back on demand, and which
leave this process's memory whenever the run says so (drop_pages, after each node), instead of staying in it from a
table's last own check to the run's end."""

from __future__ import annotations

import mmap
import os
import shutil
import tempfile
import threading
import weakref


class Spill:
    """One run's spilled tables, in a temporary directory that close() removes."""

    def __init__(self, where: str | None = None):
        self._dir = tempfile.mkdtemp(prefix="vostochny-summit-spill-", dir=where)
        # removed by close(), or when this object goes, or at the interpreter's exit (an interrupted run)
        self._remove = weakref.finalize(self, shutil.rmtree, self._dir, True)
        self._maps: list[mmap.mmap] = []
        self._lock = threading.Lock()
        self._count = 0

    @classmethod
    def open(cls, need: int) -> Spill | None:
        """A spill in the temporary folder (spill_dir), or None when it cannot be made there or has less than `need`
        bytes free (the run then keeps its columns in memory: the same result, more memory)."""
        try:
            spill = cls(spill_dir())
        except OSError:
            return None
        try:
            if shutil.disk_usage(spill._dir).free >= need:
                return spill
        except OSError:
            pass
        spill.close()
        return None

    def writer(self, schema) -> SpillWriter:
        """A new spilled table of that schema, written a batch at a time (SpillWriter.write), read by finish()."""
        return SpillWriter(self, self._path(".arrow"), schema)

    def table(self, data):
        """data, spilled whole and read back mapped."""
        w = self.writer(data.schema)
        w.write(data)
        return w.finish()

    def blob(self, parts) -> mmap.mmap | bytes:
        """The bytes of parts one after another, written to a file and mapped (read-only, bytes-like)."""
        path = self._path(".bytes")
        with open(path, "wb") as f:
            for part in parts:
                f.write(part)
        return self._map_bytes(path)

    def _path(self, suffix: str) -> str:
        with self._lock:
            self._count += 1
            return os.path.join(self._dir, f"{self._count}{suffix}")

    def _map_bytes(self, path: str) -> mmap.mmap | bytes:
        if os.path.getsize(path) == 0:
            return b""  # an empty file cannot be mapped
        with open(path, "rb") as f:
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        with self._lock:
            self._maps.append(mapped)
        return mapped

    def _map(self, path: str):
        import pyarrow as pa

        return pa.ipc.open_file(pa.py_buffer(self._map_bytes(path))).read_all()

    def drop_pages(self) -> None:
        """Let every mapped page leave this process's memory (they stay in the page cache: a later read maps them
        again, with no copy and no disk read)."""
        if not hasattr(mmap, "MADV_DONTNEED"):
            return
        with self._lock:
            maps = list(self._maps)
        for m in maps:
            try:
                m.madvise(mmap.MADV_DONTNEED)
            except (ValueError, OSError):
                pass  # closed

    def close(self) -> None:
        """Remove the files (a table still held by a caller stays readable: its map goes when the table does)."""
        with self._lock:
            maps, self._maps = self._maps, []
        for m in maps:
            try:
                m.close()
            except BufferError:
                pass  # exported to a table the caller still holds
        self._remove()


IN_MEMORY = ("tmpfs", "ramfs")  # file systems whose files are memory: a spill there would save none


def spill_dir() -> str:
    """Where a spill goes: the temporary folder (tempfile.gettempdir, $TMPDIR), but /var/tmp when $TMPDIR is not set,
    the temporary folder is in memory (/tmp as tmpfs, as on Fedora or Arch) and /var/tmp is not."""
    where = tempfile.gettempdir()
    if os.environ.get("TMPDIR") or _filesystem(where) not in IN_MEMORY:
        return where
    return "/var/tmp" if os.path.isdir("/var/tmp") and _filesystem("/var/tmp") not in IN_MEMORY else where


def _filesystem(path: str) -> str | None:
    """The type of the file system that holds path (the longest mount point above it in /proc/mounts), else None."""
    try:
        with open("/proc/mounts", encoding="utf-8") as f:
            mounts = [line.split()[1:3] for line in f if len(line.split()) >= 3]
    except OSError:
        return None
    path, best = os.path.realpath(path), ("", None)
    for point, kind in mounts:
        point = point.replace("\\040", " ")
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best[0]):
            best = (point, kind)
    return best[1]


class SpillWriter:
    """One spilled table being written: write() each batch (a table of the writer's schema), then finish()."""

    def __init__(self, spill: Spill, path: str, schema):
        import pyarrow as pa

        self._spill, self._path, self.schema = spill, path, schema
        self._sink = pa.OSFile(path, "wb")
        self._writer = pa.ipc.new_file(self._sink, schema)

    def write(self, data) -> None:
        self._writer.write_table(data)

    def finish(self):
        """The table written, mapped (its chunks: the batches written)."""
        self.close()
        return self._spill._map(self._path)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._sink.close()
            self._writer = None
