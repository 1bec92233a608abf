"""`--format json` (one object) and `--format jsonl` (one document object per line).

The json object is written as it streams: one document per line inside the
`documents` array, the summary last."""

from __future__ import annotations

import json
from typing import Any

from collectlint.formatters.base import Formatter
from collectlint.models import DocumentResult, Summary


def document_object(doc: DocumentResult) -> dict[str, Any]:
    return doc.model_dump(mode="json")


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


class JsonFormatter(Formatter):
    name = "json"
    separator = ","

    def begin(self) -> str:
        tool = {"name": "collectlint", "version": self.tool_version}
        return f'{{"tool": {_dumps(tool)},\n "documents": ['

    def document(self, doc: DocumentResult) -> str:
        return "\n  " + _dumps(document_object(doc))

    def end(self, summary: Summary) -> str:
        close = "\n ]" if summary.documents else "]"
        return f'{close},\n "summary": {_dumps(summary.as_dict())}}}\n'


class JsonLinesFormatter(Formatter):
    name = "jsonl"

    def document(self, doc: DocumentResult) -> str:
        return _dumps(document_object(doc)) + "\n"
