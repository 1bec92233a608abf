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
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

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
# radicals (⼈), CJK compatibility ideographs, the rest of the half- and full-width forms
# (￥3000: without it a text with one full-width yen sign took the character walk).
_SINGLE_FOLD_BLOCKS = (range(0x2460, 0x2500), range(0x2E80, 0x2FE0), range(0xF900, 0xFB00),
                       range(0xFF5F, 0xFFF0))
for _block in _SINGLE_FOLD_BLOCKS:
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
# Fold the table's outputs too (the radical ⾞ is NFKC 車, itself traditional: 车), so
# that no output is folded again: one lookup a character gives the final form, as the
# character walk does, and replacements can be applied in any order.
_FAST_TABLE = {c: out.translate(_FAST_TABLE) for c, out in _FAST_TABLE.items()}

# Characters the character walk drops: invisible ones and control characters other than
# \n, \r and \t. The fast path cuts them out like separators; emoji sequences
# (👨‍👩‍👧) and pasted text carry zero-width joiners, and one should not send a long
# transcript down the character walk.
def _dropped(ch: str) -> bool:
    return ch in _INVISIBLE or (unicodedata.category(ch) == "Cc" and ch not in "\n\t\r")


# Control characters (category Cc) all lie below U+00A0.
_DROPPED_CHARS = "".join(sorted(_INVISIBLE)) + "".join(ch for ch in map(chr, range(0xA0)) if _dropped(ch))
_DROPPED = re.compile(f"[{re.escape(_DROPPED_CHARS)}]+")

# The fold of the fast path is `source.translate(_FAST_TABLE)`, computed faster: the
# translation looks up every character in a dict (~90 ns a character), yet in nearly all
# text the only characters it changes are a few full-width punctuation marks, replaced
# with C-level `str.replace`, and a handful of others (ASCII capitals, the odd traditional
# character), which one search finds (a set lookup while the process is young, then a
# regular expression; see _special_characters). Table outputs are never table inputs, so
# the order of replacements does not matter. The same search tells whether the text holds
# characters to drop.
_COMMON_FULL_WIDTH = tuple((ch, _FAST_TABLE[ord(ch)]) for ch in "，：？！；（）")
_OTHERS = sorted(chr(c) for c in _FAST_TABLE if chr(c) not in dict(_COMMON_FULL_WIDTH))
# A process finds the same characters in its first _LOOKUP_CHARS characters by a set
# intersection instead (about ten times slower a character than the expression's search,
# but compiling the expression takes ~3 ms, a noticeable part of a cold scan of one message).
_LOOKUP_CHARS = 20_000
_FOLDABLE = frozenset(_OTHERS)
_DROPPABLE = frozenset(_DROPPED_CHARS)
_SURROGATES = frozenset(map(chr, range(0xD800, 0xE000)))
_LOOKED_FOR = _FOLDABLE | _DROPPABLE | _SURROGATES
_looked_up = 0
# Each foldable character is replaced by a pass of str.replace over the whole text; with
# more distinct ones than this, one translation of the text (~90 ns a character) is cheaper.
_MAX_REPLACED = 64


@lru_cache(maxsize=1)
def _special_class() -> re.Pattern[str]:
    """One character class of the foldable and droppable characters of the Basic
    Multilingual Plane, lone surrogates, and every character beyond the plane (the few
    foldable ones there are told apart from emoji afterwards). `re` compiles a class of
    BMP characters to a bitmap: its search takes ~1 ns a character, where a class that
    lists characters beyond the plane is tested item by item (~60 ns), and an Aho–Corasick
    automaton of the same characters searches at ~11 ns."""
    bmp = "".join(re.escape(ch) for ch in sorted(_FOLDABLE | _DROPPABLE) if ord(ch) <= 0xFFFF)
    return re.compile(rf"[{bmp}\ud800-\udfff\U00010000-\U0010ffff]")


def fold_fast(source: str) -> str:
    """Exactly `source.translate(_FAST_TABLE)`."""
    return _fold_and_look(source)[0]


