"""Paths → Documents. A file or record that cannot be read becomes a Document with
`error` set, so that it is still reported and the rest of the batch goes on."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, get_args

from collectlint.errors import InputError
from collectlint.io.encoding import decode
from collectlint.io.transcript import TranscriptParser
from collectlint.models import Channel, Document, Speaker

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES
_KNOWN_FIELDS = ("id", "text", "channel", "speaker", "sent_at", "debtor_id", "collector_id")
_CHANNELS = set(get_args(Channel))
_SPEAKERS = set(get_args(Speaker))


class DocumentReader:
    def __init__(self, parser: TranscriptParser | None = None) -> None:
        self.parser = parser or TranscriptParser()

    def from_text(self, text: str, *, id: str = "<text>", source: str = "<text>",
                  channel: str | None = None, speaker: str | None = None,
                  **meta: Any) -> Document:
        """One document from a string (a transcript or a message)."""
        default: Speaker = speaker if speaker in _SPEAKERS else "collector"  # type: ignore[assignment]
        utterances, labelled = self.parser.parse(text, default_speaker=default)
        if channel is None:
            channel = "call" if labelled else "sms"
        if channel not in _CHANNELS:
            raise InputError(f"unknown channel {channel!r} (expected one of {', '.join(sorted(_CHANNELS))})")
        fields = {k: meta.pop(k) for k in ("sent_at", "debtor_id", "collector_id") if k in meta}
        return Document(id=id, source=source, text=text, channel=channel,  # type: ignore[arg-type]
                        utterances=utterances, metadata=meta,
                        **{k: None if v is None else str(v) for k, v in fields.items()})

    def read_paths(self, paths: Iterable[str]) -> Iterator[Document]:
        """Every document under the given paths, in order; directories are walked recursively."""
        for raw in paths:
            if raw == "-":
                yield from self._read_stdin()
                continue
            path = Path(raw)
            if path.is_dir():
                files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
                for file in files:
                    yield from self.read_file(file)
            else:
                yield from self.read_file(path)

    def read_file(self, path: Path) -> Iterator[Document]:
        source = str(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            yield _error_document(source, source, "no such file")
            return
        except OSError as exc:
            yield _error_document(source, source, f"cannot read: {exc.strerror or exc}")
            return
        if path.suffix.lower() in JSONL_SUFFIXES:
            yield from self._read_jsonl(data, source)
        else:
            yield self._read_text(data, source, source)

    def _read_stdin(self) -> Iterator[Document]:
        yield self._read_text(sys.stdin.buffer.read(), "-", "<stdin>")

    def _read_text(self, data: bytes, source: str, doc_id: str) -> Document:
        try:
            return self.from_text(decode(data), id=doc_id, source=source)
        except InputError as exc:
            return _error_document(doc_id, source, str(exc))

    def _read_jsonl(self, data: bytes, source: str) -> Iterator[Document]:
        try:
            text = decode(data)
        except InputError as exc:
            yield _error_document(source, source, str(exc))
            return
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            where = f"{source}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield _error_document(where, source, f"line {number}: invalid JSON ({exc.msg})")
                continue
            try:
                yield self._from_record(record, where, source)
            except InputError as exc:
                doc_id = record.get("id") if isinstance(record, dict) else None
                yield _error_document(str(doc_id) if doc_id is not None else where, source,
                                      f"line {number}: {exc}")


    def _from_record(self, record: Any, where: str, source: str) -> Document:
        if not isinstance(record, dict):
            raise InputError("expected a JSON object")
        text = record.get("text")
        if not isinstance(text, str):
            raise InputError("missing string field 'text'")
        doc_id = record.get("id")
        meta = {k: v for k, v in record.items() if k not in _KNOWN_FIELDS}
        speaker = record.get("speaker")
        if speaker is not None and speaker not in _SPEAKERS:
            raise InputError(f"unknown speaker {speaker!r}")
        for key in ("sent_at", "debtor_id", "collector_id"):
            if record.get(key) is not None:
                meta[key] = record[key]
        return self.from_text(text, id=str(doc_id) if doc_id is not None else where, source=source,
                              channel=record.get("channel"), speaker=speaker, **meta)


def _error_document(doc_id: str, source: str, message: str) -> Document:
    return Document(id=doc_id, source=source, text="", error=message)
