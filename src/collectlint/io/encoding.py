"""Decode input bytes: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030 (a superset of GBK)."""

from __future__ import annotations

import codecs

from collectlint.errors import InputError


def decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"invalid UTF-16 text ({exc.reason} at byte {exc.start})") from None
    if b"\x00" in data:
        raise InputError("binary content (NUL bytes); expected text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot decode as UTF-8 or GB18030 (invalid byte at offset {exc.start})"
        ) from None


def sniff(head: bytes) -> str:
    """The encoding of a file that is read line by line, judged from its first bytes."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    return "utf-8"  # undecodable lines become error documents of their own
