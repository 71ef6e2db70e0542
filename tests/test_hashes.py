"""The hash cache (hashes.py): a check in a new process takes the hashes of unchanged files from the cache file, in
both of seal.check's modes, and an edited file is always hashed again."""

from __future__ import annotations

import os

import pytest

from vostochny_summit import hashes, seal
from vostochny_summit.package import Package


def test_both_check_modes_take_unchanged_hashes_from_the_cache_and_rehash_an_edit(package_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(hashes, "_memo", {})
    assert seal.check(Package(package_copy)) == []  # hashes every file and writes the cache file

    def no_reading(*args, **kwargs):
        raise AssertionError(f"hashed again: {args[0]}")

    for first_only in (False, True):
        monkeypatch.setattr(hashes, "_memo", {})  # a new process: only the cache file remembers
        monkeypatch.setattr(hashes, "open", no_reading, raising=False)
        assert seal.check(Package(package_copy), first_only=first_only) == []
        monkeypatch.delattr(hashes, "open")

    quotes = package_copy / "data" / "quotes.csv"
    quotes.write_bytes(quotes.read_bytes().replace(b"Kim", b"Kin", 1))  # same size, new content
    monkeypatch.setattr(hashes, "_memo", {})
    broken = seal.check(Package(package_copy), first_only=True)
    assert [b.file for b in broken] == ["data/quotes.csv"], broken
    with pytest.raises(AssertionError, match="hashed again"):
        monkeypatch.setattr(hashes, "open", no_reading, raising=False)
        monkeypatch.setattr(hashes, "_memo", {})
        quotes.write_bytes(quotes.read_bytes().replace(b"Kin", b"Kim", 1))
        seal.check(Package(package_copy))


def test_a_check_that_hashes_one_by_one_saves_what_it_hashed(package_copy, tmp_path, monkeypatch):
    """build's check (first_only) hashes file by file; it saves those hashes too, so that the next build of an
    unchanged package (a new process) hashes nothing (at 1.09 M rows: 3,440 files, 0.6 s)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(hashes, "_memo", {})
    assert not hashes._cache_file(package_copy).exists()
    assert seal.check(Package(package_copy), first_only=True) == []
    assert hashes._cache_file(package_copy).exists()

    def no_reading(*args, **kwargs):
        raise AssertionError(f"hashed again: {args[0]}")

    monkeypatch.setattr(hashes, "_memo", {})  # a new process
    monkeypatch.setattr(hashes, "open", no_reading, raising=False)
    assert seal.check(Package(package_copy), first_only=True) == []


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 10_000, 70_001])
def test_the_mapped_digest_is_the_read_digest(tmp_path, monkeypatch, size):
    """mapped_digest hashes slices of a memory map; with slices of 4 KiB a file of several slices, one that ends
    inside a slice, an empty one: each the digest of file_digest and of hashlib over the bytes."""
    import hashlib
    import random

    monkeypatch.setattr(hashes, "AHEAD_SLICE", 4096)
    data = random.Random(size).randbytes(size)
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    for algo in ("sha256", "md5"):
        assert hashes.mapped_digest(path, algo) == hashes.file_digest(path, algo) == hashlib.new(algo, data).hexdigest()


def test_a_digest_taken_ahead_counts_only_for_the_unchanged_file_and_only_once(tmp_path, monkeypatch):
    """digest_ahead's digest is what fresh_digest returns while the file is unchanged; a file written since (its stamp
    moved) is hashed again, and so is a file asked twice (the digest ahead is used once); a file that vanished before
    digest_ahead is hashed when asked (and its error is met then)."""
    import hashlib

    a, b, gone, new = (tmp_path / f"{n}.csv" for n in ("a", "b", "gone", "new"))
    for f in (a, b, new):
        f.write_bytes(b"x,y\n1,2\n")
    monkeypatch.setattr(hashes, "RACY_NS", 0)
    taken = []
    real = hashes.file_digest
    monkeypatch.setattr(hashes, "file_digest", lambda path, algo: taken.append(os.path.basename(path)) or real(path, algo))
    hashes.digest_ahead([(a, "sha256"), (b, "sha256"), (gone, "sha256")])
    assert hashes._ahead[(str(a), "sha256")][1].result(timeout=10)  # the thread has hashed a
    hashes._ahead[(str(b), "sha256")][1].result(timeout=10)
    b.write_bytes(b"x,y\n3,4,5\n")  # an edit after the digest ahead: a new stamp
    assert hashes.fresh_digest(a, "sha256") == hashlib.sha256(b"x,y\n1,2\n").hexdigest()
    assert taken == []  # a came from the thread
    assert hashes.fresh_digest(b, "sha256") == hashlib.sha256(b"x,y\n3,4,5\n").hexdigest()
    assert taken == ["b.csv"]
    assert hashes.fresh_digest(a, "sha256") == hashlib.sha256(b"x,y\n1,2\n").hexdigest()
    assert taken == ["b.csv", "a.csv"]  # asked again: hashed again
    with pytest.raises(FileNotFoundError):
        hashes.fresh_digest(gone, "sha256")
    assert not hashes._ahead
    monkeypatch.setattr(hashes, "RACY_NS", 10**12)  # new was changed within the racy window: not hashed ahead
    hashes.digest_ahead([(new, "sha256")])
    assert not hashes._ahead


def test_validate_reports_a_stale_hash_whether_the_edit_came_before_or_after_the_digest_ahead(package_copy, monkeypatch):
    """The command line's validate hashes the CSVs ahead (digest_ahead, while it imports its checks): an edit before
    it and an edit after it are both reported as stale-hash, each with the digest of the file as it is at the check."""
    import hashlib

    from vostochny_summit.validation import validate
    from vostochny_summit.validation.descriptor import hashes_to_check

    monkeypatch.setattr(hashes, "RACY_NS", 0)
    before, after = package_copy / "data" / "quotes.csv", package_copy / "data" / "people.csv"
    people = after.read_bytes()
    pkg = Package(package_copy)
    quotes = before.read_bytes().replace(b"Putin", b"Putim", 1)
    before.write_bytes(quotes)
    hashes.digest_ahead(hashes_to_check(pkg))
    assert len(hashes._ahead) == len(pkg.tables)
    after.write_bytes(people.replace(b"Kim", b"Kym", 1))
    stale = {p.expected for p in validate(package_copy, pick=["stale-hash"])}
    assert stale == {f"resource quotes sha256:{hashlib.sha256(quotes).hexdigest()}",
                     f"resource people sha256:{hashlib.sha256(after.read_bytes()).hexdigest()}"}
    assert not hashes._ahead  # each digest ahead was taken once


def test_the_digests_are_taken_ahead_only_when_the_hashes_check_will_run(package_copy, monkeypatch):
    """validate --pick fixity does not run the hashes check: its command line hashes nothing ahead; a pick of one of
    the check's codes (or none) starts the digests of every CSV."""
    from vostochny_summit.validation.descriptor import hash_ahead

    monkeypatch.setattr(hashes, "RACY_NS", 0)
    pkg = Package(package_copy)
    hash_ahead(pkg, lambda code: code == "fixity")
    assert not hashes._ahead
    hash_ahead(pkg, lambda code: code == "stale-bytes")
    assert len(hashes._ahead) == len(pkg.tables)
    for (path, algo), (_, future) in list(hashes._ahead.items()):
        assert future.result(timeout=10) == hashes.fresh_digest(path, algo)
    assert not hashes._ahead
