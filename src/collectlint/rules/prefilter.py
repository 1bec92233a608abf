"""One Aho–Corasick pass over a document finds the trigger literals of all rules; a rule
is a candidate for an utterance only where one of its triggers occurs.

A rule's trigger is its most selective literal group: of 爆 + 你 + 通讯录 only 通讯录
is searched for, since a group of common words (我们, 你, 就) would make nearly every
sentence a candidate. The other groups are checked by the matcher itself.

ahocorasick_rs (a compiled automaton) does the multi-pattern search: one pass over the text
whatever the number of rules, which a loop of `str.find` per term cannot match.
"""

from __future__ import annotations

from collections.abc import Iterable, KeysView, Sequence
from functools import cached_property
from operator import itemgetter
from typing import TYPE_CHECKING

import ahocorasick_rs

from collectlint.rules.literals import selectivity
from collectlint.rules.matchers.base import Selection, runnable_alternatives, satisfied
from collectlint.text.variants import in_place

_UNKNOWN = object()
# (pattern index, start, end) by end and, at the same end, the longest first
_BY_END_LONGEST_FIRST = itemgetter(2, 1)
# Candidate utterances after which the unsearched literals are searched once for all
# rules (see Prefilter._others) rather than by each rule.
_SHARED_SEARCH_AFTER = 500
# Characters a process searches by looking up their substrings before it builds the
# automaton: building it takes 40-60 ms, about what the lookup spends on 5,000-10,000
# characters (the automaton searches them in under 1 ms). A scan of one short message
# never builds it.
_LOOKUP_CHARS = 5_000

if TYPE_CHECKING:
    from collectlint.rules.loader import CompiledRule
    from collectlint.text.normalize import NormalizedText
    from collectlint.text.variants import VariantTable


def _most_selective(groups: tuple[frozenset[str], ...]) -> frozenset[str]:
    """The rarest group. Most rules have one (ranking sums the shares of thousands of
    literals, at every start of a process); a regex rule with a `literals:` list offers
    that list and the set derived from its pattern."""
    return groups[0] if len(groups) == 1 else max(groups, key=selectivity)


