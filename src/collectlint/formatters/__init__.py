"""Report → text. Each formatter streams: `begin()`, `document(doc)` per document, `end(summary)`."""

from __future__ import annotations

from collectlint.formatters.base import Formatter
from collectlint.formatters.json_format import JsonFormatter, JsonLinesFormatter
from collectlint.formatters.text import TextFormatter

FORMATTERS: dict[str, type[Formatter]] = {
    f.name: f for f in (TextFormatter, JsonFormatter, JsonLinesFormatter)
}

__all__ = ["FORMATTERS", "Formatter"]
