"""`--format text`: one finding per line, `path:line:col: severity rule_id [category] message 「match」`,
then the borrower responses for the document, then a summary line."""

from __future__ import annotations

from typing import Any

from collectlint.models import CATEGORIES, DocumentResult, Report, Response

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_DIM, _BOLD, _RESET = "\033[2m", "\033[1m", "\033[0m"


def _paint(s: str, code: str, colour: bool) -> str:
    return f"{code}{s}{_RESET}" if colour else s


def _where(doc: DocumentResult) -> str:
    return doc.id if doc.id != doc.source else doc.source


def _document_lines(doc: DocumentResult, colour: bool) -> list[str]:
    where = _where(doc)
    if doc.status == "error":
        return [f"{where}: {_paint('error', _COLOURS['error'], colour)} could not be scanned: {doc.error}"]
    lines = []
    responses: dict[str, Response] = {}
    for f in doc.findings:
        sev = _paint(f.severity, _COLOURS[f.severity], colour)
        lines.append(f"{where}:{f.line}:{f.column}: {sev} {f.rule_id} [{f.category}] {f.message} 「{f.match}」")
        for r in f.responses:
            responses.setdefault(r.id, r)
    if responses:
        # Titles only, guide sections first; the full advice is in json output and `explain`.
        ordered = sorted(responses.values(), key=lambda r: (r.section is None, r.section or ""))
        lines.append(_paint("  建议 (recommended responses):", _BOLD, colour))
        lines.extend(f"    - {'§' + r.section + ' ' if r.section else ''}{r.title} [{r.id}]" for r in ordered)
    return lines


def render(report: Report, *, colour: bool = False, **_: Any) -> str:
    out: list[str] = []
    for doc in report.documents:
        out.extend(_document_lines(doc, colour))
    s = report.summary()
    sev = s["by_severity"]
    cats = ", ".join(f"{CATEGORIES[c]} {n}" for c, n in sorted(s["by_category"].items(), key=lambda kv: -kv[1]))
    line = (
        f"{s['documents']} document(s) scanned, {s['documents_with_findings']} with findings: "
        f"{sev.get('error', 0)} error(s), {sev.get('warning', 0)} warning(s), {sev.get('info', 0)} info"
    )
    if cats:
        line += f" ({cats})"
    if s["documents_with_errors"]:
        line += f"; {s['documents_with_errors']} document(s) could not be scanned"
    out.append(_paint(line, _DIM, colour) if not report.findings else line)
    return "\n".join(out) + "\n"
