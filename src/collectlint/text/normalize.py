"""Normalize text for matching while remembering where every character came from.

Rules match against the normalized text; findings are reported against the
original. `NormalizedText.source_span` maps a normalized span back, so that
`original[start:end]` is exactly what the collector wrote, separators and all.

Steps: NFKC (full-width letters, digits and punctuation become ASCII), ASCII lower
case, traditional characters to simplified (還錢 → 还钱), invisible characters dropped,
and separators inserted between Han characters to dodge filters (坐-牢, 公*安,
爆 通 讯 录) removed. Typical text takes a fast path
of C-level string operations; only text that needs it is walked character by character.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

import regex

# Kept as they are although NFKC would expand them: … ends a sentence (NFKC makes it
# "...", and ASCII dots do not end sentences: 1.5万).
_KEEP = frozenset("…")
# Characters that never carry meaning for matching (zero-width, BOM, soft hyphen).
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")

# Inserted between Han characters to dodge keyword filters. Removed only when a Han
# character stands on both sides of the run; Chinese punctuation (，。、) is never among
# them, since it really separates words, nor are quotation marks, which tell reported
# speech (您说的"坐牢") from the collector's own words.
_SEPARATORS = frozenset(" \t\u3000-_*·•.~|/\\+=#^`")
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SEPARATOR_CLASS = "".join("\\" + c if c in "-\\^]" else c for c in sorted(_SEPARATORS - {"\u3000"}))

# One-to-one foldings that cover almost all real text: full-width ASCII forms, the
# ideographic space and ASCII capitals. Text that is NFKC-normalized after these, and
# has nothing else to drop, maps to itself character for character.
_FAST_TABLE = {0x3000: " ", **{c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}}
_FAST_TABLE.update({c: chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})
_FAST_TABLE.update({c + 0xFEE0: chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})
# Blocks whose NFKC forms are single characters: enclosed digits (①), Kangxi and CJK
# radicals (⼈), CJK compatibility ideographs.
for _block in (range(0x2460, 0x2500), range(0x2E80, 0x2FE0), range(0xF900, 0xFB00)):
    for _c in _block:
        _n = unicodedata.normalize("NFKC", chr(_c))
        if len(_n) == 1 and _n != chr(_c):
            _FAST_TABLE[_c] = _n.lower() if _n.isascii() else _n


def _traditional_to_simplified() -> dict[int, str]:
    """Character-level traditional → simplified table (還錢 → 还钱, 讓 → 让), from the
    OpenCC dictionary shipped by opencc-python-reimplemented. Only one-to-one character
    mappings, so offsets stay put; where OpenCC offers several, the first is taken."""
    spec = importlib.util.find_spec("opencc")
    if spec is None or spec.origin is None:
        raise ImportError("collectlint needs the package opencc-python-reimplemented")
    path = Path(spec.origin).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        trad, _, simplified = line.partition("\t")
        first = simplified.split(" ")[0]
        if len(trad) == 1 and len(first) == 1 and first != trad:
            table[ord(trad)] = first
    return table


_TRADITIONAL = _traditional_to_simplified()
_FAST_TABLE.update(_TRADITIONAL)

# After the table: characters only the character walk handles.
_NEEDS_SLOW_PATH = regex.compile(rf"[{''.join(_INVISIBLE)}\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SEPARATOR_RUN = regex.compile(rf"(?<=[{_HAN}])[{_SEPARATOR_CLASS}\u3000 ]+(?=[{_HAN}])")


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


@dataclass(frozen=True)
class NormalizedText:
    """The normalized text and a piecewise map back to the source.

    Segment k covers normalized offsets [norm[k], norm[k+1]). In a linear segment
    (step 1) normalized offset i came from source offset src[k] + (i - norm[k]); in a
    fixed segment (step 0: one source character that NFKC made several, or a spelling
    variant replaced by its standard form) every character came from the source span
    [src[k], src[k] + width[k]).
    """

    text: str
    norm: tuple[int, ...]
    src: tuple[int, ...]
    step: tuple[int, ...]
    width: tuple[int, ...] = ()  # per segment; empty means 1 everywhere

    def source_offset(self, i: int) -> int:
        k = bisect_right(self.norm, i) - 1
        return self.src[k] + (i - self.norm[k]) * self.step[k]

    def source_end(self, i: int) -> int:
        """End (exclusive) of the source span normalized character i came from."""
        k = bisect_right(self.norm, i) - 1
        if self.step[k] or not self.width:
            return self.source_offset(i) + 1
        return self.src[k] + self.width[k]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalized span [start, end) to a span of the source text."""
        if end <= start:
            raise ValueError("empty span")
        return self.source_offset(start), self.source_end(end - 1)

    def normalized_offset(self, source_offset: int) -> int:
        """The first normalized offset that comes from `source_offset` or later."""
        k = bisect_right(self.src, source_offset) - 1
        if k < 0:
            return 0
        seg_end = self.norm[k + 1] if k + 1 < len(self.norm) else len(self.text)
        if self.step[k]:
            return min(self.norm[k] + (source_offset - self.src[k]), seg_end)
        return self.norm[k] if source_offset == self.src[k] else seg_end


