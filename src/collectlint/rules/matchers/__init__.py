"""One module per matcher kind; `compile_matcher` picks the module for a rule spec."""

from __future__ import annotations

from collectlint.rules.literals import PatternFacts
from collectlint.rules.matchers.base import Hit, MatchContext, Matcher
from collectlint.rules.matchers.keywords import KeywordsMatcher
from collectlint.rules.matchers.proximity import ProximityMatcher
from collectlint.rules.matchers.regex import RegexMatcher
from collectlint.rules.schema import KeywordsRule, ProximityRule, RegexRule, RuleSpec

__all__ = ["Hit", "MatchContext", "Matcher", "compile_matcher"]


def compile_matcher(spec: RuleSpec, regex_timeout: float,
                    facts: PatternFacts | None = None) -> Matcher | None:
    """The text matcher of a rule; None for the rules that read metadata instead."""
    if isinstance(spec, KeywordsRule):
        return KeywordsMatcher(spec.terms)
    if isinstance(spec, RegexRule):
        return RegexMatcher(spec.pattern, spec.token_aligned, regex_timeout, spec.literals, facts)
    if isinstance(spec, ProximityRule):
        return ProximityMatcher(spec.groups, spec.within, spec.ordered)
    return None
