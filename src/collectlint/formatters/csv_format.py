"""`--format csv`: one row per finding, for spreadsheets and BI tools.

UTF-8 with a byte-order mark (so Excel reads the Chinese text), a header row, quoting by
the `csv` module. A document that could not be scanned gets one row with severity
`error`, no rule id and the error as its message.

Transcripts are untrusted text: a cell that starts with = + - @ (or a tab or carriage
return) would run as a formula in a spreadsheet, so such cells get a leading
apostrophe, which spreadsheets show as plain text."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from collectlint.formatters.base import Formatter
from collectlint.models import DocumentResult, Finding, Summary

COLUMNS = (
    "document_id", "source", "line", "column", "rule_id", "category", "severity",
    "message", "match", "context", "legal_basis", "response",
)
CONTEXT_CHARS = 20
_NEWLINES = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")


def context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """`width` characters either side of text[start:end], line breaks as spaces."""
    return _NEWLINES.sub(" ", text[max(0, start - width):end + width])


def _legal_basis(f: Finding) -> str:
    return "; ".join(f"{b.law} {b.article}".strip() for b in f.legal_basis)


def _first_response(f: Finding) -> str:
    if not f.responses:
        return ""
    r = f.responses[0]
    return f"§{r.section} {r.title}" if r.section else r.title


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _defuse(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


class CsvFormatter(Formatter):
    name = "csv"

    def _rows(self, rows: Iterable[Iterable[object]]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer).writerows([_defuse(cell) for cell in row] for row in rows)
        return buffer.getvalue()

    def begin(self) -> str:
        return "\ufeff" + self._rows([COLUMNS])

    def document(self, doc: DocumentResult) -> str:
        if doc.status == "error":
            return self._rows([[doc.id, doc.source, "", "", "", "", "error", doc.error or "",
                                "", "", "", ""]])
        return self._rows(
            [doc.id, doc.source, f.line, f.column, f.rule_id, f.category, f.severity, f.message,
             f.match, context(doc.text, f.start, f.end), _legal_basis(f), _first_response(f)]
            for f in doc.findings
        )

    def end(self, summary: Summary) -> str:
        return ""
