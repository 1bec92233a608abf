"""`kind: regex` — a pattern of the `regex` package, with a time limit per search."""

from __future__ import annotations

import time
import unicodedata
from functools import cached_property

import ahocorasick_rs
import regex

from collectlint.rules.literals import PatternFacts, parse_pattern, required_literals, top_level_branches
from collectlint.rules.matchers.base import Hit, MatchContext


def compile_pattern(pattern: str) -> regex.Pattern[str]:
    """Patterns run on normalized text, so they are normalized the same way: NFKC turns
    full-width punctuation (，！？) into ASCII, and matching ignores ASCII case."""
    return regex.compile(unicodedata.normalize("NFKC", pattern), regex.IGNORECASE)


class RegexTimeout(Exception):
    """A pattern took longer than the limit on one utterance, or could not run at all."""


class RegexMatcher:
    """The pattern is checked when the rule is loaded but compiled by the `regex` package
    only when a document first needs it: compiling every pattern would be most of the
    start-up of a scan that has no candidate at all.

    A pattern that is one big alternation (`a|b|c`, as rule packs grow them) runs, in the
    prefiltered scan, as the alternation of only those alternatives whose required
    literals occur in the utterance: the others could match nowhere in it, so the matches
    are the same, and a pattern of two alternatives is searched many times faster than
    one of forty. The exhaustive scan always runs the whole pattern."""

    _MAX_SUBPATTERNS = 256  # compiled alternative subsets kept per rule

    def __init__(self, pattern: str, token_aligned: bool, timeout: float,
                 literals: tuple[str, ...] | None = None, facts: PatternFacts | None = None) -> None:
        self.source = pattern
        self.token_aligned = token_aligned
        self.timeout = timeout
        normalized = unicodedata.normalize("NFKC", pattern)
        if facts is not None:
            regex_only, derived, branches = facts.of(normalized)
        else:
            parsed = parse_pattern(normalized)
            regex_only = parsed is None
            derived = None if parsed is None else required_literals(parsed)
            branches = None if parsed is None else top_level_branches(normalized, parsed)
        if regex_only:  # syntax only the `regex` package knows: let it check now
            compile_pattern(pattern)
        if literals:
            required = frozenset(unicodedata.normalize("NFKC", s).lower() for s in literals)
        else:
            required = derived
        self.literals = (required,) if required else ()
        self._branches = tuple(source for source, _ in branches) if branches else ()
        self._always = frozenset(i for i, (_, lits) in enumerate(branches or ()) if not lits)
        self._branches_by_literal: dict[str, list[int]] = {}
        for i, (_, lits) in enumerate(branches or ()):
            for lit in lits or ():
                self._branches_by_literal.setdefault(lit, []).append(i)
        self._unsearched: tuple[list[int], ...] = ()  # see _pattern_for
        self._unsearched_finder: ahocorasick_rs.AhoCorasick | None = None
        self._searched_for: frozenset[str] | None = None
        self._subpatterns: dict[tuple[int, ...], regex.Pattern[str]] = {}

    @cached_property
    def pattern(self) -> regex.Pattern[str]:
        try:
            return compile_pattern(self.source)
        except regex.error as exc:  # accepted by Python's parser at load time, not by `regex`
            raise RegexTimeout(f"pattern does not compile: {exc}") from None

    def _pattern_for(self, ctx: MatchContext) -> regex.Pattern[str] | None:
        """The pattern to run on this utterance: the whole one, or the alternation of the
        alternatives whose literals occur (None: no alternative can match)."""
        searched = ctx.searched
        if not self._branches or not searched:
            return self.pattern
        if self._searched_for is not searched:
            # Literals the prefilter did not search for (a rule with its own `literals:`
            # list) are searched here, in one pass of a small automaton.
            unsearched = sorted(lit for lit in self._branches_by_literal if lit not in searched)
            self._unsearched = tuple(self._branches_by_literal[lit] for lit in unsearched)
            self._unsearched_finder = ahocorasick_rs.AhoCorasick(
                unsearched, implementation=ahocorasick_rs.Implementation.ContiguousNFA) if unsearched else None
            self._searched_for = searched
        chosen = set(self._always)
        for lit in ctx.found_literals:
            chosen.update(self._branches_by_literal.get(lit, ()))
        if self._unsearched_finder is not None:
            for i, _, _ in self._unsearched_finder.find_matches_as_indexes(ctx.text, overlapping=True):
                chosen.update(self._unsearched[i])
        if len(chosen) == len(self._branches):
            return self.pattern
        if not chosen:
            return None
        key = tuple(sorted(chosen))
        sub = self._subpatterns.get(key)
        if sub is None:
            if len(self._subpatterns) >= self._MAX_SUBPATTERNS:
                self._subpatterns.clear()
            try:
                sub = compile_pattern("|".join(self._branches[i] for i in key))
            except regex.error:
                return self.pattern
            self._subpatterns[key] = sub
        return sub

    def find(self, ctx: MatchContext) -> list[Hit]:
        hits: list[Hit] = []
        timeout = self.timeout
        if ctx.deadline is not None:
            remaining = ctx.deadline - time.monotonic()
            if remaining <= 0:
                raise RegexTimeout("document time budget for regular expressions used up")
            timeout = min(timeout, remaining)
        pattern = self._pattern_for(ctx)
        if pattern is None:
            return hits
        try:
            for m in pattern.finditer(ctx.text, timeout=timeout):
                start, end = m.span()
                if end <= start:
                    continue
                if self.token_aligned and not (ctx.is_boundary(start) and ctx.is_boundary(end)):
                    continue
                hits.append(Hit(start, end))
        except TimeoutError as exc:
            raise RegexTimeout(str(exc)) from exc
        return hits
