"""Every rule's embedded examples, one test per rule (like `collectlint test-rules`)."""

import pytest

from collectlint.io.readers import DocumentReader
from collectlint.rules.loader import builtin_rules_dir, load_rule_pack
from collectlint.rules.selftest import example_fires, run_examples
from collectlint.text.tokenize import Tokenizer

RULESET = load_rule_pack([builtin_rules_dir()])
TOKENIZER = Tokenizer(RULESET.user_dicts)


@pytest.mark.parametrize("rule", [r for r in RULESET.rules if r.spec.examples is not None],
                         ids=lambda r: r.id)
def test_rule_examples(rule):
    reader = DocumentReader()
    missed = [e for e in rule.spec.examples.match if not example_fires(rule, e, RULESET, TOKENIZER, reader)]
    fired = [e for e in rule.spec.examples.no_match if example_fires(rule, e, RULESET, TOKENIZER, reader)]
    assert not missed, f"{rule.id} did not fire on {missed}"
    assert not fired, f"{rule.id} fired on {fired}"


def test_run_examples_reports_a_failing_example(tmp_path):
    rules = (builtin_rules_dir() / "threat_violence.yaml").read_text(encoding="utf-8")
    # turn a no_match example into a match example: the self-test must catch it
    broken = rules.replace("        - 你等着，这事没完。\n", "        - 你等着我帮你查一下账单明细。\n", 1)
    assert broken != rules
    (tmp_path / "tv.yaml").write_text(broken, encoding="utf-8")
    (tmp_path / "responses.yaml").write_text(
        (builtin_rules_dir() / "responses.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    ruleset = load_rule_pack([tmp_path])
    _, failures = run_examples(ruleset, TOKENIZER)
    assert [(f.rule_id, f.expected) for f in failures] == [("TV002", "match")]
