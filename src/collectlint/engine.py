"""RuleSet × Document → findings. Applies scope, matchers and exceptions per utterance,
and maps every match back to the original text of the document."""

from __future__ import annotations

from bisect import bisect_right

from collectlint.models import Document, Finding, Utterance
from collectlint.rules.loader import CompiledRule, RuleSet
from collectlint.rules.matchers import Hit, MatchContext
from collectlint.rules.matchers.regex import RegexTimeout
from collectlint.text.normalize import normalize
from collectlint.text.tokenize import Tokenizer


class RuleTimeout(Exception):
    """A rule's pattern exceeded its time limit on a document."""

    def __init__(self, rule_id: str) -> None:
        super().__init__(f"rule {rule_id}: regular expression timed out; document not fully scanned")
        self.rule_id = rule_id


class LineIndex:
    """Code-point offset → (line, column), both 1-based."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def _in_scope(rule: CompiledRule, utterance: Utterance, document: Document) -> bool:
    scope = rule.spec.scope
    if utterance.speaker not in scope.speakers:
        return False
    return scope.channels is None or document.channel in scope.channels


def scan_document(document: Document, ruleset: RuleSet, tokenizer: Tokenizer) -> list[Finding]:
    lines = LineIndex(document.text)
    findings: list[Finding] = []
    for utterance in document.utterances:
        rules = [r for r in ruleset.rules if _in_scope(r, utterance, document)]
        if not rules or not utterance.text.strip():
            continue
        normalized = normalize(utterance.text)
        ctx = MatchContext(normalized, tokenizer)
        for rule in rules:
            try:
                hits = rule.matcher.find(ctx)
            except RegexTimeout:
                raise RuleTimeout(rule.id) from None
            for hit in _distinct(hits):
                if rule.exceptions.silences(ctx, hit):
                    continue
                findings.append(_finding(rule, hit, ctx, utterance, document, lines))
    findings.sort(key=lambda f: (f.start, f.end, f.rule_id))
    return findings


def _distinct(hits: list[Hit]) -> list[Hit]:
    """Overlapping hits of one rule are one finding: keep the earliest, longest of each cluster."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def _finding(
    rule: CompiledRule,
    hit: Hit,
    ctx: MatchContext,
    utterance: Utterance,
    document: Document,
    lines: LineIndex,
) -> Finding:
    local_start, local_end = ctx.normalized.source_span(hit.start, hit.end)
    start, end = utterance.start + local_start, utterance.start + local_end
    match = document.text[start:end]
    line, column = lines.position(start)
    spec = rule.spec
    return Finding(
        rule_id=spec.id,
        category=spec.category,
        severity=spec.severity,
        message=spec.message.replace("{match}", match),
        match=match,
        start=start,
        end=end,
        line=line,
        column=column,
        utterance=utterance.index,
        speaker=utterance.speaker,
        legal_basis=list(spec.legal_basis),
        responses=list(rule.responses),
    )
