"""The formatter interface: output is produced while documents stream past, so a batch of
any size is written in bounded memory. A formatter that needs the whole report (SARIF,
HTML) keeps what it needs itself and writes it at `end`."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from collectlint import __version__
from collectlint.models import DocumentResult, Report, Summary

if TYPE_CHECKING:
    from collectlint.rules.loader import RuleSet


class Formatter:
    name: ClassVar[str]
    # True when document() depends on nothing but its document, so that worker processes
    # can render in parallel; False for formats that gather the whole report (SARIF, HTML).
    per_document: ClassVar[bool] = True
    # Written between two documents' output.
    separator: ClassVar[str] = ""

    def __init__(
        self, *, colour: bool = False, tool_version: str = __version__, rules: RuleSet | None = None
    ) -> None:
        self.colour = colour
        self.tool_version = tool_version
        # The loaded rules, for formatters that describe every rule (SARIF); optional.
        self.rules = rules

    def begin(self) -> str:
        return ""

    def document(self, doc: DocumentResult) -> str:
        return ""

    def end(self, summary: Summary) -> str:
        return ""

    def render(self, report: Report) -> str:
        """The whole output for a report held in memory."""
        parts = [self.begin(), self.separator.join(self.document(d) for d in report.documents),
                 self.end(report.summary())]
        return "".join(parts)
