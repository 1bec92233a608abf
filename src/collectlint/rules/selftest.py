"""Run the `examples` embedded in rule files: every `match` must fire the rule,
no `no_match` may. Used by `collectlint test-rules` and by the test suite."""

from __future__ import annotations

from dataclasses import dataclass

from collectlint.io.readers import DocumentReader
from collectlint.rules.loader import CompiledRule, RuleSet
from collectlint.engine import scan_document
from collectlint.text.tokenize import Tokenizer


@dataclass(frozen=True)
class ExampleFailure:
    rule_id: str
    expected: str  # "match" or "no_match"
    example: str
    where: str

    def __str__(self) -> str:
        verb = "did not fire on" if self.expected == "match" else "fired on"
        return f"{self.where}: rule {self.rule_id}: {verb} {self.expected} example 「{self.example}」"


_SINGLE: dict[int, RuleSet] = {}


def example_fires(rule: CompiledRule, example: str, ruleset: RuleSet, tokenizer: Tokenizer,
                  reader: DocumentReader) -> bool:
    channels = rule.spec.scope.channels
    channel = channels[0] if channels else None
    document = reader.from_text(example, id="example", source="example", channel=channel)
    # A rule set of this rule alone, built once per rule (its prefilter is compiled on first use).
    single = _SINGLE.get(id(rule))
    if single is None or single.rules[0] is not rule:
        single = _SINGLE[id(rule)] = RuleSet((rule,), ruleset.responses, ruleset.user_dicts)
    return bool(scan_document(document, single, tokenizer))


def run_examples(ruleset: RuleSet, tokenizer: Tokenizer) -> tuple[int, list[ExampleFailure]]:
    """(number of examples run, failures)."""
    reader = DocumentReader()
    failures: list[ExampleFailure] = []
    count = 0
    for rule in ruleset.rules:
        where = f"{rule.path}:{rule.line}"
        for expected, examples, want in (("match", rule.spec.examples.match, True),
                                          ("no_match", rule.spec.examples.no_match, False)):
            for example in examples:
                count += 1
                if example_fires(rule, example, ruleset, tokenizer, reader) != want:
                    failures.append(ExampleFailure(rule.id, expected, example, where))
    return count, failures