def _fold_and_look(source: str) -> tuple[str, bool | None]:
    """`source.translate(_FAST_TABLE)`, and whether it holds characters to drop (None:
    it holds lone surrogates, which only the character walk handles)."""
    found = _special_characters(source)
    if found is None:
        return source.translate(_FAST_TABLE), None
    others, has_dropped = found
    if others is None:  # too many to replace one by one
        return source.translate(_FAST_TABLE), has_dropped
    folded = source
    for ch, replacement in _COMMON_FULL_WIDTH:
        if ch in folded:
            folded = folded.replace(ch, replacement)
    for ch in others:
        folded = folded.replace(ch, _FAST_TABLE[ord(ch)])
    return folded, has_dropped


def _special_characters(source: str) -> tuple[set[str] | None, bool] | None:
    """The foldable characters of `source` other than the common full-width punctuation
    (None when there are many) and whether it holds characters to drop; None if it holds
    lone surrogates."""
    global _looked_up
    if _looked_up + len(source) <= _LOOKUP_CHARS:
        _looked_up += len(source)
        chars = _LOOKED_FOR.intersection(source)
    else:
        _looked_up = _LOOKUP_CHARS + 1  # no longer young: searched from now on
        chars = set(_special_class().findall(source))
    if not chars:
        return chars, False
    if not chars.isdisjoint(_SURROGATES):
        return None
    others = chars & _FOLDABLE
    return (others if len(others) <= _MAX_REPLACED else None), not chars.isdisjoint(_DROPPABLE)


# A run of separators between two Han characters. Written to start with the separator
# class, the Han character before it checked by a look-behind after the first separator:
# `re` then skips ahead to the next separator in C instead of trying every position
# (2.5x faster than `(?<=Han)[…]+(?=Han)` on Chinese text, with the same matches;
# Python's `re` is faster than `regex` at these simple classes and fixed-width look-arounds).
_SEP = f"[{_SEPARATOR_CLASS}\u3000 ]"
_SEPARATOR_RUN_PATTERN = rf"{_SEP}(?<=[{_HAN}]{_SEP}){_SEP}*(?=[{_HAN}])"
# What the pattern can start with, after folding: text without any of these has no run, and
# the pattern need not be compiled for it (5 ms of a cold scan).
_SEPARATOR_STARTS = frozenset(_SEPARATORS)  # the characters of _SEP


@lru_cache(maxsize=1)
def _separator_run() -> re.Pattern[str]:
    return re.compile(_SEPARATOR_RUN_PATTERN)


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


