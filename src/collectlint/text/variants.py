"""Spelling variants used to dodge keyword filters — pinyin and homophones for the key
terms (zuo牢, 法yuan, jing察, 暴通讯录) — replaced by their standard form after
normalization, with the offset map extended so findings still point at what was
written. The table comes from the rule pack (variants.yaml)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property

import ahocorasick_rs

from collectlint.text.normalize import NormalizedText, normalize

_QUANTIFIERS = frozenset("?*+{")


class VariantTable:
    def __init__(self, standard_forms: Mapping[str, list[str] | tuple[str, ...]]) -> None:
        pairs = {normalize(v).text: normalize(std).text
                 for std, variants in standard_forms.items() for v in variants}
        self._pairs = sorted((v, std) for v, std in pairs.items() if v)
        self.size = len(self._pairs)
        self.spellings = tuple(v for v, _ in self._pairs)  # normalized, as they are searched
        # A word listed as a spelling of itself is read as written, and the spellings inside
        # it are not replaced: 伊拉克 and 木乃伊 keep the 伊 that Wu speech says for 他.
        self._shielding = frozenset(i for i, (v, std) in enumerate(self._pairs) if v == std)
        # One character for another (恁 → 你, 唔 → 不), and longer spellings: see respell_pattern.
        self._letters = {ord(v): std for v, std in self._pairs if len(v) == 1 and len(std) == 1 and v != std}
        self._words = {v: std for v, std in self._pairs if len(v) > 1 or len(std) > 1}

    @property
    def shields(self) -> frozenset[str]:
        """The words read as written (see _shielding)."""
        return frozenset(self._pairs[i][0] for i in self._shielding)

    @cached_property
    def _words_re(self) -> re.Pattern[str] | None:
        """The longer spellings, longest first: an alternation tries its branches in order,
        so this finds the leftmost-longest spelling, as `choose` does in the text. Only
        the loader needs it, so a scan that loads the pack from the cache never compiles it."""
        longest_first = sorted(self._words, key=len, reverse=True)
        return re.compile("|".join(map(re.escape, longest_first))) if self._words else None

    def respell(self, term: str) -> str:
        """A rule's term as it can meet the text: normalized, and its spellings replaced by
        their standard forms as in the text (唔会 → 不会, 唔使 → 不用, 佢欠咗 → 他欠了)."""
        return self.apply(normalize(term)).text

    def respell_pattern(self, pattern: str) -> str:
        """A rule's regular expression as it can meet the text: the spellings written whole
        in it (唔使, gongan) replaced by their standard forms, then every one-character
        spelling, which stands for the same character inside alternations and classes too
        (佢 → 他 in `(?:他|佢)`, 唔 → 不 in `[不唔]`). A longer spelling split by the
        pattern's syntax (`唔(?:使|好)`) is not seen: write it whole, or in standard form.
        Nor is one whose last character a quantifier makes optional (`乜嘢?`, `啥子?`: 乜 or
        乜嘢): replaced whole, it would lose the shorter word (什么? matches no 乜)."""
        if self._words_re is None:
            return pattern.translate(self._letters)
        # The one-character spellings are translated between the longer ones only: a word
        # read as written (伊拉克) keeps its characters.
        parts, prev = [], 0
        for m in self._words_re.finditer(pattern):
            if pattern[m.end():m.end() + 1] in _QUANTIFIERS:
                continue  # read as its characters, with the text before it
            parts += (pattern[prev:m.start()].translate(self._letters), self._words[m.group()])
            prev = m.end()
        parts.append(pattern[prev:].translate(self._letters))
        return "".join(parts)

    @cached_property
    def _automaton(self) -> ahocorasick_rs.AhoCorasick | None:
        """Built on first use, and again after unpickling (the automaton does not pickle)."""
        if not self._pairs:
            return None
        return ahocorasick_rs.AhoCorasick(list(self.spellings), implementation=ahocorasick_rs.Implementation.DFA)

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_automaton", None)
        state.pop("_words_re", None)
        return state

    def apply(self, norm: NormalizedText) -> NormalizedText:
        automaton = self._automaton
        if automaton is None:
            return norm
        found = automaton.find_matches_as_indexes(norm.text, overlapping=True)
        return self.replace(norm, [(start, end, i) for i, start, end in found])

    def replace(self, norm: NormalizedText, found: list[tuple[int, int, int]]) -> NormalizedText:
        """`norm` with the spellings `found` in it — (start, end, index in `spellings`),
        overlapping ones too — replaced: leftmost, then longest, without overlaps."""
        return self.replace_chosen(norm, self.choose(found))

    def choose(self, found: list[tuple[int, int, int]]) -> list[tuple[int, int, str]]:
        """The replacements `replace` makes: (start, end, standard form), in order. A word
        read as written takes its place among them and is then left out."""
        chosen: list[tuple[int, int, str]] = []
        taken_to = -1
        shielding = self._shielding
        for start, end, i in sorted(found, key=lambda f: (f[0], -f[1])):
            if start >= taken_to:
                taken_to = end
                if i not in shielding:
                    chosen.append((start, end, self._pairs[i][1]))
        return chosen

    @staticmethod
    def replace_chosen(norm: NormalizedText, chosen: list[tuple[int, int, str]]) -> NormalizedText:
        if not chosen:
            return norm
        if in_place(chosen):
            # Character for character (恁 → 你, 阿拉 → 我们): the offsets stay as they are,
            # and the map (often not built yet) serves the new text as it is.
            parts, prev = [], 0
            for start, end, standard in chosen:
                parts += (norm.text[prev:start], standard)
                prev = end
            parts.append(norm.text[prev:])
            words = tuple((start, end) for start, end, _ in chosen if end - start > 1)
            return norm.with_text("".join(parts), tuple(sorted(norm.words + words)))
        return _replace(norm, chosen)


def in_place(chosen: list[tuple[int, int, str]]) -> bool:
    """Every replacement has the length of what it replaces."""
    return all(end - start == len(standard) for start, end, standard in chosen)


def _replace(norm: NormalizedText, spans: list[tuple[int, int, str]]) -> NormalizedText:
    """`norm` with each span (start, end, standard form), in order and apart, replaced by
    its standard form: the text between them keeps its segments (clipped and shifted), each
    replacement becomes one fixed segment from the source span it replaces. One walk over
    the segments, however many spans: a long text may have thousands of both."""
    old_norm, old_src, old_step, old_width = norm.segments
    widths = old_width or (1,) * len(old_norm)
    count, text_end = len(old_norm), len(norm.text)
    parts: list[str] = []
    seg_norm: list[int] = []
    seg_src: list[int] = []
    seg_step: list[int] = []
    seg_width: list[int] = []
    length = 0  # of the new text so far
    k = 0  # the old segment where the next stretch to copy starts (stretches come in order)

    def copy(a: int, b: int) -> None:
        """Old normalized text [a, b) unchanged: its segments, clipped and shifted."""
        nonlocal length, k
        if a >= b:
            return
        while k + 1 < count and old_norm[k + 1] <= a:
            k += 1
        j = k
        while j < count and old_norm[j] < b:
            j_end = old_norm[j + 1] if j + 1 < count else text_end
            lo, hi = max(a, old_norm[j]), min(b, j_end)
            if lo < hi:
                seg_norm.append(length + lo - a)
                seg_src.append(old_src[j] + (lo - old_norm[j]) * old_step[j])
                seg_step.append(old_step[j])
                seg_width.append(widths[j])
            j += 1
        parts.append(norm.text[a:b])
        length += b - a

    prev = 0
    for start, end, standard in spans:
        copy(prev, start)
        seg_norm.append(length)
        src_start = norm.source_offset(start)
        seg_src.append(src_start)
        seg_step.append(0)
        seg_width.append(norm.source_end(end - 1) - src_start)
        parts.append(standard)
        length += len(standard)
        prev = end
    copy(prev, text_end)
    return NormalizedText("".join(parts), tuple(seg_norm), tuple(seg_src), tuple(seg_step),
                          tuple(seg_width))
