"""Run the `examples` embedded in rule files: every `match` must fire the rule,
no `no_match` may; and find triggers too weak to keep a scan fast. Used by
`collectlint test-rules` and by the test suite."""

from __future__ import annotations

from dataclasses import dataclass

from collectlint.engine import scan_document
from collectlint.io.readers import DocumentReader
from collectlint.io.transcript import DEFAULT_SPEAKER_LABELS
from collectlint.rules.literals import measured, share_of
from collectlint.rules.loader import CompiledRule, RuleSet
from collectlint.rules.schema import Example, ExampleRecord
from collectlint.text.tokenize import Tokenizer


@dataclass(frozen=True)
class ExampleFailure:
    rule_id: str
    expected: str  # "match" or "no_match"
    example: Example
    where: str

    def __str__(self) -> str:
        verb = "did not fire on" if self.expected == "match" else "fired on"
        text = self.example if isinstance(self.example, str) else self.example.model_dump_json(exclude_none=True)
        return f"{self.where}: rule {self.rule_id}: {verb} {self.expected} example 「{text}」"


_SINGLE: dict[int, RuleSet] = {}


def example_fires(rule: CompiledRule, example: Example, ruleset: RuleSet, tokenizer: Tokenizer,
                  reader: DocumentReader) -> bool:
    channels = rule.spec.scope.channels
    channel = channels[0] if channels else None
    if isinstance(example, ExampleRecord):
        document = reader.from_text(example.text, id="example", source="example",
                                    channel=example.channel or channel, sent_at=example.sent_at)
    else:
        document = reader.from_text(example, id="example", source="example", channel=channel)
    # A rule set of this rule alone, built once per rule (its prefilter is compiled on first
    # use), reading the pack's spelling variants as a scan does.
    single = _SINGLE.get(id(rule))
    if single is None or single.rules[0] is not rule:
        single = _SINGLE[id(rule)] = RuleSet((rule,), ruleset.responses, ruleset.user_dicts, ruleset.variants)
    return bool(scan_document(document, single, tokenizer))


def run_examples(ruleset: RuleSet, tokenizer: Tokenizer) -> tuple[int, list[ExampleFailure]]:
    """(number of examples run, failures)."""
    reader = DocumentReader()
    failures: list[ExampleFailure] = []
    count = 0
    for rule in ruleset.rules:
        if rule.spec.examples is None:  # batch rules: their examples are in the test suite
            continue
        where = f"{rule.path}:{rule.line}"
        for expected, examples, want in (("match", rule.spec.examples.match, True),
                                          ("no_match", rule.spec.examples.no_match, False)):
            for example in examples:
                count += 1
                if example_fires(rule, example, ruleset, tokenizer, reader) != want:
                    failures.append(ExampleFailure(rule.id, expected, example, where))
    return count, failures


# A trigger literal in this share of collector sentences or more makes its rule a
# candidate far too often (我们 is in three sentences of ten, 你 in more).
WEAK_SHARE = 0.15


def weak(literal: str) -> bool:
    """A speaker label, a literal that common, or a single character the frequency table
    does not know (the table measures every single character of the shipped pack)."""
    return (literal in DEFAULT_SPEAKER_LABELS or share_of(literal) >= WEAK_SHARE
            or (len(literal) < 2 and not measured(literal)))


def weak_triggers(ruleset: RuleSet) -> list[str]:
    """One line per rule whose prefilter trigger has a weak literal: such a rule is a
    candidate in a large share of sentences (or every turn), which slows every scan. The
    cure is a more specific literal group or a `literals:` list."""
    problems = []
    for index, trigger in sorted(ruleset.prefilter.triggers.items()):
        weak_ones = sorted(t for t in trigger if weak(t))
        if weak_ones:
            rule = ruleset.rules[index]
            problems.append(f"{rule.path}:{rule.line}: rule {rule.id}: weak trigger literals "
                            f"{', '.join(weak_ones)} (the prefilter's most selective literal group)")
    return problems
