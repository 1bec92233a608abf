"""Normalize text for matching while remembering where every character came from.

Rules match against the normalized text; findings are reported against the
original. `NormalizedText.source_span` maps a normalized span back, so that
`original[start:end]` is exactly what the collector wrote, separators and all.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Characters that never carry meaning for matching (zero-width, BOM, soft hyphen).
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")

# Characters inserted between Han characters to dodge keyword filters: 坐-牢, 公*安, 爆 通 讯 录.
# Removed only when a Han character stands on both sides of the run; Chinese
# punctuation (，。、) is never among them, since it really separates words.
_SEPARATORS = frozenset(" \t\u3000-_*·•.~|/\\+=#^`'\"")


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


@dataclass(frozen=True)
class NormalizedText:
    text: str
    # For normalized character i: the source span [starts[i], ends[i]) it came from.
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalized span [start, end) to a span of the source text."""
        if end <= start:
            raise ValueError("empty span")
        return self.starts[start], self.ends[end - 1]


def _fold(ch: str) -> str:
    """Per-character folding: NFKC (full width → half width, compatibility forms), ASCII lower case."""
    if ch in _INVISIBLE or (unicodedata.category(ch) == "Cc" and ch not in "\n\t"):
        return ""
    folded = unicodedata.normalize("NFKC", ch)
    return folded.lower() if folded.isascii() else folded


def normalize(source: str) -> NormalizedText:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(source):
        for out in _fold(ch):
            chars.append(out)
            starts.append(i)
            ends.append(i + 1)
    keep = _drop_separators_between_han(chars)
    return NormalizedText(
        text="".join(c for c, k in zip(chars, keep) if k),
        starts=tuple(s for s, k in zip(starts, keep) if k),
        ends=tuple(e for e, k in zip(ends, keep) if k),
    )


def _drop_separators_between_han(chars: list[str]) -> list[bool]:
    keep = [True] * len(chars)
    i = 0
    n = len(chars)
    while i < n:
        if chars[i] in _SEPARATORS:
            j = i
            while j < n and chars[j] in _SEPARATORS:
                j += 1
            if i > 0 and j < n and is_han(chars[i - 1]) and is_han(chars[j]):
                for k in range(i, j):
                    keep[k] = False
            i = j
        else:
            i += 1
    return keep
