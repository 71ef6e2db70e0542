"""Checking many spans against the article texts at once: `text == article[char_start:char_end]`, vectorised.

Offsets count Unicode code points, but comparing needs bytes. All texts are joined into one UTF-8 buffer, code point
offsets are turned into byte offsets with one binary search over the positions of the multi-byte characters, and every
span becomes an Arrow binary view into that buffer (a view is a length, a buffer and an offset: no bytes are copied).
One Arrow `equal` then compares every span with its recorded text. The result is exact: bytes, not hashes.

Texts of one sha256 are held once (a wire story reprinted word for word, or the synthetic packages' copies of the five
articles): each source reads the bytes of its text's first copy, as the sentence split is already shared (sentences).
"""

from __future__ import annotations

import threading

import numpy as np
import pyarrow as pa

from .. import kernels as pc
from ..articles import sentences
from .byte_scans import byte_views, pages_behind, scan_positions


class Texts:
    """The article texts, by source id, in one buffer."""

    def __init__(self, texts: dict[str, str]):
        encoded = [t.encode("utf-8") for t in texts.values()]
        digests = _digests(encoded)
        self._index(list(texts), b"".join(first_copies(zip(encoded, digests))), [len(t) for t in texts.values()], digests)

    @classmethod
    def from_utf8(cls, ids: list[str], encoded, code_points: list[int], spill=None, digests=None) -> "Texts":
        """From the texts' UTF-8 bytes (already checked to decode; any iterable, read once) and their lengths in code
        points; with a spill (spill.Spill), the buffer is a file's bytes, mapped, and the texts are written to it as
        they come (never all in memory). digests: each text's sha256 (as load_texts computed it), else computed here."""
        if digests is None:
            encoded = list(encoded)
            digests = _digests(encoded)
        parts = first_copies(zip(encoded, digests))
        return cls.from_buffer(ids, b"".join(parts) if spill is None else spill.blob(parts), code_points, digests)

    @classmethod
    def from_buffer(cls, ids: list[str], buffer, code_points: list[int], digests: list[bytes]) -> "Texts":
        """From the texts' UTF-8 bytes one after another, each sha256 once, in the order of its first text
        (first_copies; bytes, or a map of a spill's file) and, per text, its length in code points and its sha256."""
        self = cls.__new__(cls)
        self._index(ids, buffer, code_points, digests)
        return self

    def _index(self, ids: list[str], buffer, code_points: list[int], digests: list[bytes]) -> None:
        self.ids, self.buffer, self.digests = ids, buffer, digests
        self.length = np.array(code_points, dtype=np.int64)
        copy: dict[bytes, int] = {}  # sha256 -> the number of its bytes' copy in the buffer
        which = np.array([copy.setdefault(d, len(copy)) for d in digests], dtype=np.int64)
        stored = np.zeros(len(copy), dtype=np.int64)
        stored[which] = self.length  # the code points of each copy (texts of one sha256 have as many)
        # the first code point of each text in the buffer: its copy's
        self.base = np.concatenate([[0], np.cumsum(stored)])[:-1][which]
        raw = np.frombuffer(self.buffer, dtype=np.uint8)
        (continuation,) = scan_positions(raw, lambda b: (b & 0xC0) == 0x80, behind=pages_behind(buffer))  # a map's
        # pages leave behind the scan
        # the code point each continuation byte belongs to: its position minus the continuation bytes before it, minus 1
        self.continuation_cp = continuation - np.arange(len(continuation)) - 1
        self.byte_start = self.byte_offset(self.base)  # where each text starts and ends in the buffer
        self.byte_end = self.byte_offset(self.base + self.length)
        self.id_array = pa.array(self.ids, pa.string())
        self.position = {sid: i for i, sid in enumerate(self.ids)}
        self._sentences: dict[bytes, tuple] = {}
        self._sentences_lock = threading.Lock()

    def sentences(self, i: int) -> tuple[int, np.ndarray, np.ndarray]:
        """Text number i's sentences (articles.sentences) as (key, starts, ends). Split once per run for the checks that
        need them (coverage, quote-event), and once per distinct text: texts of one sha256 share a key and one split
        (a text is read only when its digest is new, so a corpus of copies is not read again)."""
        found = self._sentences.get(self.digests[i])
        if found is None:
            spans = sentences(self.utf8(i).decode("utf-8"))
            starts, ends = (np.array(x, dtype=np.int64) for x in zip(*spans)) if spans else (np.zeros(0, np.int64),) * 2
            with self._sentences_lock:  # checks on two threads may split the same text; the first split is kept
                found = self._sentences.setdefault(self.digests[i], (len(self._sentences), starts, ends))
        return found

    def utf8(self, i: int) -> bytes:
        """The bytes of text number i."""
        return self.buffer[self.byte_start[i]:self.byte_end[i]]

    def text(self, source_id: str) -> str | None:
        """The text of a source, decoded on demand (None if unknown): only what is read is ever decoded."""
        i = self.position.get(source_id)
        return None if i is None else self.utf8(i).decode("utf-8")

    def chars_at(self, source_index: np.ndarray, cp: np.ndarray, valid: np.ndarray) -> pa.Array:
        """The character at code point cp of each row's text, as its UTF-8 bytes; empty where not valid (valid must
        imply 0 <= cp < the text's length)."""
        k = np.where(valid, source_index, 0)
        at = self.base[k] + np.where(valid, cp, 0)
        first, after = self.byte_offset(at), self.byte_offset(at + 1)
        return pc.cast(byte_views(self.buffer, np.where(valid, first, 0), np.where(valid, after - first, 0)), pa.binary())

    def byte_offset(self, cp: np.ndarray) -> np.ndarray:
        """Byte offsets in the buffer of global code point offsets."""
        return cp + np.searchsorted(self.continuation_cp, cp, side="left")

    def source_index(self, source_id) -> np.ndarray:
        """Position of each source id in self.ids, -1 where unknown or null."""
        return pc.fill_null(pc.index_in(source_id, value_set=self.id_array), -1).to_numpy(zero_copy_only=False).astype(np.int64)

    def verify(self, source_index: np.ndarray, start: np.ndarray, end: np.ndarray, text: pa.ChunkedArray, offsets: bool = False):
        """True where 0 <= start < end <= text length and the span's text equals the article's characters.

        source_index: position of the row's source in self.ids, -1 if unknown; start/end: int64, nulls as -1.
        offsets=True: also return each span's first byte in self.buffer and its byte length (valid where True).
        """
        if not self.ids or len(self.buffer) >= 2**31:
            none = np.zeros(len(start), dtype=bool)  # nothing to compare with, or too big for views: checked one by one
            return (none, np.zeros(len(start), dtype=np.int64), np.zeros(len(start), dtype=np.int64)) if offsets else none
        known = source_index >= 0
        k = np.where(known, source_index, 0)
        in_bounds = known & (start >= 0) & (start < end) & (end <= self.length[k])
        # The span's bytes start at the byte offset of its first code point. If the text's bytes follow there and the
        # text has end - start code points, the article's characters [start:end] are the text: whole characters
        # that equal a UTF-8 string decode to it. So only start needs the (binary-search) offset conversion.
        bs = self.byte_offset(np.where(in_bounds, start, 0) + self.base[k])
        size = pc.fill_null(pc.binary_length(text), 0).to_numpy(zero_copy_only=False)
        code_points = pc.fill_null(pc.utf8_length(text), -1).to_numpy(zero_copy_only=False)
        fits = in_bounds & (code_points == end - start) & (bs + size <= self.byte_end[k])
        if fits.any():
            spans = byte_views(self.buffer, np.where(fits, bs, 0), np.where(fits, size, 0))
            equal = pc.equal(spans, pc.cast(pc.cast(text, pa.binary()), pa.binary_view()))
            fits &= pc.fill_null(equal, False).to_numpy(zero_copy_only=False)
        return (fits, bs, size) if offsets else fits