def normalize(source: str) -> NormalizedText:
    folded = source.translate(_FAST_TABLE)
    probe = folded.replace("…", "") if "…" in folded else folded
    if not unicodedata.is_normalized("NFKC", probe) or _NEEDS_SLOW_PATH.search(folded):
        return _normalize_slowly(source)
    runs = [m.span() for m in _SEPARATOR_RUN.finditer(folded)]
    if not runs:
        return NormalizedText(folded, (0,), (0,), (1,))
    # Separators between Han characters (spaces in ASR output, 坐-牢): cut them out;
    # each cut starts a new linear segment.
    pieces, norm, src = [], [0], [0]
    kept = 0
    prev = 0
    for start, end in runs:
        pieces.append(folded[prev:start])
        kept += start - prev
        norm.append(kept)
        src.append(end)
        prev = end
    pieces.append(folded[prev:])
    return NormalizedText("".join(pieces), tuple(norm), tuple(src), (1,) * len(norm))


def _fold(ch: str) -> str:
    """Per-character folding: NFKC, ASCII lower case; invisible and control characters vanish."""
    if ch in _INVISIBLE or (unicodedata.category(ch) == "Cc" and ch not in "\n\t\r"):
        return ""
    if ch in _KEEP:
        return ch
    if "\ud800" <= ch <= "\udfff":  # a lone surrogate (from a JSON escape): not text
        return "\ufffd"
    folded = unicodedata.normalize("NFKC", ch)
    if folded.isascii():
        return folded.lower()
    return folded.translate(_TRADITIONAL)


def _normalize_slowly(source: str) -> NormalizedText:
    chars: list[str] = []
    origin: list[int] = []  # source offset of each normalized character
    expanded: list[bool] = []  # part of a one-to-many expansion
    for i, ch in enumerate(source):
        out = _fold(ch)
        for piece in out:
            chars.append(piece)
            origin.append(i)
            expanded.append(len(out) > 1)
    keep = _drop_separators_between_han(chars)
    text: list[str] = []
    norm: list[int] = []
    src: list[int] = []
    step: list[int] = []
    for ch, o, exp, k in zip(chars, origin, expanded, keep):
        if not k:
            continue
        i = len(text)
        text.append(ch)
        if exp:
            if not (step and step[-1] == 0 and src[-1] == o):
                norm.append(i)
                src.append(o)
                step.append(0)
        elif not (step and step[-1] == 1 and src[-1] + (i - norm[-1]) == o):
            norm.append(i)
            src.append(o)
            step.append(1)
    if not norm:
        norm, src, step = [0], [0], [1]
    return NormalizedText("".join(text), tuple(norm), tuple(src), tuple(step))


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
