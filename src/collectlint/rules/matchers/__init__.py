"""One module per matcher kind; `compile_matcher` picks the module for a rule spec."""

from __future__ import annotations

from collectlint.rules.matchers.base import Hit, Matcher, MatchContext
from collectlint.rules.matchers.keywords import KeywordsMatcher
from collectlint.rules.matchers.proximity import ProximityMatcher
from collectlint.rules.matchers.regex import RegexMatcher
from collectlint.rules.schema import KeywordsRule, ProximityRule, RegexRule

__all__ = ["Hit", "MatchContext", "Matcher", "compile_matcher"]


def compile_matcher(spec: KeywordsRule | RegexRule | ProximityRule, regex_timeout: float) -> Matcher:
    if isinstance(spec, KeywordsRule):
        return KeywordsMatcher(spec.terms)
    if isinstance(spec, RegexRule):
        return RegexMatcher(spec.pattern, spec.token_aligned, regex_timeout, spec.literals)
    return ProximityMatcher(spec.groups, spec.within, spec.ordered)
