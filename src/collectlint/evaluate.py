"""Precision and recall of a rule pack against a labelled corpus.

Corpus records are JSONL documents (the scan input format) with `labels`: the category
ids a reviewer flags in the collector's speech, empty for compliant text. A document is
predicted positive for a category when a finding of that category has at least the
given severity (default: warning; info findings are hints, not alarms).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from collectlint.api import Linter
from collectlint.errors import InputError
from collectlint.models import CATEGORIES, SEVERITY_RANK


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Mistake:
    id: str
    expected: tuple[str, ...]
    predicted: tuple[str, ...]
    text: str
    evidence: tuple[str, ...] = ()


@dataclass
class Evaluation:
    documents: int = 0
    document: Scores = field(default_factory=Scores)
    categories: dict[str, Scores] = field(default_factory=lambda: {c: Scores() for c in CATEGORIES})
    false_positives: list[Mistake] = field(default_factory=list)
    misses: list[Mistake] = field(default_factory=list)
    label_counts: Counter[str] = field(default_factory=Counter)


def _records(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read corpus: {exc}") from None
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InputError(f"{path}:{number}: expected an object with a string 'text'")
        labels = record.get("labels", [])
        if not isinstance(labels, list) or any(label not in CATEGORIES for label in labels):
            raise InputError(f"{path}:{number}: 'labels' must be a list of category ids")
        records.append(record)
    return records


def evaluate(linter: Linter, path: Path, min_severity: str = "warning") -> Evaluation:
    result = Evaluation()
    floor = SEVERITY_RANK[min_severity]
    for i, record in enumerate(_records(path)):
        meta = {k: v for k, v in record.items() if k not in ("text", "labels", "note")}
        meta.setdefault("id", f"{path.name}:{i + 1}")
        report = linter.scan(record["text"], **meta)
        findings = [f for f in report.findings if SEVERITY_RANK[f.severity] >= floor]
        expected = set(record.get("labels", []))
        predicted = {f.category for f in findings}
        result.documents += 1
        result.label_counts.update(expected or {"(compliant)"})
        mistake = Mistake(str(meta["id"]), tuple(sorted(expected)), tuple(sorted(predicted)),
                          record["text"], tuple(f"{f.rule_id}「{f.match}」" for f in findings))
        if predicted and expected:
            result.document.tp += 1
        elif predicted:
            result.document.fp += 1
            result.false_positives.append(mistake)
        elif expected:
            result.document.fn += 1
            result.misses.append(mistake)
        for category, scores in result.categories.items():
            scores.tp += category in predicted and category in expected
            scores.fp += category in predicted and category not in expected
            scores.fn += category in expected and category not in predicted
        if expected and predicted and predicted != expected:
            if predicted - expected:
                result.false_positives.append(mistake)
            if expected - predicted:
                result.misses.append(mistake)
    return result


def render(ev: Evaluation, path: str, show: int = 20) -> str:
    d = ev.document
    out = [
        f"{path}: {ev.documents} documents ({ev.label_counts.get('(compliant)', 0)} compliant)",
        f"document level: precision {d.precision:.3f}  recall {d.recall:.3f}  F1 {d.f1:.3f}"
        f"  (tp {d.tp}, fp {d.fp}, fn {d.fn})",
        "",
        f"{'category':<18}{'labelled':>9}{'precision':>11}{'recall':>8}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}",
    ]
    for category, s in ev.categories.items():
        out.append(f"{category:<18}{ev.label_counts.get(category, 0):>9}{s.precision:>11.3f}"
                   f"{s.recall:>8.3f}{s.f1:>7.3f}{s.tp:>5}{s.fp:>5}{s.fn:>5}")
    for title, mistakes in (("false positives", ev.false_positives), ("misses", ev.misses)):
        out.append("")
        out.append(f"{title}: {len(mistakes)}" + (f" (first {show})" if len(mistakes) > show else ""))
        for m in mistakes[:show]:
            text = m.text.replace("\n", " / ")
            out.append(f"  {m.id}: expected {list(m.expected)} got {list(m.predicted)} "
                       f"{' '.join(m.evidence)}  | {text[:120]}")
    return "\n".join(out) + "\n"
