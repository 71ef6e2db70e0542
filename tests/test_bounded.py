"""A bounded run (validate of a large package): the kept columns and the texts spilled to disk and mapped back are the
same tables, their pages leave the process when the run lets them go, and nothing is left on disk. That a bounded run
reports exactly what an unbounded one does is tested on every planted defect (tests/test_defects.py)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from vostochny_summit.validation import kept
from vostochny_summit.validation.spill import Spill


def _batches():
    """Two batches of a table's kept columns: text keys, a typed integer kept as text too, and a text-only column."""
    schema = pa.schema([pa.field("id", pa.string(), nullable=False), pa.field("char_start", pa.int64())],
                       metadata={b"version": b"1"})
    out = []
    for lo in (0, 3):
        ids = pa.array([f"row-{i}" for i in range(lo, lo + 3)])
        starts = pa.array([i * 10 if i != 4 else None for i in range(lo, lo + 3)], pa.int64())
        typed = pa.Table.from_arrays([ids, starts], schema=schema)
        raw = pa.table({"id": ids, "char_start": pa.compute.cast(starts, pa.string()), "note": [None, "a,b", "é"]})
        out.append((raw, typed))
    return out


def _mapped_rss_kib(path: str) -> int:
    """The resident KiB of this process's maps of the file (Linux /proc/self/smaps)."""
    total, mine = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        if line[:1].isdigit() or line[:1] in "abcdef":
            mine = line.rstrip().endswith(path)
        elif mine and line.startswith("Rss:"):
            total += int(line.split()[1])
    return total


def test_kept_columns_spilled_are_the_same_tables_in_the_file(tmp_path):
    spill = Spill(str(tmp_path))
    in_memory, on_disk = kept.Gather(), kept.Gather(spill)
    for raw, typed in _batches():
        in_memory.add(raw, typed)
        on_disk.add(raw, typed)
    (raw_a, typed_a), (raw_b, typed_b) = in_memory.finish(), on_disk.finish()
    assert raw_b.equals(raw_a, check_metadata=True) and typed_b.equals(typed_a, check_metadata=True)
    assert typed_b.schema.field("id").nullable is False and typed_b.schema.metadata == {b"version": b"1"}
    assert raw_b.num_rows == 6 and raw_b.column("note").to_pylist() == [None, "a,b", "é"] * 2
    # the text id is written once and read back as both; the integer's text is its own column
    (file,) = list(tmp_path.glob("*/*.arrow"))
    names = pa.ipc.open_file(pa.memory_map(str(file))).schema.names
    assert names == ["id", "char_start", "raw:char_start", "raw:note"]
    # no copy: the values are the file's mapped pages
    mapped = pa.py_buffer(spill._maps[0])
    address = typed_b.column("id").chunk(0).buffers()[2].address
    assert mapped.address <= address < mapped.address + mapped.size
    spill.close()
    assert not list(tmp_path.iterdir())


def test_nothing_gathered_is_nothing_spilled(tmp_path):
    assert kept.Gather(Spill(str(tmp_path))).finish() == (None, None)
    assert kept.Gather().finish() == (None, None)


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="needs Linux's /proc/self/smaps")
def test_drop_pages_lets_the_mapped_pages_leave_the_process(tmp_path):
    spill = Spill(str(tmp_path))
    data = spill.table(pa.table({"n": pa.array(np.arange(1 << 20, dtype=np.int64))}))  # 8 MiB
    (file,) = [str(p) for p in tmp_path.glob("*/*.arrow")]
    assert int(pa.compute.sum(data.column("n")).as_py()) == (1 << 20) * ((1 << 20) - 1) // 2  # reads every page
    assert _mapped_rss_kib(file) >= 8 << 10
    spill.drop_pages()
    assert _mapped_rss_kib(file) < 64
    assert pa.compute.max(data.column("n")).as_py() == (1 << 20) - 1  # read again from the page cache
    del data
    spill.close()


def test_texts_in_a_spill_read_the_same(tmp_path):
    from vostochny_summit.validation.span_index import Texts

    ids, texts = ["a", "b"], ["Kim – Putin", "«Восточный»"]
    encoded, points = [t.encode() for t in texts], [len(t) for t in texts]
    spill = Spill(str(tmp_path))
    held, mapped = Texts.from_utf8(ids, encoded, points), Texts.from_utf8(ids, encoded, points, spill)
    assert not isinstance(mapped.buffer, bytes) and bytes(mapped.buffer) == held.buffer
    assert [mapped.text(i) for i in ids] == texts
    k, cp = np.array([0, 1, 1]), np.array([4, 0, 10])
    valid = np.array([True, True, True])
    assert mapped.chars_at(k, cp, valid).equals(held.chars_at(k, cp, valid))
    assert mapped.chars_at(k, cp, valid).to_pylist() == ["–".encode(), "«".encode(), "»".encode()]
    del mapped
    spill.close()


