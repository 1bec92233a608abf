"""`--redact`: mask personal data in a result before any formatter sees it.

Masked: mainland mobile numbers (optionally +86, with spaces or dashes), 18-digit ID card
numbers, bank card numbers (16–19 digits, spaces or dashes allowed) and e-mail addresses.
Every character of such a span becomes `*`, except the first 3 and last 4 digits of a
mobile number (138****5678) and the last 4 digits of a bank card — the way Chinese lenders
print them. Lengths never change, so every offset stays valid and
`text[start:end] == match` still holds against the redacted text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from collectlint.models import DocumentResult, Utterance

MASK = "*"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# 18 digits (the last may be X), optionally grouped 6-8-4 by spaces or dashes.
_ID_CARD = re.compile(r"(?<![\dA-Za-z])\d{6}[ -]?\d{8}[ -]?\d{3}[\dXx](?![\dA-Za-z])")
_BANK_CARD = re.compile(r"(?<!\d)\d(?:[ -]?\d){15,18}(?!\d)")
_MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[ -]?)?(?P<number>1[3-9]\d(?:[ -]?\d){8})(?!\d)")


# Full-width forms (１３８, ＋８６, ＠) are matched like ASCII: one character for one, so
# positions in this shadow text are positions in the original.
_HALF_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _mask_all(m: re.Match[str]) -> set[int]:
    return set(range(*m.span()))


def _keep_digits(m: re.Match[str], first: int, last: int, group: int | str = 0) -> set[int]:
    """Positions to mask: the whole match but the first `first` and last `last` digits of
    `group` (with the separators between the kept digits)."""
    g_start, g_end = m.span(group)
    digits = [i for i in range(g_start, g_end) if m.string[i].isdigit()]
    keep: set[int] = set()
    if first:
        keep |= set(range(g_start, digits[first - 1] + 1))
    if last:
        keep |= set(range(digits[-last], g_end))
    return set(range(*m.span())) - keep


_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], set[int]]], ...] = (
    # Order matters: a masked span has no digits left for the patterns after it.
    (_EMAIL, _mask_all),
    (_ID_CARD, _mask_all),
    (_BANK_CARD, lambda m: _keep_digits(m, 0, 4)),
    (_MOBILE, lambda m: _keep_digits(m, 3, 4, "number")),
)


def redact_text(text: str) -> str:
    """`text` with personal data masked; always the same length as `text`."""
    shadow = text.translate(_HALF_WIDTH)
    masked: set[int] = set()
    for pattern, mask in _PATTERNS:
        hits = set().union(*(mask(m) for m in pattern.finditer(shadow)))
        if hits:
            masked |= hits
            shadow = "".join(MASK if i in hits else c for i, c in enumerate(shadow))
    if not masked:
        return text
    return "".join(MASK if i in masked else c for i, c in enumerate(text))


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: _redact_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(v) for v in value]
    return value


def _with_text(turn: Utterance, text: str) -> Utterance:
    if dataclasses.is_dataclass(turn):
        return dataclasses.replace(turn, text=text)
    return turn.model_copy(update={"text": text})  # a pydantic model


def redact_document(doc: DocumentResult) -> DocumentResult:
    """A copy of `doc` with its text, turns, finding matches and messages (which may quote
    the match), error and string metadata masked. Offsets are unchanged."""
    text = redact_text(doc.text)
    utterances = [_with_text(u, text[u.start:u.end]) for u in doc.utterances]
    findings = [
        f.model_copy(update={"match": text[f.start:f.end] if text else redact_text(f.match),
                             "message": redact_text(f.message)})
        for f in doc.findings
    ]
    return doc.model_copy(update={
        "text": text,
        "utterances": utterances,
        "findings": findings,
        "error": None if doc.error is None else redact_text(doc.error),
        "metadata": _redact_value(doc.metadata),
    })