class Prefilter:
    def __init__(self, rules: Sequence[CompiledRule], variants: VariantTable | None = None) -> None:
        self.rules = tuple(rules)
        # Indexes of the rules that read words; metadata rules are not the prefilter's.
        self.text_rules = tuple(i for i, r in enumerate(self.rules) if r.matcher is not None)
        self.ungated = tuple(i for i in self.text_rules if not self.rules[i].matcher.literals)  # type: ignore[union-attr]
        self.triggers: dict[int, frozenset[str]] = {
            i: _most_selective(self.rules[i].matcher.literals)  # type: ignore[union-attr]
            for i in self.text_rules if self.rules[i].matcher.literals  # type: ignore[union-attr]
        }
        self._rules_by_literal: dict[str, set[int]] = {}
        for i, trigger in self.triggers.items():
            for literal in trigger:
                self._rules_by_literal.setdefault(literal, set()).add(i)
        self.literals = frozenset(self._rules_by_literal)
        self._selections: dict[int, Selection | None] = {}
        self._utterances_selected = 0
        self._patterns = sorted(self._rules_by_literal)
        # The spelling variants (zuo牢) ride in the same automaton, after the literals:
        # a document that has none, nearly every one, is searched once, not twice.
        self._variants = variants if variants is not None and variants.size else None
        spellings = sorted(set(self._variants.spellings) - self.literals) if self._variants else []
        self._searchable = self._patterns + spellings
        # Automaton pattern index → index of the spelling it is (some are trigger literals too).
        self._spelling_at: dict[int, int] = {}
        if self._variants is not None:
            spelling_index = {v: j for j, v in enumerate(self._variants.spellings)}
            self._spelling_at = {i: spelling_index[p] for i, p in enumerate(self._searchable)
                                 if p in spelling_index}
        self._automaton: ahocorasick_rs.AhoCorasick | None = None  # built when worth it
        self._looked_up = 0  # characters searched without it
        self._index: tuple[dict[str, int], tuple[int, ...]] | None = None

    # The pack cache stores a loaded pack with its prefilter: working out the ~25,000
    # trigger literals is ~0.06 s of a cold one-message scan. The automaton does not pickle
    # and is built again when worth it; what a scan has filled in starts afresh.
    _SCAN_STATE = ("_automaton", "_selections", "_utterances_selected", "_others", "_looked_up", "_index")

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k not in self._SCAN_STATE}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._automaton, self._selections, self._utterances_selected = None, {}, 0
        self._looked_up, self._index = 0, None

    def prepare(self, norm: NormalizedText) -> tuple[NormalizedText, list[tuple[int, str]]]:
        """The text with its spelling variants replaced by their standard forms, and every
        occurrence (overlapping ones too) of every trigger literal in it: (start, literal)."""
        found = self._search(norm.text)
        if self._spelling_at:
            spelling_at = self._spelling_at
            spellings = [(start, end, spelling_at[i])
                         for i, start, end in found if i in spelling_at]
            chosen = self._variants.choose(spellings) if spellings else None  # type: ignore[union-attr]
            if chosen:  # the text is searched again once they are replaced
                replaced = self._variants.replace_chosen(norm, chosen)  # type: ignore[union-attr]
                if in_place(chosen):
                    found = self._search_again(replaced.text, found, chosen)
                else:
                    found = self._search(replaced.text)
                norm = replaced
        return norm, self._literals(found)

    def _search_again(self, text: str, found: list[tuple[int, int, int]],
                      chosen: list[tuple[int, int, str]]) -> list[tuple[int, int, int]]:
        """`_search(text)` after replacements of the same length (恁 → 你, 唔 → 不): what
        the first search found away from them stands, and only the stretch from the first
        to the last, widened by the longest literal, is searched again. A hit that starts
        before the stretch ends before the first replacement, and one that ends after it
        starts after the last (no literal is longer than the widening), so neither can
        have changed. On the benchmark's corpus this finds the same hits as searching around
        each replacement, at the same speed (the prefilter pass: 71 ms per 1 M characters
        either way)."""
        reach = self._longest - 1
        lo, hi = max(0, chosen[0][0] - reach), min(len(text), chosen[-1][1] + reach)
        kept = [hit for hit in found if hit[1] < lo or hit[2] > hi]
        kept += [(i, lo + a, lo + b) for i, a, b in self._search(text[lo:hi])]
        kept.sort(key=_BY_END_LONGEST_FIRST)  # the automaton's order
        return kept

    @cached_property
    def _longest(self) -> int:
        return max(map(len, self._searchable), default=1)

    def _search(self, text: str) -> list[tuple[int, int, int]]:
        """(pattern index, start, end) of every occurrence, overlapping ones too, ordered
        by end and, at the same end, longest first (as the automaton reports them)."""
        if self._automaton is None:
            if not self._searchable:
                return []
            if self._looked_up + len(text) <= _LOOKUP_CHARS:
                self._looked_up += len(text)
                return self._look_up(text)
            # A contiguous NFA: over the pack's ~25,000 literals it builds in ~35-60 ms and takes a
            # few MB. A DFA searched no faster (58 vs 50 ms per million characters) and takes
            # ~0.4 s and ~110 MB to build, in every worker process.
            self._automaton = ahocorasick_rs.AhoCorasick(
                self._searchable, store_patterns=False, implementation=ahocorasick_rs.Implementation.ContiguousNFA)
        return self._automaton.find_matches_as_indexes(text, overlapping=True)

    def _look_up(self, text: str) -> list[tuple[int, int, int]]:
        """The automaton's result by looking up every substring of a literal's length:
        one dictionary lookup a character for each length (13 in the shipped pack)."""
        if self._index is None:
            index = {p: i for i, p in enumerate(self._searchable)}
            self._index = index, tuple(sorted({len(p) for p in index}, reverse=True))
        index, lengths = self._index
        found = []
        for end in range(1, len(text) + 1):
            for length in lengths:
                if length <= end:
                    i = index.get(text[end - length:end])
                    if i is not None:
                        found.append((i, end - length, end))
        return found

    def _literals(self, found: list[tuple[int, int, int]]) -> list[tuple[int, str]]:
        patterns = self._patterns
        n = len(patterns)
        return [(start, patterns[i]) for i, start, _ in found if i < n]

    def candidates(self, present: Iterable[str]) -> set[int]:
        """Indexes of the rules with a trigger literal in `present`, and the ungated ones."""
        touched: set[int] = set(self.ungated)
        rules_by_literal = self._rules_by_literal
        for literal in present:
            rules = rules_by_literal.get(literal)
            if rules:
                touched |= rules
        return touched

    def select(self, candidates: Iterable[int], found: KeysView[str], text: str) -> list[tuple[int, list[int] | None]]:
        """Of the `candidates` for an utterance with the trigger literals `found` and the
        normalized `text`, the rules that may match, with the alternatives to run (None:
        the matcher decides). A regex rule needs every literal set of its pattern (or of
        one alternative) to have a member in the utterance, which is a few set and
        substring tests; this spares most regex rules any further work."""
        selected: list[tuple[int, list[int] | None]] = []
        # The shared automaton pays off over a batch; a single message's few candidate
        # utterances are searched by each rule's own (building it takes 0.1-0.25 s).
        self._utterances_selected += 1
        others = _OthersFound(self, text) if self._utterances_selected > _SHARED_SEARCH_AFTER else None
        for r in candidates:
            selection = self._selections.get(r, _UNKNOWN)
            if selection is _UNKNOWN:
                selection = self._selections[r] = self._selection(r)
            if selection is None:
                selected.append((r, None))
                continue
            by_literal, tests, choose = selection
            if choose is not None:
                runnable = choose(found, text, others)
                if runnable:
                    selected.append((r, runnable))
                continue
            if by_literal is None:
                if satisfied(tests, found, text):  # type: ignore[arg-type]
                    selected.append((r, None))
                continue
            runnable = runnable_alternatives(by_literal, tests, found, text, set())  # type: ignore[arg-type]
            if runnable:
                selected.append((r, runnable))
        return selected

    @cached_property
    def _others(self) -> tuple[ahocorasick_rs.AhoCorasick, list[str]] | None:
        """One automaton for the literals that choose alternatives of a pattern but are
        not searched for in the document pass (they are common: 他, 你们, 电话). A
        candidate utterance is searched for them once, for all its candidate rules,
        instead of once by each rule's own small automaton (~5 us a search of a short
        text, ~18,000 searches per 1 M characters at 10 % candidate sentences). Built on
        first need: it unpacks every rule's alternatives (0.1-0.25 s and ~20 MB with the
        build), so only after a process has seen _SHARED_SEARCH_AFTER candidate utterances."""
        literals: set[str] = set()
        for i in self.text_rules:
            unsearched = getattr(self.rules[i].matcher, "unsearched_literals", None)
            if unsearched is not None:
                literals.update(unsearched(self.literals))
        if not literals:
            return None
        ordered = sorted(literals)
        return ahocorasick_rs.AhoCorasick(
            ordered, store_patterns=False, implementation=ahocorasick_rs.Implementation.ContiguousNFA), ordered

    def _selection(self, r: int) -> Selection | None:
        """Worked out on a rule's first candidacy: a pack's rules unpack their facts only
        when a document needs them."""
        selection = getattr(self.rules[r].matcher, "selection", None)
        return selection(self.literals) if selection is not None else None


class _OthersFound:
    """The unsearched literals that occur in one utterance's text, found on first call."""

    __slots__ = ("_prefilter", "_text", "_found")

    def __init__(self, prefilter: Prefilter, text: str) -> None:
        self._prefilter, self._text = prefilter, text
        self._found: set[str] | None = None

    def __call__(self) -> set[str]:
        if self._found is None:
            others = self._prefilter._others
            if others is None:
                self._found = set()
            else:
                finder, literals = others
                self._found = {literals[i] for i, _, _ in
                               finder.find_matches_as_indexes(self._text, overlapping=True)}
        return self._found
