"""Rules over a whole batch: contacts per debtor per local day (GB/T 45251—2025: at most
three connected calls a day). Counted in input order as results stream past; the
contacts over the limit get the finding."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from collectlint.clock import local_day
from collectlint.engine import Match, build_findings, first_span
from collectlint.models import Document, DocumentResult
from collectlint.rules.loader import RuleSet


class DailyLimits:
    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.rules = [(i, r) for i, r in enumerate(ruleset.rules) if r.spec.kind == "daily_limit"]
        self._counts: dict[tuple[int, str, str], int] = {}

    def apply(self, result: DocumentResult) -> DocumentResult:
        if not self.rules or result.status != "ok":
            return result
        debtor = result.metadata.get("debtor_id")
        sent_at = result.metadata.get("sent_at")
        day = local_day(str(sent_at)) if sent_at is not None else None
        if debtor is None or day is None:
            return result
        document = Document(id=result.id, source=result.source, text=result.text,
                            channel=result.channel, utterances=result.utterances)  # type: ignore[arg-type]
        added: list[Match] = []
        for i, rule in self.rules:
            spec = rule.spec
            if result.channel != spec.channel:  # type: ignore[union-attr]
                continue
            if spec.connected_only and not any(u.speaker == "borrower" for u in result.utterances):  # type: ignore[union-attr]
                continue
            key = (i, str(debtor), day)
            self._counts[key] = count = self._counts.get(key, 0) + 1
            if count > spec.limit:  # type: ignore[union-attr]
                span = first_span(document, rule)
                if span is not None:
                    added.append(span._replace(rule=i))
        if added:
            result.findings = sorted(result.findings + build_findings(document, added, self.ruleset),
                                     key=lambda f: (f.start, f.end, f.rule_id))
        return result

    def stream(self, results: Iterable[DocumentResult]) -> Iterator[DocumentResult]:
        for result in results:
            yield self.apply(result)
