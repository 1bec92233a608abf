"""One Aho–Corasick pass over a document finds the trigger literals of all rules; a rule
is a candidate for an utterance only where one of its triggers occurs.

A rule's trigger is its most selective literal group: of 爆 + 你 + 通讯录 only 通讯录
is searched for, since a group of common words (我们, 你, 就) would make nearly every
sentence a candidate. The other groups are checked by the matcher itself.

ahocorasick_rs (a compiled automaton) does the multi-pattern search: one pass over the text
whatever the number of rules, which a loop of `str.find` per term cannot match.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, KeysView, Sequence
from functools import cached_property
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

import ahocorasick_rs

from collectlint.gcpause import gc_paused
from collectlint.rules.literals import selectivity
from collectlint.rules.matchers.base import (
    Selection,
    literal_sets,
    met,
    runnable_alternatives,
    satisfied,
)
from collectlint.text.variants import in_place

_UNKNOWN = object()
_Sets = tuple[frozenset[str], ...]  # conditions as literal sets (see literal_sets)
# A rule's conditions and its alternatives that need no literal (see _SharedIndex)
_Plan = tuple[_Sets | tuple[_Sets, ...] | None, tuple[int, ...] | None]
# (pattern index, start, end) by end and, at the same end, the longest first
_BY_END_LONGEST_FIRST = itemgetter(2, 1)
# Candidate utterances after which the alternatives to run are chosen from one index of
# all rules (see Prefilter._select_by_index) rather than by each rule.
_SHARED_INDEX_AFTER = 500
# Characters a process searches by looking up their substrings before it builds the
# automaton: building it takes 40-60 ms, about what the lookup spends on 5,000-10,000
# characters (the automaton searches them in under 1 ms). A scan of one short message
# never builds it.
_LOOKUP_CHARS = 5_000

if TYPE_CHECKING:
    from collectlint.rules.conversation_gates import ConversationGates
    from collectlint.rules.loader import CompiledRule
    from collectlint.text.normalize import NormalizedText
    from collectlint.text.variants import VariantTable


class _SharedIndex(NamedTuple):
    """What Prefilter._select_by_index reads, over all rules.

    index: literal → (rule, the alternatives it chooses), over every rule whose pattern
    is an alternation; choosing: its keys. plans: per rule, its conditions as literal
    sets — per alternative, with the alternatives that need no literal (`always`), for an
    alternation; for the whole pattern (always None) otherwise; (None, None) when the
    matcher decides. finder: an automaton of the literals of both that the document pass
    does not search for (they are common: 他, 你们, 电话), reporting them as strings.
    """

    index: dict[str, list[tuple[int, list[int]]]]
    choosing: frozenset[str]
    plans: dict[int, _Plan]
    finder: ahocorasick_rs.AhoCorasick | None


def _most_selective(groups: tuple[frozenset[str], ...]) -> frozenset[str]:
    """The rarest group. Most rules have one (ranking sums the shares of thousands of
    literals, at every start of a process); a regex rule with a `literals:` list offers
    that list and the set derived from its pattern."""
    return groups[0] if len(groups) == 1 else max(groups, key=selectivity)


class Prefilter:
    def __init__(self, rules: Sequence[CompiledRule], variants: VariantTable | None = None,
                 gates: ConversationGates | None = None) -> None:
        self.rules = tuple(rules)
        # Indexes of the rules that read words; metadata rules are not the prefilter's.
        self.text_rules = tuple(i for i, r in enumerate(self.rules) if r.matcher is not None)
        self.ungated = tuple(i for i in self.text_rules if not self.rules[i].matcher.literals)  # type: ignore[union-attr]
        self.triggers: dict[int, frozenset[str]] = {
            i: _most_selective(self.rules[i].matcher.literals)  # type: ignore[union-attr]
            for i in self.text_rules if self.rules[i].matcher.literals  # type: ignore[union-attr]
        }
        by_literal: dict[str, set[int]] = {}
        for i, trigger in self.triggers.items():
            for literal in trigger:
                by_literal.setdefault(literal, set()).add(i)
        # Tuples, not sets: ~33,000 of them live as long as the pack, and the garbage
        # collector stops tracking a tuple of ints once it has seen it, where it walks every
        # set again in each full collection (half the objects of a one-message scan, and of
        # the collections of a Python process's exit).
        self._rules_by_literal = {lit: tuple(sorted(rules)) for lit, rules in by_literal.items()}
        self.literals = frozenset(self._rules_by_literal)
        self._selections: dict[int, Selection | None] = {}
        self._utterances_selected = 0
        self._patterns = sorted(self._rules_by_literal)
        # The spelling variants (zuo牢) ride in the same automaton, after the literals:
        # a document that has none, nearly every one, is searched once, not twice.
        self._variants = variants if variants is not None and variants.size else None
        spellings = sorted(set(self._variants.spellings) - self.literals) if self._variants else []
        # So do the gates of the conversation-state rules (打错了, 别再打了): the turns that
        # may have said one are known without a second search of the document.
        self._gates = gates if gates is not None and gates.literals else None
        gate_literals = self._gates.literals if self._gates is not None else []
        self._searchable = self._patterns + spellings + sorted(
            set(gate_literals) - self.literals - set(spellings))
        # Automaton pattern index → index of the spelling it is (some are trigger literals too),
        # and of the gate literal it is.
        self._spelling_at: dict[int, int] = {}
        if self._variants is not None:
            self._spelling_at = _positions(self._searchable, self._variants.spellings)
        self._gate_at = _positions(self._searchable, gate_literals)
        self._automaton: ahocorasick_rs.AhoCorasick | None = None  # built when worth it
        self._looked_up = 0  # characters searched without it
        # For those lookups (see _look_up): the lengths of the searchable strings, longest
        # first, and the index of each that is not a trigger literal (a few hundred).
        self._lengths = tuple(sorted({len(p) for p in self._searchable}, reverse=True))
        n = len(self._patterns)
        self._others_at = {p: n + k for k, p in enumerate(self._searchable[n:])}

    # The pack cache stores a loaded pack with its prefilter: working out the ~33,000
    # trigger literals is ~0.06 s of a cold one-message scan. The automaton does not pickle
    # and is built again when worth it; what a scan has filled in starts afresh.
    _SCAN_STATE = ("_automaton", "_selections", "_utterances_selected", "_shared", "_looked_up")

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k not in self._SCAN_STATE}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._automaton, self._selections, self._utterances_selected = None, {}, 0
        self._looked_up = 0

    def expect_batch(self) -> None:
        """Search with the automaton from the first document: in a process that will scan
        a batch the substring lookups of its first characters are spent for nothing
        (~30 ms with their index), the automaton being built soon after anyway."""
        self._looked_up = _LOOKUP_CHARS

    def prepare(self, norm: NormalizedText) -> tuple[NormalizedText, list[tuple[int, str]]]:
        """The text with its spelling variants replaced by their standard forms, and every
        occurrence (overlapping ones too) of every trigger literal in it: (start, literal)."""
        norm, found = self.search(norm)
        return norm, self.literal_hits(found)

    def search(self, norm: NormalizedText) -> tuple[NormalizedText, list[tuple[int, int, int]]]:
        """The document pass: the text with its spelling variants replaced by their
        standard forms, and what the automaton found in it, for `literal_hits` and
        `gate_starts` to read."""
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
        return norm, found

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
            # A contiguous NFA: over the pack's ~33,000 strings it builds in ~35-60 ms and takes a
            # few MB. A DFA searched no faster (58 vs 50 ms per million characters) and takes
            # ~0.4 s and ~110 MB to build, in every worker process.
            self._automaton = ahocorasick_rs.AhoCorasick(
                self._searchable, store_patterns=False, implementation=ahocorasick_rs.Implementation.ContiguousNFA)
        return self._automaton.find_matches_as_indexes(text, overlapping=True)

    def _look_up(self, text: str) -> list[tuple[int, int, int]]:
        """The automaton's result by looking up every substring of a literal's length (13
        lengths in the shipped pack) in the tables the pack already holds: the trigger
        literals' (a hit's index is its place in their sorted list) and the others'.
        Building an index of all ~33,000 strings for them cost a process's first scan ~5 ms."""
        triggers, patterns, others = self._rules_by_literal, self._patterns, self._others_at
        found = []
        for end in range(1, len(text) + 1):
            for length in self._lengths:
                if length <= end:
                    piece = text[end - length:end]
                    if piece in triggers:
                        found.append((bisect_left(patterns, piece), end - length, end))
                    else:
                        i = others.get(piece)
                        if i is not None:
                            found.append((i, end - length, end))
        return found

    def literal_hits(self, found: list[tuple[int, int, int]]) -> list[tuple[int, str]]:
        """(start, trigger literal) of every occurrence `search` found."""
        patterns = self._patterns
        n = len(patterns)
        return [(start, patterns[i]) for i, start, _ in found if i < n]

    def gate_starts(self, found: list[tuple[int, int, int]]) -> dict[int, list[int]]:
        """What ConversationGates.starts gives for the text `search` returned, from what
        it found there."""
        if self._gates is None:
            return {}
        gate_at = self._gate_at
        return self._gates.collect((gate_at[i], start) for i, start, _ in found if i in gate_at)

    def candidates(self, present: Iterable[str]) -> set[int]:
        """Indexes of the rules with a trigger literal in `present`, and the ungated ones."""
        touched: set[int] = set(self.ungated)
        rules_by_literal = self._rules_by_literal
        for literal in present:
            rules = rules_by_literal.get(literal)
            if rules:
                touched.update(rules)
        return touched

    def select(self, candidates: Iterable[int], found: KeysView[str], text: str) -> list[tuple[int, list[int] | None]]:
        """Of the `candidates` for an utterance with the trigger literals `found` and the
        normalized `text`, the rules that may match, with the alternatives to run (None:
        the matcher decides). A regex rule needs every literal set of its pattern (or of
        one alternative) to have a member in the utterance, which is a few set and
        substring tests; this spares most regex rules any further work."""
        # The shared index pays off over a batch; a single message's few candidate
        # utterances are looked at by each rule (building the index takes ~0.35 s).
        self._utterances_selected += 1
        if self._utterances_selected > _SHARED_INDEX_AFTER:
            return self._select_by_index(candidates, found, text)
        selected: list[tuple[int, list[int] | None]] = []
        for r in candidates:
            selection = self._selection(r)
            if selection is None:
                selected.append((r, None))
                continue
            by_literal, tests, choose, _ = selection
            if choose is not None:
                runnable = choose(found, text)
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

    def _select_by_index(self, candidates: Iterable[int], found: KeysView[str],
                         text: str) -> list[tuple[int, list[int] | None]]:
        """`select` once a batch is under way, from the set of the literals that occur in
        the utterance: those the document pass found, and the others any rule's selection
        reads, found by one automaton search. The alternatives a literal chooses are
        looked up once in an index of all rules' alternatives, and conditions are set
        tests: where `select` spends a few set operations, substring tests or small
        automaton searches and function calls on each of some seven candidate rules."""
        shared = self._shared
        present = set(found)
        if shared.finder is not None:
            present.update(shared.finder.find_matches_as_strings(text, overlapping=True))
        index = shared.index
        chosen: dict[int, set[int]] = {}
        # Of the ~30 literals of a sentence, a few choose alternatives (the others are
        # conditions only): the intersection, in C, spares a look-up for each.
        for literal in present & shared.choosing:
            for r, chooses in index[literal]:
                alternatives = chosen.get(r)
                if alternatives is None:
                    chosen[r] = set(chooses)
                else:
                    alternatives.update(chooses)
        selected: list[tuple[int, list[int] | None]] = []
        plans = shared.plans
        for r in candidates:
            conditions, always = plans[r]
            if conditions is None:  # the matcher decides
                selected.append((r, None))
            elif always is None:  # not an alternation: the whole pattern's conditions
                if met(conditions, present):  # type: ignore[arg-type]
                    selected.append((r, None))
            else:
                alternatives = chosen.get(r)
                if always:
                    alternatives = set(always) if alternatives is None else alternatives.union(always)
                if alternatives:
                    runnable = [i for i in sorted(alternatives) if met(conditions[i], present)]  # type: ignore[arg-type]
                    if runnable:
                        selected.append((r, runnable))
        return selected

    @cached_property
    def _shared(self) -> _SharedIndex:
        """What `_select_by_index` reads (see _SharedIndex). Built on first need: it works
        out every rule's selection (~0.2 s and 15-20 MiB with the build), so only after
        a process has seen _SHARED_INDEX_AFTER candidate utterances."""
        with gc_paused():
            return self._build_shared()

    def _build_shared(self) -> _SharedIndex:
        index: dict[str, list[tuple[int, list[int]]]] = {}
        plans: dict[int, _Plan] = {}
        literals: set[str] = set()
        for r in self.text_rules:
            selection = self._selection(r)
            if selection is None:
                plans[r] = None, None
                continue
            if selection.by_literal is None:
                conditions = literal_sets(selection.tests)  # type: ignore[arg-type]
                plans[r] = conditions, None
                literals.update(*conditions)
                continue
            for literal, alternatives in selection.by_literal.items():
                entries = index.get(literal)
                if entries is None:
                    index[literal] = [(r, alternatives)]
                else:
                    entries.append((r, alternatives))
            per_alternative = tuple(literal_sets(tests) for tests in selection.tests)  # type: ignore[arg-type]
            plans[r] = per_alternative, selection.always
            for sets in per_alternative:
                literals.update(*sets)
        unsearched = sorted((literals | index.keys()) - self.literals)
        finder = ahocorasick_rs.AhoCorasick(
            unsearched, implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        ) if unsearched else None
        return _SharedIndex(index, frozenset(index), plans, finder)

    def _selection(self, r: int) -> Selection | None:
        """Worked out on a rule's first candidacy, then remembered: a pack's rules unpack
        their facts only when a document needs them."""
        selection = self._selections.get(r, _UNKNOWN)
        if selection is _UNKNOWN:
            of_matcher = getattr(self.rules[r].matcher, "selection", None)
            with gc_paused():
                selection = of_matcher(self.literals) if of_matcher is not None else None
            self._selections[r] = selection
        return selection  # type: ignore[return-value]


def _positions(searchable: Sequence[str], wanted: Sequence[str]) -> dict[int, int]:
    """Index in `searchable` → index in `wanted`, for the strings of `wanted` (all of
    which are searchable)."""
    index = {w: j for j, w in enumerate(wanted)}
    return {i: index[p] for i, p in enumerate(searchable) if p in index}
