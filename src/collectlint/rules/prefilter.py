"""One Aho–Corasick pass over a document finds the trigger literals of all rules; a rule
is a candidate for an utterance only where one of its triggers occurs.

A rule's trigger is its most selective literal group: of 爆 + 你 + 通讯录 only 通讯录
is searched for, since a group of common words (我们, 你, 就) would make nearly every
sentence a candidate. The other groups are checked by the matcher itself.

ahocorasick_rs (a compiled DFA) does the multi-pattern search: one pass over the text
whatever the number of rules, which a loop of `str.find` per term cannot match.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import ahocorasick_rs

from collectlint.rules.literals import selectivity

if TYPE_CHECKING:
    from collectlint.rules.loader import CompiledRule


class Prefilter:
    def __init__(self, rules: Sequence[CompiledRule]) -> None:
        self.rules = tuple(rules)
        # Indexes of the rules that read words; metadata rules are not the prefilter's.
        self.text_rules = tuple(i for i, r in enumerate(self.rules) if r.matcher is not None)
        self.ungated = tuple(i for i in self.text_rules if not self.rules[i].matcher.literals)  # type: ignore[union-attr]
        self.triggers: dict[int, frozenset[str]] = {
            i: max(self.rules[i].matcher.literals, key=selectivity)  # type: ignore[union-attr]
            for i in self.text_rules if self.rules[i].matcher.literals  # type: ignore[union-attr]
        }
        self._rules_by_literal: dict[str, set[int]] = {}
        for i, trigger in self.triggers.items():
            for literal in trigger:
                self._rules_by_literal.setdefault(literal, set()).add(i)
        self.literals = frozenset(self._rules_by_literal)
        self._patterns = sorted(self._rules_by_literal)
        self._automaton: ahocorasick_rs.AhoCorasick | None = None
        if self._patterns:
            self._automaton = ahocorasick_rs.AhoCorasick(
                self._patterns, implementation=ahocorasick_rs.Implementation.DFA)

    def find(self, text: str) -> list[tuple[int, str]]:
        """Every occurrence (overlapping ones too) of every trigger literal: (start, literal)."""
        if self._automaton is None:
            return []
        patterns = self._patterns
        return [(start, patterns[i])
                for i, start, _ in self._automaton.find_matches_as_indexes(text, overlapping=True)]

    def candidates(self, present: set[str]) -> list[int]:
        """Indexes of the rules with a trigger literal in `present`, and the ungated ones,
        in rule order."""
        touched: set[int] = set(self.ungated)
        for literal in present:
            touched |= self._rules_by_literal.get(literal, set())
        return sorted(touched)
