"""Meta-tests of the shipped rule pack: complete, documented, tested, and firing."""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest

from collectlint import Linter
from collectlint.models import CATEGORIES
from collectlint.respond import ARTICLE_SECTIONS
from collectlint.rules.literals import parse_pattern
from collectlint.rules.loader import builtin_rules_dir, load_rule_pack
from collectlint.rules.selftest import weak_triggers

from .conftest import EXAMPLES, ROOT

RULESET = load_rule_pack([builtin_rules_dir()])
TEXT_RULES = [r for r in RULESET.rules if r.matcher is not None]


def test_size_and_coverage():
    assert len(RULESET.rules) >= 60
    per_category = Counter(r.spec.category for r in RULESET.rules)
    assert set(per_category) == set(CATEGORIES)
    assert min(per_category.values()) >= 3, per_category


@pytest.mark.parametrize("rule", RULESET.rules, ids=lambda r: r.id)
def test_rule_is_documented(rule):
    spec = rule.spec
    assert spec.message.strip() and spec.legal_basis
    assert all(b.law.strip() for b in spec.legal_basis)
    assert any(r.section in ARTICLE_SECTIONS for r in rule.responses), "needs a guide-section response"
    if rule.matcher is not None:
        assert len(spec.examples.match) >= 3 and len(spec.examples.no_match) >= 3


def test_responses_cover_every_guide_section():
    assert {r.section for r in RULESET.responses if r.section} == set(ARTICLE_SECTIONS)


def test_trigger_literals_are_selective():
    """A rule is looked at only where its trigger occurs; a trigger as common as 我们, an
    unknown single character or a speaker label would make nearly every sentence a
    candidate."""
    assert weak_triggers(RULESET) == []


@pytest.mark.parametrize("rule", [r for r in TEXT_RULES if getattr(r.spec, "pattern", None)], ids=lambda r: r.id)
def test_every_pattern_yields_its_literals(rule):
    """The literals each alternative requires are read with Python's own parser: syntax
    only `regex` knows (\\p{Han}) leaves the whole pattern to run on every utterance where
    the rule is a candidate, ten times the work of the alternatives whose literals occur."""
    assert parse_pattern(unicodedata.normalize("NFKC", rule.spec.pattern)) is not None


def test_every_rule_fires_somewhere_in_the_corpora():
    linter = Linter(RULESET)
    paths = [ROOT / "corpora" / "labelled" / "dev.jsonl", ROOT / "corpora" / "labelled" / "holdout.jsonl",
             *sorted(EXAMPLES.iterdir())]
    fired = {f.rule_id for d in linter.iter_paths(paths) for f in d.findings}
    silent = sorted(r.id for r in RULESET.rules if r.id not in fired)
    assert not silent, f"rules that never fire on the corpora: {silent}"