def test_a_bounded_run_chosen_by_size_leaves_nothing_on_disk(built_base, tmp_path, monkeypatch):
    from vostochny_summit import validation
    from vostochny_summit.validation import engine

    seen = []
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(engine.Run, "execute", lambda self, workers, run=engine.Run.execute: (
        seen.append(self.options.bounded), run(self, workers))[1])
    monkeypatch.setattr(validation, "BOUNDED_FROM", 1)
    assert validation.validate(built_base) == []
    monkeypatch.setattr(validation, "BOUNDED_FROM", 1 << 40)
    assert validation.validate(built_base) == []
    assert validation.validate(built_base, bounded=True) == []
    assert seen == [True, False, True]
    assert os.listdir(tmp_path) == []


def test_the_command_says_when_it_bounds_memory():
    from vostochny_summit.cli import build_parser
    from vostochny_summit.validation import BOUNDED_FROM

    validate = build_parser()._subparsers._group_actions[0].choices["validate"]
    (option,) = [a for a in validate._actions if a.dest == "bounded"]
    assert f"on from {BOUNDED_FROM >> 20} MiB of CSV" in option.help
    assert f"from {BOUNDED_FROM >> 20} MiB" in Path(__file__).parents[1].joinpath("README.md").read_text()


def test_without_room_on_disk_a_bounded_run_keeps_its_columns_in_memory(built_base, tmp_path, monkeypatch):
    import shutil
    from collections import namedtuple

    from vostochny_summit.validation import engine, validate

    spills = []
    monkeypatch.setattr(engine.Run, "execute", lambda self, workers, run=engine.Run.execute: (
        spills.append(self.spill), run(self, workers))[1])
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(1 << 30, 1 << 30, 1 << 10))
    assert validate(built_base, bounded=True) == []
    assert spills == [None] and os.listdir(tmp_path) == []
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(1 << 40, 0, 1 << 40))
    assert validate(built_base, bounded=True) == []
    assert spills[1] is not None and os.listdir(tmp_path) == []


def test_the_command_says_when_size_bounds_its_memory(built_base, monkeypatch, capsys):
    from vostochny_summit import validation
    from vostochny_summit.cli import main

    monkeypatch.setattr(validation, "BOUNDED_FROM", 1)
    assert main(["validate", str(built_base)]) == 0
    err = capsys.readouterr().err
    assert "bounded memory (" in err and "--no-bounded" in err
    assert main(["validate", str(built_base), "--bounded"]) == 0
    assert "bounded memory" not in capsys.readouterr().err  # asked for: nothing to explain


def test_an_interrupted_run_leaves_no_spill_behind(tmp_path):
    import subprocess
    import sys

    code = ("import pyarrow as pa; from vostochny_summit.validation.spill import Spill; "
            f"s = Spill({str(tmp_path)!r}); s.table(pa.table({{'a': [1, 2]}})); raise KeyboardInterrupt")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "KeyboardInterrupt" in done.stderr
    assert os.listdir(tmp_path) == []


def test_a_table_that_keeps_no_column_keeps_its_row_count(tmp_path):
    spill = Spill(str(tmp_path))
    gather = kept.Gather(spill)
    for raw, typed in _batches():
        gather.add(raw.select([]), typed.select([]))
    raw, typed = gather.finish()
    assert (raw.num_rows, raw.num_columns, typed.num_rows) == (6, 0, 6)
    spill.close()
    held = kept.Gather()
    for raw, typed in _batches():
        held.add(raw.select([]), typed.select([]))
    raw, typed = held.finish()
    assert (raw.num_rows, typed.num_rows, typed.schema.metadata) == (6, 6, {b"version": b"1"})


