"""`--format text`: one finding per line, `path:line:col: severity rule_id [category] message 「match」`,
then the borrower responses for the document, then a summary line."""

from __future__ import annotations

from collectlint.formatters.base import Formatter
from collectlint.models import CATEGORIES, DocumentResult, Response, Summary

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_DIM, _BOLD, _RESET = "\033[2m", "\033[1m", "\033[0m"


class TextFormatter(Formatter):
    name = "text"

    def _paint(self, s: str, code: str) -> str:
        return f"{code}{s}{_RESET}" if self.colour else s

    def document(self, doc: DocumentResult) -> str:
        where = doc.id if doc.id != doc.source else doc.source
        if doc.status == "error":
            return f"{where}: {self._paint('error', _COLOURS['error'])} could not be scanned: {doc.error}\n"
        lines = []
        responses: dict[str, Response] = {}
        for f in doc.findings:
            sev = self._paint(f.severity, _COLOURS[f.severity])
            lines.append(f"{where}:{f.line}:{f.column}: {sev} {f.rule_id} [{f.category}] {f.message} 「{f.match}」")
            for r in f.responses:
                responses.setdefault(r.id, r)
        if responses:
            # Titles only, guide sections first; the full advice is in json output and `explain`.
            ordered = sorted(responses.values(), key=lambda r: (r.section is None, r.section or ""))
            lines.append(self._paint("  建议 (recommended responses):", _BOLD))
            lines.extend(f"    - {'§' + r.section + ' ' if r.section else ''}{r.title} [{r.id}]" for r in ordered)
        return "".join(line + "\n" for line in lines)

    def end(self, summary: Summary) -> str:
        sev = summary.by_severity
        cats = ", ".join(f"{CATEGORIES[c]} {n}" for c, n in summary.by_category.most_common())
        line = (
            f"{summary.documents} document(s) scanned, {summary.documents_with_findings} with findings: "
            f"{sev.get('error', 0)} error(s), {sev.get('warning', 0)} warning(s), {sev.get('info', 0)} info"
        )
        if cats:
            line += f" ({cats})"
        if summary.documents_with_errors:
            line += f"; {summary.documents_with_errors} document(s) could not be scanned"
        return (self._paint(line, _DIM) if not summary.findings else line) + "\n"
