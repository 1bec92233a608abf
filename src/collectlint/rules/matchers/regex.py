"""`kind: regex` — a pattern of the `regex` package, with a time limit per search."""

from __future__ import annotations

import pickle
import time
import unicodedata
from collections.abc import Callable, KeysView
from functools import cached_property
from typing import TypeVar

import ahocorasick_rs
import regex

from collectlint.rules import compiled
from collectlint.rules.literals import PatternFacts, completed_list, derive_facts
from collectlint.rules.matchers.base import (
    Hit,
    MatchContext,
    Selection,
    condition_tests,
    runnable_alternatives,
    satisfied,
)


def compile_pattern(pattern: str) -> regex.Pattern[str]:
    """Patterns run on normalized text, so they are normalized the same way: NFKC turns
    full-width punctuation (，！？) into ASCII, and matching ignores ASCII case (the
    store's FLAGS). Compiled once per machine: see rules/compiled.py."""
    return compiled.store().compile(unicodedata.normalize("NFKC", pattern))


_T = TypeVar("_T")


class RegexTimeout(Exception):
    """A pattern took longer than the limit on one utterance, or could not run at all."""


class RegexMatcher:
    """The pattern is checked when the rule is loaded but compiled by the `regex` package
    only when a document first needs it: compiling every pattern would be most of the
    start-up of a scan that has no candidate at all.

    A pattern that is one big alternation (`a|b|c`, as rule packs grow them) runs, in the
    prefiltered scan, only the alternatives whose required literals occur in the
    utterance: the others could match nowhere in it. The chosen alternatives are searched
    one by one (each compiled once) and merged as the alternation would: the leftmost
    match, and at the same position the earlier alternative. A few small patterns are
    searched many times faster than one of forty alternatives. The exhaustive scan always
    runs the whole pattern, and the tests compare the two."""

    def __init__(self, pattern: str, token_aligned: bool, timeout: float,
                 literals: tuple[str, ...] | None = None, facts: PatternFacts | None = None) -> None:
        self.source = pattern
        self.token_aligned = token_aligned
        self.timeout = timeout
        normalized = unicodedata.normalize("NFKC", pattern)
        regex_only, derived, branches, conditions = (facts.of if facts is not None else derive_facts)(normalized)
        if regex_only:  # syntax only the `regex` package knows: let it check now
            compile_pattern(pattern)
        # A match holds one literal of each group. A rule's own `literals:` list and the
        # set derived from its pattern are both such groups: the prefilter triggers on the
        # rarer one (an author's list often names common words: 电话, 这边, 还款). The list
        # is completed with what alternatives that hold none of it require.
        groups = [derived] if derived else []
        listed = frozenset(unicodedata.normalize("NFKC", s).lower() for s in literals or ()) - {""}
        if listed:
            listed = completed_list(listed, derived, branches, conditions)
            groups = [listed, *(g for g in groups if g != listed)]
        self.literals = tuple(groups)
        self._branches = tuple(source for source, _, _ in branches) if branches else ()
        self._branch_literals = tuple(lits for _, lits, _ in branches) if branches else ()
        self._conditions = conditions
        self._branch_conditions = tuple(conds for _, _, conds in branches) if branches else ()
        self._unsearched: tuple[list[int], ...] = ()  # see _prepare_for
        self._unsearched_literals: list[str] = []
        self._unsearched_finder: ahocorasick_rs.AhoCorasick | None = None
        self._searched_for: frozenset[str] | None = None
        self._compiled: dict[int, regex.Pattern[str]] = {}  # alternatives, on first use

    @cached_property
    def pattern(self) -> regex.Pattern[str]:
        try:
            return compile_pattern(self.source)
        except regex.error as exc:  # accepted by Python's parser at load time, not by `regex`
            raise RegexTimeout(f"pattern does not compile: {exc}") from None

    @cached_property
    def _always(self) -> frozenset[int]:
        """Alternatives that require no literal: they run every time."""
        return frozenset(i for i, lits in enumerate(self._branch_literals) if not lits)

    @cached_property
    def _branches_by_literal(self) -> dict[str, list[int]]:
        """Built on first need: most rules of a scan are never candidates."""
        by_literal: dict[str, list[int]] = {}
        for i, lits in enumerate(self._branch_literals):
            for lit in lits or ():
                by_literal.setdefault(lit, []).append(i)
        return by_literal

    # What loading derived about the alternatives: big (the literal sets of every
    # alternative), and needed only once the rule is a candidate. A pickled matcher (the
    # rule pack cache) keeps them packed, unpacked on first use: a scan of one message
    # unpickles a few rules' worth, not the whole pack's.
    _PACKED = ("_branches", "_branch_literals", "_branch_conditions", "_conditions")
    # Built while scanning; never pickled.
    _SCAN_STATE = ("_compiled", "_unsearched", "_unsearched_literals", "_unsearched_finder", "_searched_for",
                   "_tests", "_branch_tests", "pattern", "_always", "_branches_by_literal")

    def __getstate__(self) -> dict[str, object]:
        state = {k: v for k, v in self.__dict__.items() if k not in self._PACKED and k not in self._SCAN_STATE}
        if "_packed" not in state:
            state["_packed"] = pickle.dumps(tuple(getattr(self, k) for k in self._PACKED),
                                            protocol=pickle.HIGHEST_PROTOCOL)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._compiled = {}
        self._unsearched, self._unsearched_finder, self._searched_for = (), None, None
        self._unsearched_literals = []

    def __getattr__(self, name: str) -> object:
        """Called only for an attribute not set: a packed one, after unpickling."""
        packed = self.__dict__.get("_packed")
        if name not in self._PACKED or packed is None:
            raise AttributeError(name)
        self.__dict__.update(zip(self._PACKED, pickle.loads(packed)))  # noqa: S301 - packed by us
        del self.__dict__["_packed"]
        return self.__dict__[name]

    def condition_literals(self) -> frozenset[str]:
        """Every literal of the pattern's conditions and of its alternatives' (conditions
        and the requirement each is chosen by)."""
        literals: set[str] = set()
        for conditions in (self._conditions, *self._branch_conditions):
            literals.update(*conditions)
        literals.update(*(required for required in self._branch_literals if required))
        return frozenset(literals)

    def _prepare_for(self, searched: frozenset[str]) -> None:
        """What depends on the prefilter's literals, worked out once per prefilter."""
        # Literals that choose alternatives but are not among the prefilter's (a rule
        # triggered by another group than its alternatives' literals) are searched in
        # the candidate utterance: by this small automaton, or by the prefilter's shared
        # one once a batch is under way (see Prefilter._select_by_index).
        unsearched = sorted(self.unsearched_literals(searched))
        self._unsearched = tuple(self._branches_by_literal[lit] for lit in unsearched)
        self._unsearched_literals, self._unsearched_finder = unsearched, None  # built on first use
        # Each condition split for the set and substring tests (see condition_tests).
        self._tests = condition_tests(self._conditions, searched)
        # An alternative runs only where a literal of its requirement occurs, so that
        # condition (one of its conditions) needs no test.
        self._branch_tests = tuple(
            condition_tests([c for c in conditions if c != required], searched)
            for conditions, required
            in zip(self._branch_conditions, self._branch_literals, strict=True))
        self._searched_for = searched

    def _chosen(self, ctx: MatchContext) -> list[int] | None:
        """The alternatives to run on this utterance, in pattern order, those whose literals
        all occur; None: run the whole pattern (not an alternation, or every alternative
        chosen)."""
        if not self._branches:
            return None
        runnable = self._runnable(ctx.found_literals, ctx.text)
        return None if len(runnable) == len(self._branches) else runnable

    def unsearched_literals(self, searched: frozenset[str]) -> frozenset[str]:
        """The literals alternatives are chosen by that are not among `searched` (the
        prefilter's): they must be looked for in a candidate utterance some other way."""
        return frozenset(lit for lit in self._branches_by_literal if lit not in searched)

    def _runnable(self, found: KeysView[str], text: str) -> list[int]:
        """The alternatives that can match in `text`: those that need no literal, or
        whose literal (found by the prefilter, or by this rule's own automaton) occurs,
        and all of whose literal conditions are met."""
        chosen = set(self._always)
        if self._unsearched:
            if self._unsearched_finder is None:
                self._unsearched_finder = ahocorasick_rs.AhoCorasick(
                    self._unsearched_literals, implementation=ahocorasick_rs.Implementation.ContiguousNFA)
            for i, _, _ in self._unsearched_finder.find_matches_as_indexes(text, overlapping=True):
                chosen.update(self._unsearched[i])
        # An alternative whose literal occurs may still lack another it needs (砸 of
        # 去你家.{0,6}砸): a few set and substring tests spare a regex search, most of the time.
        return runnable_alternatives(self._branches_by_literal, self._branch_tests, found, text, chosen)

    def _alternative(self, i: int) -> regex.Pattern[str]:
        compiled = self._compiled.get(i)
        if compiled is None:
            try:
                compiled = compile_pattern(self._branches[i])
            except regex.error:
                compiled = self.pattern  # cannot happen for a valid split; stay correct
            self._compiled[i] = compiled
        return compiled

    def _merged(self, text: str, patterns: list[regex.Pattern[str]],
                timeout: float) -> list[tuple[int, int]] | None:
        """The spans `finditer` of the whole pattern gives, from its chosen alternatives;
        None if an alternative matched the empty string (the merge would not be exact)."""
        upcoming = [p.search(text, 0, timeout=timeout) for p in patterns]
        spans = []
        while True:
            best = -1
            for k, m in enumerate(upcoming):
                if m is not None and (best < 0 or m.start() < upcoming[best].start()):
                    best = k
            if best < 0:
                return spans
            start, end = upcoming[best].span()
            if end <= start:
                return None
            spans.append((start, end))
            for k, m in enumerate(upcoming):
                if m is not None and m.start() < end:
                    upcoming[k] = patterns[k].search(text, end, timeout=timeout)

    def _search(self, ctx: MatchContext, fn: Callable[[float], _T]) -> _T:
        """Run `fn(timeout)` within the rule's limit and what the document's budget has left,
        and spend its time from the budget."""
        budget = ctx.budget
        if budget is None:
            return fn(self.timeout)
        if budget.left <= 0:
            raise RegexTimeout("document time budget for regular expressions used up")
        started = time.monotonic()
        try:
            return fn(min(self.timeout, budget.left))
        finally:
            budget.left -= time.monotonic() - started

    def selection(self, searched: frozenset[str]) -> Selection:
        """How the prefilter may decide, from an utterance's found literals and text, whether
        this pattern can match and which alternatives to run (see Prefilter.select)."""
        if self._searched_for is not searched:
            self._prepare_for(searched)
        if not self._branches:
            return Selection(None, self._tests)
        if not self._always and not self._unsearched:
            return Selection(self._branches_by_literal, self._branch_tests)
        # Literals of its own to search for, or alternatives that need none: the rule
        # chooses, before any match context is built for it.
        return Selection(self._branches_by_literal, self._branch_tests, self._runnable, tuple(sorted(self._always)))

    def find(self, ctx: MatchContext) -> list[Hit]:
        chosen = None
        searched = ctx.searched
        if searched:  # the prefiltered scan (the exhaustive one runs every pattern whole)
            if self._searched_for is not searched:
                self._prepare_for(searched)
            chosen = self._chosen(ctx)
            if chosen is None and not satisfied(self._tests, ctx.found_literals, ctx.text):
                return []  # a literal the pattern needs is absent
        return self._run(ctx, chosen)

    def find_alternatives(self, ctx: MatchContext, chosen: list[int]) -> list[Hit]:
        """`find`, running only the alternatives `chosen` (in pattern order): those the
        prefilter found all the literals of."""
        return self._run(ctx, None if len(chosen) == len(self._branches) else chosen)

    def _run(self, ctx: MatchContext, chosen: list[int] | None) -> list[Hit]:
        """The hits of the alternatives `chosen`, or of the whole pattern (None)."""
        hits: list[Hit] = []
        text = ctx.text
        try:
            spans = None
            if chosen:
                patterns = [self._alternative(i) for i in chosen]  # compiled before the clock runs
                spans = self._search(ctx, lambda timeout: self._merged(text, patterns, timeout))
            elif chosen is not None:
                spans = []  # no alternative can match here
            if spans is None:
                whole = self.pattern
                spans = self._search(ctx, lambda timeout: [m.span() for m in whole.finditer(text, timeout=timeout)])
            for start, end in spans:
                if end <= start:
                    continue
                if self.token_aligned and not (ctx.is_boundary(start) and ctx.is_boundary(end)):
                    continue
                hits.append(Hit(start, end))
        except TimeoutError as exc:
            raise RegexTimeout(str(exc)) from exc
        return hits
