"""Article texts: reading them exactly, locating spans, and splitting sentences for the coverage check."""

from __future__ import annotations

import re
from pathlib import Path


def read_text(path: Path) -> str:
    """The stored article text, decoded without newline translation (offsets are code points into this)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def find_all(text: str, needle: str) -> list[int]:
    hits, i = [], text.find(needle)
    while i >= 0:
        hits.append(i)
        i = text.find(needle, i + 1)
    return hits


# Characters that print alike: each maps to one plain character, so offsets stay the same under the mapping.
LOOK_ALIKE = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                            "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
                            "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
                            "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\t": " "})


def look_alike(text: str, needle: str) -> list[int]:
    """Where needle occurs in text when quote, dash and space characters are taken as equal (curly and straight
    quotes, en and em dashes and hyphens, non-breaking and plain spaces)."""
    return find_all(text.translate(LOOK_ALIKE), needle.translate(LOOK_ALIKE))


# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace, or at a line end.
_SENTENCE_END = re.compile(r"[.!?][”’\"')]*(?=\s)|\n")
# Abbreviations after which a full stop does not end a sentence.
_NO_BREAK_AFTER = ("U.N.", "U.S.", "Sat.", "Mr.", "Dr.", "St.")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of sentences; whitespace-only stretches are skipped, spans are stripped."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if m.group() != "\n" and text.endswith(_NO_BREAK_AFTER, 0, end):  # (not text[:end]: a copy per stop)
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        seg = text[s:e]
        stripped = seg.strip()
        if stripped:
            s2 = s + (len(seg) - len(seg.lstrip()))
            out.append((s2, s2 + len(stripped)))
    return out
