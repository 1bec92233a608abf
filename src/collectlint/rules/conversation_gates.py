"""One search of a document for the gate literals of every conversation-state rule.

A conversation-state rule (打错了 …, 别再打了 …) first asks which turn said one of its
sayings; every saying holds a literal of the rule's gate. The pack's few such rules are
often candidates in the same document, and one automaton of all their gates searches it
once where one per rule searched it once each. In the prefiltered scan the gate literals
ride in the prefilter's automaton instead, and the document pass finds them too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import ahocorasick_rs


class ConversationGates:
    def __init__(self, gates: Mapping[int, tuple[str, ...]]) -> None:
        literals = sorted(set().union(*gates.values())) if gates else []
        at = {literal: k for k, literal in enumerate(literals)}
        owners: list[list[int]] = [[] for _ in literals]
        for rule, gate in gates.items():
            for literal in gate:
                owners[at[literal]].append(rule)
        self._literals = literals
        self._owners = tuple(tuple(o) for o in owners)  # literal index → rules whose gate holds it
        self._finder: ahocorasick_rs.AhoCorasick | None = None

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_finder": None}  # an automaton does not pickle; built on first use

    @property
    def literals(self) -> list[str]:
        """The literals of all gates, sorted; `collect` takes indexes into this list."""
        return self._literals

    def starts(self, text: str) -> dict[int, list[int]]:
        """Rule index → where the literals of its gate occur in `text` (overlapping
        occurrences too), for the rules with at least one."""
        if not self._literals:
            return {}
        if self._finder is None:
            self._finder = ahocorasick_rs.AhoCorasick(
                self._literals, store_patterns=False, implementation=ahocorasick_rs.Implementation.ContiguousNFA)
        found = self._finder.find_matches_as_indexes(text, overlapping=True)
        return self.collect((k, start) for k, start, _ in found)

    def collect(self, occurrences: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
        """`starts`, from the occurrences of gate literals found by another search:
        (index into `literals`, start)."""
        found: dict[int, list[int]] = {}
        owners = self._owners
        for k, start in occurrences:
            for rule in owners[k]:
                found.setdefault(rule, []).append(start)
        return found
