"""One Aho–Corasick pass over a document finds every literal of every rule; a rule is a
candidate for an utterance only when each of its literal groups occurs there.

pyahocorasick (a C extension) does the multi-pattern search: one pass over the text
whatever the number of rules, which a loop of `str.find` per term cannot match.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import ahocorasick

if TYPE_CHECKING:
    from collectlint.rules.loader import CompiledRule


class Prefilter:
    def __init__(self, rules: Sequence[CompiledRule]) -> None:
        self.rules = tuple(rules)
        self.ungated = tuple(i for i, r in enumerate(self.rules) if not r.matcher.literals)
        self._rules_by_literal: dict[str, set[int]] = {}
        for i, rule in enumerate(self.rules):
            for group in rule.matcher.literals:
                for literal in group:
                    self._rules_by_literal.setdefault(literal, set()).add(i)
        self._automaton: ahocorasick.Automaton | None = None
        if self._rules_by_literal:
            automaton = ahocorasick.Automaton()
            for literal in self._rules_by_literal:
                automaton.add_word(literal, literal)
            automaton.make_automaton()
            self._automaton = automaton

    def find(self, text: str) -> list[tuple[int, str]]:
        """Every occurrence (overlapping ones too) of every literal: (start, literal)."""
        if self._automaton is None:
            return []
        return [(end - len(lit) + 1, lit) for end, lit in self._automaton.iter(text)]

    def candidates(self, present: set[str]) -> list[int]:
        """Indexes of the rules all of whose literal groups meet `present`, in rule order."""
        touched: set[int] = set(self.ungated)
        for literal in present:
            touched |= self._rules_by_literal.get(literal, set())
        return sorted(
            i for i in touched if all(group & present for group in self.rules[i].matcher.literals)
        )
