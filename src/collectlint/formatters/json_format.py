"""`--format json` (one object) and `--format jsonl` (one document object per line)."""

from __future__ import annotations

import json
from typing import Any

from collectlint.models import DocumentResult, Report


def document_object(doc: DocumentResult) -> dict[str, Any]:
    return doc.model_dump(mode="json")


def render(report: Report, **_: Any) -> str:
    payload = {
        "tool": {"name": "collectlint", "version": report.tool_version},
        "documents": [document_object(d) for d in report.documents],
        "summary": report.summary(),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def render_lines(report: Report, **_: Any) -> str:
    return "".join(json.dumps(document_object(d), ensure_ascii=False) + "\n" for d in report.documents)
