"""The data that flows through the pipeline: Document → Finding → Report.

All offsets are code-point offsets into `Document.text`, never bytes.

Documents and utterances are created by the million in a batch and cross process
boundaries, so they are plain slotted dataclasses; the reports, whose shape is the
output contract, are pydantic models.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field

Speaker = Literal["collector", "borrower", "unknown"]
Channel = Literal["call", "sms", "wechat", "letter", "unknown"]
Severity = Literal["error", "warning", "info"]
Status = Literal["ok", "error"]
_M = TypeVar("_M", bound=BaseModel)


def built(cls: type[_M], **values: Any) -> _M:
    """An instance of a report model from values that need no validation (they come from
    validated rules and our own offsets), every field given. What `model_construct` does,
    without its per-field loop over defaults: a scan builds one result per document."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


CATEGORIES: dict[str, str] = {
    "threat_violence": "暴力威胁",
    "intimidation": "恐吓",
    "harassment": "骚扰",
    "insult": "侮辱",
    "impersonation": "冒充",
    "false_legal": "虚假法律后果",
    "third_party": "第三方催收",
    "privacy_exposure": "曝光隐私",
    "fee_abuse": "不当收费",
    "identity": "身份不明",
}
Category = Literal[
    "threat_violence",
    "intimidation",
    "harassment",
    "insult",
    "impersonation",
    "false_legal",
    "third_party",
    "privacy_exposure",
    "fee_abuse",
    "identity",
]

SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass(slots=True)  # not frozen: a frozen dataclass is several times slower to build
class Utterance:
    """One turn (or one message) inside a document: `text == document.text[start:end]`;
    `line` is the 1-based line of `start`."""

    index: int
    speaker: Speaker
    start: int
    end: int
    text: str
    line: int
    time: str | None = None


@dataclass(slots=True)
class Document:
    """One call transcript or message, already split into utterances."""

    id: str
    source: str
    text: str
    channel: Channel = "unknown"
    utterances: list[Utterance] = field(default_factory=list)
    sent_at: str | None = None
    debtor_id: str | None = None
    collector_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    # Set by a reader that could not read this document; it is reported, not scanned.
    error: str | None = None
    # The time of day (HH:MM:SS) the text shows without a date — a call's per-turn clock
    # stamps —, for the quiet-hours rules when there is no sent_at.
    clock_time: str | None = None


class _ReportModel(BaseModel):
    # Validators and serializers are built on first use: a scan builds its results with
    # `built` and validates none, so a one-message scan never pays for them.
    model_config = ConfigDict(defer_build=True)


class LegalBasis(_ReportModel):
    model_config = ConfigDict(extra="forbid")

    law: str
    article: str = ""


class Response(_ReportModel):
    """Advice to the borrower, based on a section of the negotiation guide (or practical)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    section: str | None = None
    title: str
    advice: str


class Finding(_ReportModel):
    rule_id: str
    category: Category
    severity: Severity
    message: str
    match: str
    start: int
    end: int
    line: int
    column: int
    utterance: int
    speaker: Speaker
    legal_basis: list[LegalBasis] = Field(default_factory=list)
    responses: list[Response] = Field(default_factory=list)


class DocumentResult(_ReportModel):
    id: str
    source: str
    channel: str
    status: Status = "ok"
    error: str | None = None
    findings: list[Finding] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
    # The original text and its turns, for formatters that show context (HTML, CSV);
    # not part of the JSON contract.
    text: str = Field(default="", exclude=True)
    utterances: list[Utterance] = Field(default_factory=list, exclude=True)


class Stat(NamedTuple):
    """What the summary needs of one document (small enough to send between processes)."""

    status: str
    findings: tuple[tuple[str, str, str], ...]  # (severity, category, rule_id)
    collector: str | None


@dataclass
class Summary:
    """Counts over a stream of documents, built one document at a time."""

    documents: int = 0
    documents_with_findings: int = 0
    documents_with_errors: int = 0
    findings: int = 0
    by_severity: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    by_collector: dict[str, Counter[str]] = field(default_factory=dict)
    worst: int = -1  # highest severity rank seen, -1 for none

    @staticmethod
    def stat_of(doc: DocumentResult) -> Stat:
        collector = doc.metadata.get("collector_id")
        return Stat(doc.status, tuple((f.severity, f.category, f.rule_id) for f in doc.findings),
                    None if collector is None else str(collector))

    def add(self, doc: DocumentResult) -> None:
        self.add_stat(self.stat_of(doc))

    def add_stat(self, stat: Stat) -> None:
        self.documents += 1
        self.documents_with_errors += stat.status == "error"
        self.documents_with_findings += bool(stat.findings)
        self.findings += len(stat.findings)
        per_collector = None
        if stat.collector is not None:
            per_collector = self.by_collector.setdefault(stat.collector, Counter())
        for severity, category, rule_id in stat.findings:
            self.by_severity[severity] += 1
            self.by_category[category] += 1
            self.by_rule[rule_id] += 1
            self.worst = max(self.worst, SEVERITY_RANK[severity])
            if per_collector is not None:
                per_collector[category] += 1

    @property
    def max_severity(self) -> str | None:
        return next((k for k, v in SEVERITY_RANK.items() if v == self.worst), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "documents_with_findings": self.documents_with_findings,
            "documents_with_errors": self.documents_with_errors,
            "findings": self.findings,
            "by_severity": dict(self.by_severity),
            "by_category": dict(self.by_category),
            "by_rule": dict(self.by_rule.most_common()),
            "by_collector": {c: dict(n) for c, n in sorted(self.by_collector.items())},
        }


class Report(_ReportModel):
    tool_version: str
    documents: list[DocumentResult] = Field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for d in self.documents for f in d.findings]

    def summary(self) -> Summary:
        summary = Summary()
        for doc in self.documents:
            summary.add(doc)
        return summary

    def max_severity(self) -> str | None:
        return self.summary().max_severity
