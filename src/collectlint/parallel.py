"""Scan documents in worker processes, in input order, with a bounded number in flight.

Each worker builds its Linter once (rules, prefilter, and jieba on first need) and
keeps it for every chunk it is sent. Workers send back only the compact matches; the
parent, which still holds the documents, turns them into findings. Pool.imap would
read the whole input ahead of the workers; here at most `2 × jobs` chunks are pending
at any time, so memory stays bounded however large the input.
"""

from __future__ import annotations

import itertools
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from collectlint.models import Document, DocumentResult

CHUNK_SIZE = 64

_worker_linter: Any = None


def _init_worker(linter_options: dict[str, Any]) -> None:
    global _worker_linter
    from collectlint.api import Linter

    # Ctrl-C is the parent's to handle: it stops the pool and reports once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    _worker_linter = Linter(**linter_options)


def _match_chunk(documents: list[Document]) -> list[Any]:
    return [_worker_linter.match_document(d) for d in documents]


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def scan_in_processes(documents: Iterable[Document], linter: Any, jobs: int) -> Iterator[DocumentResult]:
    chunks = iter(lambda it=iter(documents): list(itertools.islice(it, CHUNK_SIZE)), [])
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(linter.options,))
    try:
        pending: deque[tuple[list[Document], Future[list[Any]]]] = deque()

        broken = False

        def ready() -> Iterator[DocumentResult]:
            nonlocal broken
            chunk, future = pending.popleft()
            try:
                outcomes: list[Any] = future.result()
            except BrokenProcessPool:
                # A worker died (killed, out of memory): what it held is reported, not lost.
                broken = True
                outcomes = ["worker process died; document not scanned"] * len(chunk)
            for document, outcome in zip(chunk, outcomes):
                yield linter.result(document, outcome)

        for chunk in chunks:
            if broken:  # go on in this process
                yield from (linter.scan_document(d) for d in chunk)
                continue
            pending.append((chunk, pool.submit(_match_chunk, chunk)))
            while len(pending) >= 2 * jobs:
                yield from ready()
        while pending:
            yield from ready()
    finally:
        # On an interruption or a closed consumer, drop queued chunks instead of finishing them.
        pool.shutdown(wait=True, cancel_futures=True)
