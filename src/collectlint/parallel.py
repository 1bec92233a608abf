"""Scan in worker processes, in input order, with a bounded number of chunks in flight.

The parent only finds the raw inputs (blocks of JSONL lines as bytes, file names) and
writes what comes back; splitting lines, decoding, scanning, redaction and — for formats
that render one document at a time — formatting all happen in the workers, so two
workers keep two cores busy.
Each worker builds its Linter once (rules, prefilter, and jieba on first need).
`Pool.imap` would read the whole input ahead of the workers; here at most `2 × jobs`
chunks are pending, so memory stays bounded however large the input.

The per-day limits need one counter for the whole batch: workers report which counters
a document touches, the parent counts, and the rare document over a limit is scanned
again in the parent to add the finding.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from collectlint.batch import DailyLimits, Key
from collectlint.gcpause import keep_builds
from collectlint.io.readers import RawInput
from collectlint.models import DocumentResult, Stat, Summary
from collectlint.rules import compiled

if TYPE_CHECKING:
    from concurrent.futures import Future

# A chunk is one block of JSONL lines (of about CHUNK_BYTES), or at most CHUNK_SIZE other
# inputs (files) or about CHUNK_BYTES of them, whichever comes first: large enough that
# the parent's cost per chunk (a future, two pickles) is small beside the workers'
# scanning, small enough that chunks in flight stay bounded and that the last chunks of
# a batch do not keep one worker busy long after the other has finished.
CHUNK_SIZE = 256
CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class Rendering:
    """How results leave a worker: rendered by the named formatter (when it renders one
    document at a time), or as results; redacted first when asked."""

    format: str | None = None
    colour: bool = False
    redact: bool = False


@dataclass
class Item:
    """One document as it comes back: its rendered output, or its result (for formats
    that need whole results, and for documents the per-day limits must see first).
    Consecutive rendered documents without an error travel as one item: their output
    joined by the format's separator, one Stat each."""

    result: DocumentResult | None
    rendered: str | None
    keys: list[Key]
    stats: tuple[Stat, ...] = ()
    error: str | None = None  # the one-line message for stderr of a rendered document


def error_line(result: DocumentResult) -> str | None:
    """`source: error` (or `id: error` for a record of a batch) of a document not scanned."""
    if result.status != "error":
        return None
    return f"{result.source if result.id == result.source else result.id}: {result.error}"


_state: dict[str, Any] = {}
# The parent's Linter, for workers started by fork: they find it here, already loaded,
# instead of loading the rules and building the prefilter again.
_forked_from: Any = None


def _init_worker(linter_options: dict[str, Any], rendering: Rendering) -> None:
    from collectlint.api import Linter

    # Ctrl-C is the parent's to handle: it stops the pool and reports once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    keep_builds()  # a worker scans until the pool ends it (see gcpause)
    inherited = _forked_from
    if inherited is not None and inherited.options == linter_options:
        linter = inherited
    else:
        linter = Linter(**linter_options)
    linter.ruleset.prefilter.expect_batch()
    _state["linter"] = linter
    _state["limits"] = DailyLimits(linter.ruleset)
    _state["rendering"] = rendering
    _state["formatter"] = make_formatter(rendering, linter) if rendering.format else None


def make_formatter(rendering: Rendering, linter: Any) -> Any:
    from collectlint.formatters import FORMATTERS

    return FORMATTERS[rendering.format](colour=rendering.colour, rules=linter.ruleset)  # type: ignore[index]


def finish(result: DocumentResult, rendering: Rendering) -> DocumentResult:
    if rendering.redact:
        from collectlint.redact import redact_document

        return redact_document(result)
    return result