def test_claim_ranges_give_each_claim_all_its_evidence_rows(monkeypatch):
    from vostochny_summit.validation import claims, ranges

    monkeypatch.setattr(ranges, "ROWS", 3)
    dropped = []
    drop = lambda: dropped.append(1)  # noqa: E731
    keys = pa.chunked_array([["a", "b", "c"], ["d", "f", "g", "é"]])  # é sorts after the ASCII letters (code points)
    evidence = pa.chunked_array([["0", "a", "a", "c"], ["d", "d", "ez", "f", "g", "h", "é"]])  # 0, ez, h: no claim
    got = claims._claim_ranges(keys, evidence, drop)
    assert got == [((0, 3), (0, 4)), ((3, 6), (4, 9)), ((6, 7), (9, 11))]
    for (lo, hi), (first, end) in got:
        mine = set(keys.slice(lo, hi - lo).to_pylist())
        inside = evidence.slice(first, end - first).to_pylist()
        assert {v for v in evidence.to_pylist() if v in mine} <= set(inside)
    assert len(dropped) == 2 + 4  # the order checks read 3 rows at a time, and let them go
    assert claims._claim_ranges(keys, evidence, None) == [((0, 7), (0, 11))]
    unsorted = pa.chunked_array([["b", "a", "c", "d", "e", "f", "g"]])
    assert claims._claim_ranges(unsorted, evidence, drop) == [((0, 7), (0, 11))]
    repeated = pa.chunked_array([["a", "b", "b", "d", "e", "f", "g"]])  # a key twice: not strictly ascending
    assert claims._claim_ranges(repeated, evidence, drop) == [((0, 7), (0, 11))]


def test_ranges_order_checks_read_across_range_ends(monkeypatch):
    from vostochny_summit.validation import ranges

    monkeypatch.setattr(ranges, "ROWS", 2)
    nothing = lambda: None  # noqa: E731
    assert ranges.ascending(pa.chunked_array([[1, 2], [3, 3, 4]]), False, nothing)
    assert not ranges.ascending(pa.chunked_array([[1, 2], [3, 3, 4]]), True, nothing)
    assert not ranges.ascending(pa.chunked_array([[1, 3], [2, 4, 5]]), False, nothing)  # 3 > 2 where two ranges meet
    assert not ranges.ascending(pa.chunked_array([[1, 2, 3, 4, 0]]), False, nothing)  # the last row alone is out
    assert not ranges.ascending(pa.chunked_array([[1, None, 3]]), False, nothing)
    assert ranges.ascending(pa.chunked_array([[7]]), True, nothing) and ranges.ascending(pa.chunked_array([[]], pa.int64()))
    col = pa.chunked_array([["a", "b", "b"], ["b", "é"]])
    assert [ranges.at_least(col, v) for v in ("0", "b", "c", "é", "z", "ø")] == [0, 1, 4, 4, 4, 5]
    assert [ranges.after(col, v) for v in ("0", "b", "c", "é", "z", "ø")] == [0, 4, 4, 5, 4, 5]


@pytest.mark.parametrize("values, known, expected", [
    (["a", "a", "b", "c", "c", "d", "f"], ["a", "b", "c", "d", "e", "f"], True),
    (["a", "a", "b", "c", "c", "d", "g"], ["a", "b", "c", "d", "e", "f"], False),  # g: in no range, nor in known
    (["b", "a", "c", "d", "f", "e", "f"], ["a", "b", "c", "d", "e", "f"], True),  # unsorted values: every known value
    (["b", "a", "c", "d", "f", "e", "g"], ["a", "b", "c", "d", "e", "f"], False),
    (["a", "b", "c", "d", "e", "f", "é"], ["f", "é", "a", "b", "c", "d", "e"], True),  # unsorted known: the same
    (["a", "b", "c", "d", "e", "f", "x"], ["f", "é", "a", "b", "c", "d", "e"], False),
    ([1, 1, 2, 5, 5, 7, 9], [1, 2, 3, 5, 7, 8, 9], True),
    ([1, 1, 2, 5, 5, 6, 9], [1, 2, 3, 5, 7, 8, 9], False),
])
def test_all_in_by_ranges_gives_the_whole_columns_answer(monkeypatch, values, known, expected):
    from vostochny_summit.validation import ranges, screens

    monkeypatch.setattr(ranges, "ROWS", 2)
    monkeypatch.setattr(screens, "SORTED_FROM", 0)  # each range compared sorted too
    dropped = []
    values, known = pa.chunked_array([values]), pa.chunked_array([known[:3], known[3:]])
    assert screens.all_in(values, known, lambda: dropped.append(1)) is expected
    assert screens.all_in(values, known) is expected
    if expected:
        assert len(dropped) == 4  # proven range by range, in any order: 4 ranges of 2 values, each let go