def first_copies(texts):
    """The bytes of each (bytes, sha256) whose sha256 comes for the first time: what a Texts buffer holds."""
    seen = set()
    for data, digest in texts:
        if digest not in seen:
            seen.add(digest)
            yield data


def _digests(encoded: list[bytes]) -> list[bytes]:
    import hashlib

    return [hashlib.sha256(b).digest() for b in encoded]


SENTENCES_AT_ONCE = 1 << 16  # sentences compared at a time by uncovered: its arrays per sentence stay that short


def uncovered(sentence_source: np.ndarray, sentence_start: np.ndarray, sentence_end: np.ndarray,
              span_source: np.ndarray, span_start: np.ndarray, span_end: np.ndarray) -> np.ndarray:
    """True for each sentence [start, end) of a source that no span [start, end) of the same source overlaps
    (overlap: span start < sentence end and span end > sentence start). Sources are numbered from 0; offsets >= 0.

    All at once, without a join: the spans are sorted by (source, start) and a running maximum of their ends is kept.
    A sentence is covered exactly when, among the spans of its source that start before its end, the largest end is
    past its start. Each (source, offset) pair is one integer, source * width + offset, so that one sort and one
    running maximum serve every source (a span of an earlier source always ranks lower). The sentences are looked
    up SENTENCES_AT_ONCE at a time: each of them is looked up on its own, and the temporary arrays of a long list
    (1.36 M sentences of 34,000 articles: six of 11 MB each) added to the peak of a large package.
    """
    if not len(sentence_source):
        return np.zeros(0, dtype=bool)
    if not len(span_source):
        return np.ones(len(sentence_source), dtype=bool)
    width = int(max(sentence_end.max(), 0)) + 2  # offsets are clipped into [0, width - 1], which keeps every comparison
    clip = lambda x: np.clip(x, 0, width - 1)  # noqa: E731
    start_key = span_source * width + clip(span_start)
    order = np.argsort(start_key, kind="stable")
    start_key = start_key[order]
    reach = np.maximum.accumulate((span_source * width + clip(span_end))[order])
    out = np.empty(len(sentence_source), dtype=bool)
    for lo in range(0, len(sentence_source), SENTENCES_AT_ONCE):
        part = slice(lo, lo + SENTENCES_AT_ONCE)
        base = sentence_source[part] * width
        before_end = np.searchsorted(start_key, base + sentence_end[part], side="left")
        best = reach[np.maximum(before_end - 1, 0)]
        out[part] = (before_end == 0) | (best <= base + sentence_start[part])
    return out
