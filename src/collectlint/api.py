"""Orchestrates scans. The only module the CLI calls; it prints nothing."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from collectlint import __version__, parallel
from collectlint.batch import DailyLimits
from collectlint.engine import QUIET_HOURS, Match, RuleTimeout, build_findings, scan_document
from collectlint.io.readers import DocumentReader, RawInput, raw_inputs
from collectlint.io.transcript import TranscriptParser
from collectlint.models import Document, DocumentResult, Report, Speaker, built
from collectlint.parallel import Item, Rendering, finish, scan_in_processes
from collectlint.rules.loader import RuleSet, builtin_rules_dir, load_rule_pack
from collectlint.text.tokenize import Tokenizer


class Linter:
    """Rules and the tokenizer are loaded once per Linter and reused for every document.

    `rules`: None for the shipped pack, a directory, a list of directories, or a RuleSet.
    `builtin`: with `rules` given as directories, also load the shipped pack (default).
    """

    def __init__(
        self,
        rules: RuleSet | str | Path | Sequence[str | Path] | None = None,
        *,
        builtin: bool = True,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        exhaustive: bool = False,
        speaker_labels: dict[str, Speaker] | None = None,
        quiet_hours: tuple[str, str] = QUIET_HOURS,
        asr_roles: dict[str, Speaker] | None = None,
    ) -> None:
        # What a worker process needs to build the same Linter (see parallel.py).
        self.options: dict[str, Any] = {
            "rules": rules, "builtin": builtin, "select": tuple(select), "ignore": tuple(ignore),
            "exhaustive": exhaustive, "speaker_labels": speaker_labels, "quiet_hours": quiet_hours,
            "asr_roles": asr_roles,
        }
        self.quiet_hours = quiet_hours
        if isinstance(rules, RuleSet):
            ruleset = rules
        else:
            dirs = [] if rules is None else [rules] if isinstance(rules, (str, Path)) else list(rules)
            paths = [Path(d) for d in dirs]
            if builtin or not paths:
                paths.insert(0, builtin_rules_dir())
            ruleset = load_rule_pack(paths)
        self.ruleset = ruleset.filtered(select, ignore) if (select or ignore) else ruleset
        self.exhaustive = exhaustive
        self.tokenizer = Tokenizer(self.ruleset.user_dicts)
        self.reader = DocumentReader(TranscriptParser(speaker_labels), asr_roles)

    def scan_document(self, document: Document) -> DocumentResult:
        return self.result(document, self.match_document(document))

    def match_document(self, document: Document) -> list[Match] | str:
        """The matches of one document, or the error that stopped its scan."""
        if document.error is not None:
            return document.error
        try:
            return scan_document(document, self.ruleset, self.tokenizer, exhaustive=self.exhaustive,
                                 quiet_hours=self.quiet_hours)
        except RuleTimeout as exc:
            return str(exc)

    def result(self, document: Document, outcome: list[Match] | str) -> DocumentResult:
        passthrough = {k: getattr(document, k) for k in ("sent_at", "debtor_id", "collector_id")
                       if getattr(document, k) is not None}
        error = outcome if isinstance(outcome, str) else None
        return built(
            DocumentResult,
            id=document.id, source=document.source, channel=document.channel,
            status="error" if error else "ok", error=error,
            findings=[] if error else build_findings(document, outcome, self.ruleset),  # type: ignore[arg-type]
            metadata={**passthrough, **document.metadata}, text=document.text,
            utterances=document.utterances,
        )

    def scan_documents(self, documents: Iterable[Document]) -> Iterator[DocumentResult]:
        """Results in input order, with the batch rules (contacts per debtor per day) applied."""
        limits = DailyLimits(self.ruleset)
        for document in documents:
            yield limits.apply(self.scan_document(document))

    def scan(self, text: str, **meta: Any) -> Report:
        """Scan one text (a message or a transcript). `meta`: id, channel, speaker, sent_at, …"""
        document = self.reader.from_text(text, **meta)
        return built(Report, tool_version=__version__, documents=[self.scan_document(document)])

    def iter_paths(self, paths: Iterable[str | Path], jobs: int = 1) -> Iterator[DocumentResult]:
        """Results one document at a time, in input order: for batches of any size.
        With `jobs` > 1, documents are read and scanned in that many worker processes,
        unless the whole input fits in one chunk (a pool would cost more than it saves)."""
        for item in self.iter_items(paths, jobs):
            assert item.result is not None
            yield item.result

    def iter_items(self, paths: Iterable[str | Path], jobs: int = 1,
                   rendering: Rendering = Rendering()) -> Iterator[Item]:
        """Like iter_paths, for a writer: with a `rendering` format, workers return each
        document already rendered (and redacted when asked)."""
        raws: Iterator[RawInput] = raw_inputs((str(p) for p in paths), parallel.CHUNK_BYTES)
        if jobs > 1:
            chunks = parallel.chunked(raws)
            head = list(itertools.islice(chunks, 2))
            if len(head) > 1:
                return scan_in_processes(itertools.chain(head, chunks), self, jobs, rendering)
            raws = iter(head[0] if head else [])
        return self._items_in_process(raws, rendering)

    def _items_in_process(self, raws: Iterable[RawInput], rendering: Rendering) -> Iterator[Item]:
        documents = (d for raw in raws for d in self.reader.documents(raw))
        for result in self.scan_documents(documents):
            yield Item(finish(result, rendering), None, [])

    def scan_paths(self, paths: Iterable[str | Path]) -> Report:
        return Report(tool_version=__version__, documents=list(self.iter_paths(paths)))


_default_linter: Linter | None = None


def _linter() -> Linter:
    global _default_linter
    if _default_linter is None:
        _default_linter = Linter()
    return _default_linter


def scan_text(text: str, **meta: Any) -> Report:
    """Scan one text with the shipped rule pack (loaded once per process)."""
    return _linter().scan(text, **meta)


def scan_paths(paths: Iterable[str | Path]) -> Report:
    return _linter().scan_paths(paths)