class NormalizedText:
    """The normalized text and a piecewise map back to the source.

    Segment k covers normalized offsets [norm[k], norm[k+1]). In a linear segment
    (step 1) normalized offset i came from source offset src[k] + (i - norm[k]); in a
    fixed segment (step 0: one source character that NFKC made several, or a spelling
    variant replaced by its standard form) every character came from the source span
    [src[k], src[k] + width[k]).

    The map may be built on first use (`deferred`): most documents of a batch have no
    candidate sentence, and never ask where a character came from.
    """

    __slots__ = ("text", "_map", "_build", "_words")

    def __init__(self, text: str, norm: tuple[int, ...] = (0,), src: tuple[int, ...] = (0,),
                 step: tuple[int, ...] = (1,), width: tuple[int, ...] = ()) -> None:
        self.text = text
        self._map: tuple[tuple[int, ...], ...] | None = (norm, src, step, width)
        self._build: Callable[[], tuple[tuple[int, ...], ...]] | None = None
        self._words: tuple[tuple[int, int], ...] = ()

    @classmethod
    def deferred(cls, text: str, build: Callable[[], tuple[tuple[int, ...], ...]]) -> NormalizedText:
        """`text` with a map that `build()` returns as (norm, src, step, width) when needed."""
        obj = cls(text)
        obj._map, obj._build = None, build
        return obj

    def with_text(self, text: str, words: tuple[tuple[int, int], ...] = ()) -> NormalizedText:
        """This text's map for `text`, a text of the same length whose every character
        stands where this one's does (a one-for-one replacement). `words`: the spans,
        in order, where a word of several characters replaced one of as many (屋企 →
        家里); a span that takes part of one is reported with all of it."""
        obj = NormalizedText(text)
        obj._map, obj._build, obj._words = self._map, self._build, words
        return obj

    @property
    def words(self) -> tuple[tuple[int, int], ...]:
        """See with_text."""
        return self._words

    @property
    def identity(self) -> bool:
        """Every normalized offset is its source offset (the text was folded character
        for character, nothing cut or expanded)."""
        return self._map is not None and self._map[:3] == ((0,), (0,), (1,))

    def _segments(self) -> tuple[tuple[int, ...], ...]:
        if self._map is None:
            self._map = self._build()  # type: ignore[misc]
            self._build = None
        return self._map

    @property
    def segments(self) -> tuple[tuple[int, ...], ...]:
        """(norm, src, step, width), as described above."""
        return self._segments()

    @property
    def norm(self) -> tuple[int, ...]:
        return self._segments()[0]

    @property
    def src(self) -> tuple[int, ...]:
        return self._segments()[1]

    @property
    def step(self) -> tuple[int, ...]:
        return self._segments()[2]

    @property
    def width(self) -> tuple[int, ...]:
        """Per segment; empty means 1 everywhere."""
        return self._segments()[3]

    def __repr__(self) -> str:
        norm, src, step, width = self._segments()
        return f"NormalizedText(text={self.text!r}, norm={norm}, src={src}, step={step}, width={width})"

    def source_offset(self, i: int) -> int:
        norm, src, step, _ = self._segments()
        k = bisect_right(norm, i) - 1
        return src[k] + (i - norm[k]) * step[k]

    def source_end(self, i: int) -> int:
        """End (exclusive) of the source span normalized character i came from."""
        norm, src, step, width = self._segments()
        k = bisect_right(norm, i) - 1
        if step[k] or not width:
            return src[k] + (i - norm[k]) * step[k] + 1
        return src[k] + width[k]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalized span [start, end) to a span of the source text."""
        if end <= start:
            raise ValueError("empty span")
        if self._words:
            start, end = self._whole_words(start, end)
        return self.source_offset(start), self.source_end(end - 1)

    def _whole_words(self, start: int, end: int) -> tuple[int, int]:
        """[start, end) widened to the whole of a replaced word it takes part of (去你家
        of 去你屋企门口 is 去你屋企, not 去你屋)."""
        words = self._words
        # the last word that starts at or before start, then the same for end
        k = bisect_right(words, (start, len(self.text))) - 1
        if k >= 0 and words[k][0] < start < words[k][1]:
            start = words[k][0]
        k = bisect_right(words, (end, len(self.text))) - 1
        if k >= 0 and words[k][0] < end < words[k][1]:
            end = words[k][1]
        return start, end

    def normalized_offset(self, source_offset: int) -> int:
        """The first normalized offset that comes from `source_offset` or later."""
        norm, src, step, _ = self._segments()
        k = bisect_right(src, source_offset) - 1
        if k < 0:
            return 0
        seg_end = norm[k + 1] if k + 1 < len(norm) else len(self.text)
        if step[k]:
            offset = norm[k] + (source_offset - src[k])
            return offset if offset < seg_end else seg_end
        return norm[k] if source_offset == src[k] else seg_end


# A text at least this long that the fast path cannot take is normalized line by line:
# its few lines with a character NFKC expands (‼, ㎏, ½) take the character walk, the
# others the fast path.
_BY_LINE_FROM = 1_000


def normalize(source: str) -> NormalizedText:
    long = len(source) >= _BY_LINE_FROM and "\n" in source
    return _normalize(source, _by_line if long else _normalize_slowly)


def _normalize(source: str, otherwise: Callable[[str], NormalizedText]) -> NormalizedText:
    """The fast path, or `otherwise(source)` for a text it cannot take."""
    folded, has_dropped = _fold_and_look(source)
    if has_dropped is None:
        return otherwise(source)
    kept = _DROPPED.sub("", folded) if has_dropped else folded
    probe = kept.replace("…", "") if "…" in kept else kept
    if not unicodedata.is_normalized("NFKC", probe):
        return otherwise(source)
    # While the process is young (see _special_characters), a text without separators spares
    # compiling the pattern; after that, the search costs less than the test, and much less
    # than a substitution that finds nothing to cut (it copies the text).
    if _looked_up <= _LOOKUP_CHARS and _SEPARATOR_STARTS.isdisjoint(kept):
        text = kept
    elif _separator_run().search(kept) is None:
        text = kept
    else:
        text = _separator_run().sub("", kept)
    if len(text) == len(folded):
        return NormalizedText(folded)
    return NormalizedText.deferred(text, lambda: _cut_map(folded, kept))


def _by_line(source: str) -> NormalizedText:
    """`_normalize_slowly(source)`, line by line: no step of normalization reaches across a
    line break (separators and dropped characters are never \\n, nor does NFKC compose
    across it), so each line is normalized alone and their maps are joined. (Neither
    path gives segments a width: a character NFKC expands comes from one character.)"""
    texts: list[str] = []
    seg_norm: list[int] = []
    seg_src: list[int] = []
    seg_step: list[int] = []
    start = length = 0
    for line in _lines(source):
        part = _normalize(line, _normalize_slowly)
        norm, src, step, _ = part.segments
        for k in range(len(norm)):
            at, origin = length + norm[k], start + src[k]
            if at == length + (norm[k + 1] if k + 1 < len(norm) else len(part.text)):
                continue  # nothing of this line's text
            if step[k] and seg_step and seg_step[-1] and seg_src[-1] + at - seg_norm[-1] == origin:
                continue  # goes on from the segment before
            seg_norm.append(at)
            seg_src.append(origin)
            seg_step.append(step[k])
        texts.append(part.text)
        start += len(line)
        length += len(part.text)
    if not seg_norm:
        return NormalizedText("".join(texts))
    return NormalizedText("".join(texts), tuple(seg_norm), tuple(seg_src), tuple(seg_step))


def _lines(source: str) -> list[str]:
    """The lines of `source`, each with its \\n."""
    lines = source.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def _cut_map(folded: str, kept: str) -> tuple[tuple[int, ...], ...]:
    """The map of `folded` with dropped characters and separator runs between Han
    characters (spaces in ASR output, 坐-牢) cut out: each cut starts a new linear segment."""
    norm, src = [0], [0]
    removed = 0
    for start, end in _cuts(folded, kept):
        if start == 0:
            src[0] = end
        else:
            norm.append(start - removed)
            src.append(end)
        removed += end - start
    return tuple(norm), tuple(src), (1,) * len(norm), ()


def _cuts(folded: str, kept: str) -> list[tuple[int, int]]:
    """The spans of `folded` that normalization cuts, in order, adjacent ones joined.
    Separator runs are found in `kept` (dropped characters already gone, as the character
    walk sees the text) and carried back to offsets of `folded`."""
    if kept is folded:
        return [m.span() for m in _separator_run().finditer(folded)]
    dropped = [m.span() for m in _DROPPED.finditer(folded)]
    # kept offset → folded offset: add the length of the dropped runs before it.
    kept_at, shift = [], [0]
    for start, end in dropped:
        kept_at.append(start - shift[-1])
        shift.append(shift[-1] + end - start)

    def in_folded(i: int) -> int:
        return i + shift[bisect_right(kept_at, i)]

    separators = [(in_folded(m.start()), in_folded(m.end() - 1) + 1) for m in _separator_run().finditer(kept)]
    cuts: list[tuple[int, int]] = []
    for start, end in sorted(dropped + separators):
        if cuts and start <= cuts[-1][1]:
            cuts[-1] = (cuts[-1][0], max(end, cuts[-1][1]))
        else:
            cuts.append((start, end))
    return cuts


def _fold(ch: str) -> str:
    """Per-character folding: NFKC, ASCII lower case; invisible and control characters vanish."""
    if _dropped(ch):
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
