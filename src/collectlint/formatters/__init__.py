"""Report → text. Each formatter is a pure function `render(report, **options) -> str`."""

from __future__ import annotations

from collections.abc import Callable

from collectlint.formatters import json_format, text

FORMATTERS: dict[str, Callable[..., str]] = {
    "text": text.render,
    "json": json_format.render,
    "jsonl": json_format.render_lines,
}
