"""The hash cache (hashes.py): a check in a new process takes the hashes of unchanged files from the cache file, in
both of seal.check's modes, and an edited file is always hashed again."""

from __future__ import annotations

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
