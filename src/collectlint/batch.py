"""Rules over a whole batch: contacts per debtor per local day (GB/T 45251—2025: at most
three connected calls a day). Counted in input order as results stream past; the
contacts over the limit get the finding.

Split in three steps so that worker processes can do the first: `keys` (which counters a
result touches: pure), `count` (the batch state, kept by one process), `add` (the
findings for the limits exceeded)."""

from __future__ import annotations

from collectlint.clock import local_day
from collectlint.engine import Match, build_findings, first_span
from collectlint.models import Document, DocumentResult
from collectlint.rules.loader import RuleSet

Key = tuple[int, str, str]  # (rule index, debtor_id, local day)


class DailyLimits:
    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.rules = [(i, r) for i, r in enumerate(ruleset.rules) if r.spec.kind == "daily_limit"]
        self._counts: dict[Key, int] = {}

    def keys(self, result: DocumentResult) -> list[Key]:
        if not self.rules or result.status != "ok":
            return []
        debtor = result.metadata.get("debtor_id")
        sent_at = result.metadata.get("sent_at")
        day = local_day(str(sent_at)) if sent_at is not None else None
        if debtor is None or day is None:
            return []
        keys = []
        for i, rule in self.rules:
            spec = rule.spec
            if result.channel != spec.channel:  # type: ignore[union-attr]
                continue
            if spec.connected_only and not any(u.speaker == "borrower" for u in result.utterances):  # type: ignore[union-attr]
                continue
            keys.append((i, str(debtor), day))
        return keys

    def count(self, keys: list[Key]) -> list[int]:
        """Count these contacts; the indexes of the rules whose limit they exceed."""
        over = []
        for key in keys:
            self._counts[key] = n = self._counts.get(key, 0) + 1
            if n > self.ruleset.rules[key[0]].spec.limit:  # type: ignore[union-attr]
                over.append(key[0])
        return over

    def add(self, result: DocumentResult, rule_indexes: list[int]) -> DocumentResult:
        if not rule_indexes:
            return result
        document = Document(id=result.id, source=result.source, text=result.text,
                            channel=result.channel, utterances=result.utterances)  # type: ignore[arg-type]
        added: list[Match] = []
        for i in rule_indexes:
            span = first_span(document, self.ruleset.rules[i])
            if span is not None:
                added.append(span._replace(rule=i))
        result.findings = sorted(result.findings + build_findings(document, added, self.ruleset),
                                 key=lambda f: (f.start, f.end, f.rule_id))
        return result

    def apply(self, result: DocumentResult) -> DocumentResult:
        return self.add(result, self.count(self.keys(result)))
