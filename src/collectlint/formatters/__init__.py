"""Report → text. Each formatter streams: `begin()`, `document(doc)` per document,
`end(summary)`."""

from __future__ import annotations

from collectlint.formatters.base import Formatter
from collectlint.formatters.csv_format import CsvFormatter
from collectlint.formatters.html import HtmlFormatter
from collectlint.formatters.json_format import JsonFormatter, JsonLinesFormatter
from collectlint.formatters.sarif import SarifFormatter
from collectlint.formatters.text import TextFormatter

FORMATTERS: dict[str, type[Formatter]] = {
    f.name: f
    for f in (TextFormatter, JsonFormatter, JsonLinesFormatter, CsvFormatter, SarifFormatter,
              HtmlFormatter)
}

__all__ = ["FORMATTERS", "Formatter"]
