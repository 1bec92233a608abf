"""`--format sarif`: SARIF 2.1.0 for code-scanning dashboards and review tools.

One run; `tool.driver.rules` describes every loaded rule (when the formatter is given the
RuleSet), one result per finding. Regions count Unicode code points (`columnKind`), the
same offsets as the JSON output: for a JSONL document they are relative to its `text`
field, and `result.properties.documentId` names the document. Documents that could not be
scanned become tool execution notifications of the invocation.

The log is streamed: the tool section at `begin`, one result per line as documents pass,
the invocation (which needs to know about every failure) at `end`.
"""

from __future__ import annotations

import json
from pathlib import PureWindowsPath
from typing import Any
from urllib.parse import quote

from collectlint.formatters.base import Formatter
from collectlint.models import CATEGORIES, DocumentResult, Finding, Summary

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def artifact_uri(source: str) -> str:
    """A document source (a path as given, or `-`) as a URI reference."""
    if source == "-":
        return "stdin"
    path = source.replace("\\", "/")
    if path.startswith("/"):
        return "file://" + quote(path)
    if PureWindowsPath(source).drive:
        return "file:///" + quote(path, safe="/:")
    return quote(path)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class SarifFormatter(Formatter):
    name = "sarif"
    per_document = False  # gathers the whole report; rendered in one process

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._rule_index: dict[str, int] = {}
        self._first = True
        self._notifications: list[dict[str, Any]] = []

    def _rules(self) -> list[dict[str, Any]]:
        if self.rules is None:
            return []
        described = []
        for index, rule in enumerate(self.rules.rules):
            spec = rule.spec
            self._rule_index[spec.id] = index
            short = spec.message.replace("{match}", "…")
            help_lines = [spec.description or short, "", "法律依据 (legal basis):"]
            help_lines += [f"- {b.law} {b.article}".rstrip() for b in spec.legal_basis]
            help_lines += ["", "借款人可以这样应对 (borrower responses):"]
            help_lines += [f"- {'§' + r.section + ' ' if r.section else ''}{r.title}：{r.advice}"
                           for r in rule.responses]
            described.append({
                "id": spec.id,
                "name": spec.name,
                "shortDescription": {"text": short},
                "fullDescription": {"text": spec.description or short},
                "help": {"text": "\n".join(help_lines)},
                "defaultConfiguration": {"level": LEVELS[spec.severity]},
                "properties": {
                    "tags": [spec.category, CATEGORIES[spec.category]],
                    "category": spec.category,
                    "severity": spec.severity,
                    "legalBasis": [b.model_dump() for b in spec.legal_basis],
                    "responses": [r.id for r in rule.responses],
                },
            })
        return described

    def begin(self) -> str:
        driver = {"name": "collectlint", "version": self.tool_version, "rules": self._rules()}
        return (f'{{"$schema": {_dumps(SARIF_SCHEMA)},\n "version": "{SARIF_VERSION}",\n'
                f' "runs": [{{"tool": {{"driver": {_dumps(driver)}}},\n'
                f'  "columnKind": "unicodeCodePoints",\n  "results": [')

    def _result(self, doc: DocumentResult, f: Finding) -> dict[str, Any]:
        if doc.text:
            end_line, end_column = _line_col(doc.text, f.end)
        else:  # a result built without its text: a match within one line
            end_line, end_column = f.line, f.column + len(f.match)
        result: dict[str, Any] = {"ruleId": f.rule_id}
        if f.rule_id in self._rule_index:
            result["ruleIndex"] = self._rule_index[f.rule_id]
        result |= {
            "level": LEVELS[f.severity],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(doc.source)},
                "region": {
                    "startLine": f.line, "startColumn": f.column,
                    "endLine": end_line, "endColumn": end_column,
                    "charOffset": f.start, "charLength": f.end - f.start,
                    "snippet": {"text": f.match},
                },
            }}],
        }
        properties: dict[str, Any] = {"category": f.category, "speaker": f.speaker}
        if doc.id != doc.source:  # a document of a JSONL file: regions are relative to its text
            properties["documentId"] = doc.id
        result["properties"] = properties
        return result

    def document(self, doc: DocumentResult) -> str:
        if doc.status == "error":
            notification: dict[str, Any] = {
                "level": "error",
                "message": {"text": f"could not be scanned: {doc.error}"},
                "locations": [
                    {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(doc.source)}}}],
            }
            if doc.id != doc.source:
                notification["properties"] = {"documentId": doc.id}
            self._notifications.append(notification)
            return ""
        parts = []
        for f in doc.findings:
            parts.append(("\n   " if self._first else ",\n   ") + _dumps(self._result(doc, f)))
            self._first = False
        return "".join(parts)

    def end(self, summary: Summary) -> str:
        invocation: dict[str, Any] = {"executionSuccessful": not self._notifications}
        if self._notifications:
            invocation["toolExecutionNotifications"] = self._notifications
        close = "]" if self._first else "\n  ]"
        return f'{close},\n  "invocations": [{_dumps(invocation)}]}}]}}\n'
