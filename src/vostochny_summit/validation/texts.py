"""The articles: each text file exists inside the package, is UTF-8, has the recorded sha256 (fixity) and length in
code points, and the sources table's own row rules. Provides "texts": the texts in one buffer (spans.Texts) and the
file of each source."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from . import roles
from .descriptor import unsafe_path
from .engine import Check
from .problem import Problem
from .span_index import Texts, first_copies


@dataclass(frozen=True)
class Articles:
    """The articles' texts and the file each source id names (what the span checks read)."""

    texts: Texts
    files: dict  # source id -> text path


def _reads(pkg, _table) -> list[str]:
    return [n for n in (roles.sources_table(pkg),) if n]


def load_texts(ctx):
    name = roles.sources_table(ctx.pkg)
    state = ctx.output("table", name) if name else None
    if state is None or state.typed is None:
        return [], None
    t, src, c = ctx.pkg.table(name), state.typed, roles.source_columns(ctx.pkg)
    ids = src.column(c.id).to_pylist()
    rows = zip(ids, *(src.column(x).to_pylist() for x in (c.path, c.sha256, c.char_count)))
    out, files, kept = [], {}, []
    read = _read(ctx, t, c, rows, out, files, kept)
    if ctx.spill is not None and len(set(ids)) == len(ids):  # each new text goes to the spill's file as it is read
        buffer = ctx.spill.blob(first_copies(read))
        return out, Articles(Texts.from_buffer([k[0] for k in kept], buffer, [k[1] for k in kept], [k[2] for k in kept]), files)
    held = [data for data, _ in read]
    by_id = {sid: (data, cp, digest) for (sid, cp, digest), data in zip(kept, held)}  # a repeated id: its last text
    return out, Articles(Texts.from_utf8(list(by_id), [v[0] for v in by_id.values()], [v[1] for v in by_id.values()],
                                         ctx.spill, [v[2] for v in by_id.values()]), files)


def _read(ctx, t, c, rows, out: list, files: dict, kept: list):
    """Each readable UTF-8 text's (bytes, sha256), in the sources' order (rows: id, path, sha256, code points), checked
    as it is read; its problems go to out, its file to files, and (source id, code points, sha256) to kept."""
    name = t.name
    root, csv = os.path.join(str(ctx.pkg.root), ""), ctx.rel(t.csv_path)
    for i, (sid, p, sha, n) in enumerate(rows, 1):
        problem = unsafe_path(p)
        try:
            if problem:
                raise OSError(problem)
            data = _file_bytes(root + p)  # p is relative (unsafe_path): os.path.join's result, without its call
        except OSError:
            out.append(Problem(code="text-missing", file=csv, table=name, row=i, key=sid, field=c.path, value=p,
                               expected="an existing text file inside the package" + (f" ({problem})" if problem else "")))
            continue
        digest = hashlib.sha256(data).digest()
        if digest.hex() != sha:
            out.append(Problem(code="fixity", file=csv, table=name, row=i, key=sid, field=c.sha256, value=sha,
                               expected=f"the sha256 of {p}, which is {digest.hex()} (the text must never change)"))
        try:
            code_points = len(data.decode("utf-8"))  # decoded to check it, then dropped: Texts decodes on demand
        except UnicodeDecodeError:
            out.append(Problem(code="text-encoding", file=p, expected="UTF-8 text"))
            continue
        if code_points != n:
            out.append(Problem(code="char-count", file=csv, table=name, row=i, key=sid, field=c.char_count,
                               value=n, expected=f"{code_points} (code points in {p})"))
        kept.append((sid, code_points, digest))
        files[sid] = p
        yield data, digest


def _file_bytes(path: str) -> bytes:
    """A file's bytes, with a few system calls and no file object (thousands of small texts: the objects cost more
    than the reads)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        data = os.read(fd, size + 1)  # the one byte more finds a file that grew since fstat
        if len(data) <= size:
            return data
        parts = [data]
        while chunk := os.read(fd, 1 << 20):
            parts.append(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


CHECKS = [Check("texts", load_texts, ("text-missing", "fixity", "text-encoding", "char-count"), needs=("table",),
                provides="texts", reads=_reads)]