def test_a_spill_goes_to_disk_when_the_temporary_folder_is_memory(monkeypatch, tmp_path):
    from vostochny_summit.validation import spill

    kinds = {str(tmp_path): "tmpfs", "/var/tmp": "ext4"}
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(spill, "_filesystem", lambda path: kinds.get(path, "ext4"))
    monkeypatch.delenv("TMPDIR", raising=False)
    assert spill.spill_dir() == "/var/tmp"  # /tmp in memory (tmpfs): the spill would save nothing there
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    assert spill.spill_dir() == str(tmp_path)  # the user's own choice stands
    monkeypatch.delenv("TMPDIR")
    kinds["/var/tmp"] = "tmpfs"
    assert spill.spill_dir() == str(tmp_path)  # no folder on disk: the temporary folder after all
    kinds[str(tmp_path)] = "ext4"
    assert spill.spill_dir() == str(tmp_path)


@pytest.mark.skipif(not Path("/proc/mounts").exists(), reason="needs Linux's /proc/mounts")
def test_the_file_system_of_a_path_is_its_longest_mount_point():
    from vostochny_summit.validation import spill

    mounts = [line.split()[1:3] for line in Path("/proc/mounts").read_text().splitlines()]
    root = [kind for point, kind in mounts if point == "/"][-1]
    assert spill._filesystem("/") == root
    shm = [kind for point, kind in mounts if point == "/dev/shm"]
    if shm:
        assert spill._filesystem("/dev/shm/some-file") == shm[-1]


def test_a_unique_key_repeated_across_batches_is_found_from_the_kept_columns(package_copy, monkeypatch):
    """Batches that are each clean, but whose last mention repeats the first one's (source_id, char_start, char_end)
    under its own id: only the kept columns of the whole table (table_schema._finish) can see it, and the whole
    table's checks then report the rows, exactly as an unbounded run does."""
    from vostochny_summit.validation import batches, validate

    path = package_copy / "data" / "mentions.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    first, last = lines[1].split(","), lines[-2].split(",")
    lines[-2] = ",".join([last[0], *first[1:]])  # the last row's id, the first row's span and entities
    path.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setattr(batches, "BATCH_FROM", 0)
    monkeypatch.setattr(batches, "BATCH_BYTES", 4 << 10)  # the two rows are batches apart
    assert len(lines[1].encode()) + len(lines[-2].encode()) < path.stat().st_size - (8 << 10)
    whole = validate(package_copy, pick=["unique-key"], bounded=False)
    assert [(p.code, p.table, p.row) for p in whole] == [("unique-key", "mentions", len(lines) - 2)]
    assert validate(package_copy, pick=["unique-key"], bounded=True) == whole
    assert validate(package_copy, pick=["unique-key"], bounded=True, workers=2) == whole


@pytest.mark.parametrize("size", [0, 1, 5_000, (1 << 20) + 3])
def test_a_texts_bytes_are_read_whole_even_when_it_grew_since_its_size_was_taken(tmp_path, monkeypatch, size):
    """texts._file_bytes reads what fstat says plus one byte; a file longer than that (it grew in between) is read on
    to its end: here fstat is made to say 0 and 1,000 bytes short."""
    import os
    import random

    from vostochny_summit.validation import texts

    data = random.Random(size).randbytes(size)
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    assert texts._file_bytes(str(path)) == data
    real = os.fstat
    for short in (size, 1000):
        monkeypatch.setattr(os, "fstat", lambda fd, short=short: os.stat_result((0,) * 6 + (max(0, real(fd).st_size - short),) + (0,) * 3))
        assert texts._file_bytes(str(path)) == data
    monkeypatch.setattr(os, "fstat", real)
    with pytest.raises(FileNotFoundError):
        texts._file_bytes(str(tmp_path / "missing.txt"))


def test_every_large_table_but_the_articles_runs_its_own_checks_over_batches(built_base, monkeypatch):
    """A bounded run holds no whole table but the articles' (their texts are made from it): every other table's own
    checks collapse into the one node of its batches. A per-table check that can run neither over batches nor on the
    kept columns (Check.over_batches, Check.keys_only) would keep its table whole; utterances did, and held the quotes."""
    from vostochny_summit.validation import batches, engine, roles

    monkeypatch.setattr(batches, "BATCH_FROM", 0)
    plans = []
    monkeypatch.setattr(engine.Run, "execute", lambda self, workers, run=engine.Run.execute: (
        plans.append((self, self.plan())), run(self, workers))[1])
    from vostochny_summit import validation

    assert validation.validate(built_base, bounded=True, workers=0) == []
    run, nodes = plans[0]
    whole = sorted({n.table for n in nodes if n.check.per_table and not n.check.keys_only
                    and not isinstance(n.check.run, batches.Pipeline)})
    assert whole == [roles.sources_table(run.pkg)]
    assert any(isinstance(n.check.run, batches.Pipeline) and n.table == "quotes" for n in nodes)
