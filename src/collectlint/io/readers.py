"""Paths → Documents. A file or record that cannot be read becomes a Document with
`error` set, so that it is still reported and the rest of the batch goes on."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple, get_args

from collectlint.clock import local_time
from collectlint.errors import InputError
from collectlint.io.asr import is_single_record, render_transcript
from collectlint.io.encoding import decode, sniff
from collectlint.io.transcript import TranscriptParser
from collectlint.models import Channel, Document, Speaker

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json",)
CSV_SUFFIXES = (".csv",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + JSON_SUFFIXES + CSV_SUFFIXES
# Names of the text column of a CSV file, compared without case.
CSV_TEXT_COLUMNS = ("text", "content", "message", "transcript", "内容", "文本", "短信内容", "通话内容", "对话内容")
CSV_ID_COLUMNS = ("id", "document_id", "编号", "记录id")
# A single document larger than this is reported as an error instead of being scanned:
# scanning keeps a few copies of the text, and nothing real comes near this size.
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
# JSONL files are read in blocks of whole lines of about this size.
BLOCK_BYTES = 256 * 1024
_TOO_LARGE = f"document larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB; not scanned"
_KNOWN_FIELDS = ("id", "text", "channel", "speaker", "sent_at", "debtor_id", "collector_id")
_CHANNELS = set(get_args(Channel))
_SPEAKERS = set(get_args(Speaker))


class DocumentReader:
    def __init__(self, parser: TranscriptParser | None = None,
                 asr_roles: Mapping[str, Speaker] | None = None) -> None:
        self.parser = parser or TranscriptParser()
        self.asr_roles = asr_roles

    def from_text(self, text: str, *, id: str = "<text>", source: str = "<text>",
                  channel: str | None = None, speaker: str | None = None,
                  **meta: Any) -> Document:
        """One document from a string (a transcript or a message)."""
        default: Speaker = speaker if speaker in _SPEAKERS else "collector"  # type: ignore[assignment]
        transcript = self.parser.parse(text, default_speaker=default)
        utterances = transcript.utterances
        if channel is None:
            channel = "call" if transcript.labelled else "sms"
        if channel not in _CHANNELS:
            raise InputError(f"unknown channel {channel!r} (expected one of {', '.join(sorted(_CHANNELS))})")
        fields = {k: meta.pop(k) for k in ("sent_at", "debtor_id", "collector_id") if k in meta}
        if fields.get("sent_at") is None and transcript.time is not None:
            fields["sent_at"] = transcript.time
        if fields.get("sent_at") is not None and local_time(str(fields["sent_at"])) is None:
            raise InputError(f"sent_at is not an ISO 8601 time: {fields['sent_at']!r}")
        return Document(id=id, source=source, text=text, channel=channel,  # type: ignore[arg-type]
                        utterances=utterances, metadata=meta,
                        clock_time=transcript.clock if fields.get("sent_at") is None else None,
                        **{k: None if v is None else str(v) for k, v in fields.items()})

    def read_paths(self, paths: Iterable[str]) -> Iterator[Document]:
        """Every document under the given paths, in order; directories are walked recursively."""
        for item in raw_inputs(paths):
            yield from self.documents(item)

    def documents(self, item: RawInput) -> Iterator[Document]:
        """The documents of one raw input (a JSONL line, a file, standard input)."""
        if item.kind == "line":
            yield self._from_jsonl_line(item.payload, item.number, item.source, item.encoding)
        elif item.kind == "lines":
            for number, line in block_lines(item.payload, item.number):
                yield self._from_jsonl_line(line, number, item.source, item.encoding)
        elif item.kind == "stdin":
            yield self._read_text(item.payload, "-", "<stdin>")
        elif item.kind == "error":
            yield _error_document(item.source, item.source, item.payload)
        else:
            yield from self.read_file(Path(item.source))

    def read_file(self, path: Path) -> Iterator[Document]:
        source = str(path)
        suffix = path.suffix.lower()
        try:
            if suffix in JSONL_SUFFIXES:
                with path.open("rb") as fh:
                    yield from self._read_jsonl(fh, source)
                return
            if suffix in CSV_SUFFIXES:
                with path.open("rb") as fh:
                    yield from self._read_csv(fh, source)
                return
            with path.open("rb") as fh:
                data = fh.read(MAX_DOCUMENT_BYTES + 1)
        except FileNotFoundError:
            yield _error_document(source, source, "no such file")
            return
        except IsADirectoryError:
            yield _error_document(source, source, "is a directory")
            return
        except OSError as exc:
            yield _error_document(source, source, f"cannot read: {exc.strerror or exc}")
            return
        if suffix in JSON_SUFFIXES:
            yield self._read_json(data, source)
        else:
            yield self._read_text(data, source, source)

    def _read_json(self, data: bytes, source: str) -> Document:
        """An ASR transcript (see io/asr.py), or one record shaped like a JSONL line."""
        if len(data) > MAX_DOCUMENT_BYTES:
            return _error_document(source, source, _TOO_LARGE)
        try:
            parsed = json.loads(decode(data))
        except InputError as exc:
            return _error_document(source, source, str(exc))
        except json.JSONDecodeError as exc:
            return _error_document(source, source, f"invalid JSON ({exc.msg} at line {exc.lineno})")
        try:
            if is_single_record(parsed):
                return self._from_record(parsed, source, source)
            text = render_transcript(parsed, self.asr_roles, self.parser.labels)
            return self.from_text(text, id=source, source=source, channel="call")
        except InputError as exc:
            return _error_document(source, source, str(exc))

    def _read_csv(self, fh: BinaryIO, source: str) -> Iterator[Document]:
        """One document per row; the text column is found by name (CSV_TEXT_COLUMNS)."""
        encoding = sniff(fh.read(65536))
        fh.seek(0)
        try:
            stream = io.TextIOWrapper(fh, encoding="utf-8-sig" if encoding == "utf-8" else encoding,
                                      newline="")
            reader = csv.DictReader(stream)
            columns = {name.strip().lower(): name for name in reader.fieldnames or [] if name}
            text_column = next((columns[c] for c in CSV_TEXT_COLUMNS if c in columns), None)
            if text_column is None:
                yield _error_document(source, source, "CSV has no text column (one of: "
                                      + ", ".join(CSV_TEXT_COLUMNS) + ")")
                return
            id_column = next((columns[c] for c in CSV_ID_COLUMNS if c in columns), None)
            for number, row in enumerate(reader, start=2):
                where = f"{source}:{number}"
                record = {_csv_key(k): v for k, v in row.items()
                          if k is not None and k not in (text_column, id_column) and v not in (None, "")}
                record["text"] = row.get(text_column) or ""
                if id_column is not None and row.get(id_column):
                    record["id"] = row[id_column]
                try:
                    yield self._from_record(record, where, source)
                except InputError as exc:
                    yield _error_document(record.get("id", where), source, f"row {number}: {exc}")
        except (UnicodeDecodeError, csv.Error) as exc:
            yield _error_document(source, source, f"cannot read CSV: {exc}")

    def _read_text(self, data: bytes, source: str, doc_id: str) -> Document:
        if len(data) > MAX_DOCUMENT_BYTES:
            return _error_document(doc_id, source, _TOO_LARGE)
        try:
            return self.from_text(decode(data), id=doc_id, source=source)
        except InputError as exc:
            return _error_document(doc_id, source, str(exc))

    def _read_jsonl(self, fh: BinaryIO, source: str) -> Iterator[Document]:
        """One record per line, read a block of lines at a time: a batch of any size in
        bounded memory."""
        for item in jsonl_blocks(fh, source):
            yield from self.documents(item)

    def _from_jsonl_line(self, raw: bytes | None, number: int, source: str, encoding: str) -> Document:
        where = f"{source}:{number}"
        if raw is None:
            return _error_document(where, source, f"line {number}: {_TOO_LARGE}")
        try:
            line = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            return _error_document(where, source, f"line {number}: cannot decode as {encoding} "
                                                  f"(invalid byte at offset {exc.start})")
        if number == 1:
            line = line.lstrip("\ufeff")
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            return _error_document(where, source, f"line {number}: invalid JSON ({exc.msg})")
        try:
            return self._from_record(record, where, source)
        except InputError as exc:
            doc_id = record.get("id") if isinstance(record, dict) else None
            return _error_document(str(doc_id) if doc_id is not None else where, source,
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


class RawInput(NamedTuple):
    """A unit of input before decoding: cheap to find and to send to a worker process.
    kind: "lines" (whole lines of a JSONL file: payload bytes, number the first line's),
    "line" (one JSONL line: payload bytes, or None when over the size limit), "file"
    (any other file, read whole by `DocumentReader.documents`), "stdin" (payload bytes)
    or "error" (payload: why the path cannot be read)."""

    kind: str
    source: str
    payload: Any = None
    number: int = 0
    encoding: str = "utf-8"


def raw_inputs(paths: Iterable[str], block_bytes: int = BLOCK_BYTES) -> Iterator[RawInput]:
    """The raw inputs of the given paths, in order: JSONL files in blocks of whole lines
    (about `block_bytes` each), other files whole, directories walked recursively in name
    order."""
    for raw in paths:
        if raw == "-":
            yield RawInput("stdin", "-", sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1))
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            files = [path]
        for file in files:
            if file.suffix.lower() not in JSONL_SUFFIXES:
                yield RawInput("file", str(file))
                continue
            try:
                with file.open("rb") as fh:
                    yield from jsonl_blocks(fh, str(file), block_bytes)
            except FileNotFoundError:
                yield RawInput("error", str(file), "no such file")
            except IsADirectoryError:
                yield RawInput("error", str(file), "is a directory")
            except OSError as exc:
                yield RawInput("error", str(file), f"cannot read: {exc.strerror or exc}")


def jsonl_blocks(fh: BinaryIO, source: str, block_bytes: int = BLOCK_BYTES) -> Iterator[RawInput]:
    """A JSONL file as blocks of whole lines with the file's encoding. Whoever reads the
    file handles a block, not each line (splitting, decoding and parsing happen where the
    block is scanned, in a worker process when there are several); a line over the
    document limit comes alone as a "line" without payload, never held in memory whole."""
    encoding = sniff(fh.read(65536))
    fh.seek(0)
    if encoding == "utf-16":  # lines cannot be split on bytes; such files are small in practice
        try:
            text = decode(fh.read()).encode("utf-8")
        except InputError as exc:
            yield RawInput("error", source, str(exc))
            return
        yield RawInput("lines", source, text, 1, "utf-8")
        return
    for number, block in _line_blocks(fh, block_bytes):
        yield RawInput("lines" if block is not None else "line", source, block, number, encoding)


def block_lines(block: bytes, first: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line without its line break) of the non-blank lines of a block that
    starts with line `first`; None for a line over the document limit."""
    ended = block.endswith(b"\n")
    lines = block.split(b"\n")
    if ended:
        lines.pop()
    last = len(lines) - 1
    for k, line in enumerate(lines):
        if not line.strip():
            continue
        if len(line) > MAX_DOCUMENT_BYTES:
            yield first + k, None
        else:  # a line that ends with a line break loses a CR before it too
            yield first + k, line.rstrip(b"\r") if ended or k < last else line


def _line_blocks(fh: BinaryIO, block_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(first line number, block) of about `block_bytes` of whole lines each, in order;
    (line number, None) for a line longer than the document limit, which is read past."""
    number = 1  # of the first line not yet yielded
    partial: list[bytes] = []  # the start of that line, read but not yet ended
    partial_size = 0
    data = fh.read(block_bytes)
    while data:
        cut = data.rfind(b"\n")
        if cut == -1:  # the line goes on past this read
            partial.append(data)
            partial_size += len(data)
            if partial_size > MAX_DOCUMENT_BYTES:
                yield number, None
                number += 1
                partial, partial_size = [], 0
                rest = _after_line_break(fh, block_bytes)
                if rest is None:
                    return
                data = rest or fh.read(block_bytes)
                continue
        else:
            block = b"".join([*partial, data[:cut + 1]]) if partial else data[:cut + 1]
            yield number, block
            number += block.count(b"\n")
            rest = data[cut + 1:]
            partial, partial_size = ([rest], len(rest)) if rest else ([], 0)
        data = fh.read(block_bytes)
    if partial_size:
        yield number, b"".join(partial)


def _after_line_break(fh: BinaryIO, block_bytes: int) -> bytes | None:
    """Reads to the end of the current line: what was read after its line break, or None
    at the end of the file."""
    while True:
        data = fh.read(block_bytes)
        if not data:
            return None
        cut = data.find(b"\n")
        if cut != -1:
            return data[cut + 1:]


def _csv_key(name: str) -> str:
    """Known field names are matched without case (Channel, SENT_AT); others are kept as written."""
    lowered = name.strip().lower()
    return lowered if lowered in _KNOWN_FIELDS else name


def _error_document(doc_id: str, source: str, message: str) -> Document:
    return Document(id=doc_id, source=source, text="", error=message)
