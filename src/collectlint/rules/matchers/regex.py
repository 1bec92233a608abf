"""`kind: regex` — a pattern of the `regex` package, with a time limit per search."""

from __future__ import annotations

import time
import unicodedata
from functools import cached_property

import regex

from collectlint.rules.literals import PatternFacts, parse_pattern, required_literals
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
    start-up of a scan that has no candidate at all."""

    def __init__(self, pattern: str, token_aligned: bool, timeout: float,
                 literals: tuple[str, ...] | None = None, facts: PatternFacts | None = None) -> None:
        self.source = pattern
        self.token_aligned = token_aligned
        self.timeout = timeout
        normalized = unicodedata.normalize("NFKC", pattern)
        if facts is not None:
            regex_only, derived = facts.of(normalized)
        else:
            parsed = parse_pattern(normalized)
            regex_only, derived = parsed is None, None if parsed is None else required_literals(parsed)
        if regex_only:  # syntax only the `regex` package knows: let it check now
            compile_pattern(pattern)
        if literals:
            required = frozenset(unicodedata.normalize("NFKC", s).lower() for s in literals)
        else:
            required = derived
        self.literals = (required,) if required else ()

    @cached_property
    def pattern(self) -> regex.Pattern[str]:
        try:
            return compile_pattern(self.source)
        except regex.error as exc:  # accepted by Python's parser at load time, not by `regex`
            raise RegexTimeout(f"pattern does not compile: {exc}") from None

    def find(self, ctx: MatchContext) -> list[Hit]:
        hits = []
        timeout = self.timeout
        if ctx.deadline is not None:
            remaining = ctx.deadline - time.monotonic()
            if remaining <= 0:
                raise RegexTimeout("document time budget for regular expressions used up")
            timeout = min(timeout, remaining)
        try:
            for m in self.pattern.finditer(ctx.text, timeout=timeout):
                start, end = m.span()
                if end <= start:
                    continue
                if self.token_aligned and not (ctx.is_boundary(start) and ctx.is_boundary(end)):
                    continue
                hits.append(Hit(start, end))
        except TimeoutError as exc:
            raise RegexTimeout(str(exc)) from exc
        return hits