def scan_chunk(chunk: list[RawInput], linter: Any, limits: DailyLimits, rendering: Rendering,
               formatter: Any) -> list[Item]:
    items = []
    for raw in chunk:
        for document in linter.reader.documents(raw):
            result = linter.scan_document(document)
            keys = limits.keys(result)
            if keys:  # the parent adds any per-day finding, then redacts and renders
                items.append(Item(result, None, keys))
                continue
            done = finish(result, rendering)
            if formatter is not None:
                items.append(Item(None, formatter.document(done), [], (Summary.stat_of(done),),
                                  error_line(done)))
            else:
                items.append(Item(done, None, []))
    return items


def joined(items: list[Item], separator: str) -> list[Item]:
    """Runs of rendered items without an error as one item each: fewer, larger objects
    to send to the parent and for it to handle."""
    out: list[Item] = []
    run: list[Item] = []

    def close() -> None:
        if len(run) == 1:
            out.append(run[0])
        elif run:
            out.append(Item(None, separator.join(i.rendered for i in run),  # type: ignore[misc]
                            [], tuple(s for i in run for s in i.stats)))
        run.clear()

    for item in items:
        if item.rendered is not None and item.error is None:
            run.append(item)
            continue
        close()
        out.append(item)
    close()
    return out


def _scan_chunk(chunk: list[RawInput]) -> tuple[list[Item], dict[str, bytes]]:
    """The chunk's items, and the patterns this worker compiled for it: the parent keeps
    them for the next run (see rules/compiled.py)."""
    formatter = _state["formatter"]
    items = scan_chunk(chunk, _state["linter"], _state["limits"], _state["rendering"], formatter)
    return (joined(items, formatter.separator) if formatter is not None else items), compiled.store().take_new()


def chunked(raw_inputs: Iterable[RawInput]) -> Iterator[list[RawInput]]:
    """Chunks of at most CHUNK_SIZE inputs; a chunk also ends once its payloads reach
    CHUNK_BYTES (a file's payload is its name: the worker reads it), and after a block of
    lines (the reader made it about CHUNK_BYTES)."""
    chunk: list[RawInput] = []
    size = 0
    for raw in raw_inputs:
        chunk.append(raw)
        size += len(raw.payload) if isinstance(raw.payload, (bytes, str)) else 0
        if raw.kind == "lines" or len(chunk) >= CHUNK_SIZE or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def scan_in_processes(chunks: Iterable[list[RawInput]], linter: Any, jobs: int,
                      rendering: Rendering = Rendering()) -> Iterator[Item]:
    """Items in input order, from chunks of raw inputs (see `chunked`). An item carries
    `rendered` output when the worker could render it, else a `result` (already redacted
    and with its per-day findings)."""
    # Imported here: a scan in one process should not pay for the process machinery.
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    limits = DailyLimits(linter.ruleset)
    global _forked_from
    _forked_from = linter
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                               initargs=(linter.options, rendering))
    try:
        pending: deque[tuple[list[RawInput], Future[tuple[list[Item], dict[str, bytes]]]]] = deque()
        broken = False

        def in_parent(chunk: list[RawInput]) -> list[Item]:
            return scan_chunk(chunk, linter, limits, rendering, None)

        def settle(items: list[Item]) -> Iterator[Item]:
            for item in items:
                if item.keys:
                    over = limits.count(item.keys)
                    item.result = finish(limits.add(item.result, over), rendering)  # type: ignore[arg-type]
                yield item

        def ready() -> Iterator[Item]:
            nonlocal broken
            chunk, future = pending.popleft()
            try:
                items, new_patterns = future.result()
                compiled.store().merge(new_patterns)
            except BrokenProcessPool:
                # A worker died (killed, out of memory): go on in this process.
                broken = True
                items = in_parent(chunk)
            yield from settle(items)

        for chunk in chunks:
            if broken:
                yield from settle(in_parent(chunk))
                continue
            pending.append((chunk, pool.submit(_scan_chunk, chunk)))
            while len(pending) >= 2 * jobs:
                yield from ready()
        while pending:
            yield from ready()
    finally:
        # On an interruption or a closed consumer, drop queued chunks instead of finishing them.
        pool.shutdown(wait=True, cancel_futures=True)
        _forked_from = None
