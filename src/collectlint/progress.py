"""A one-line progress counter on stderr while a batch is scanned.

Only on a terminal and never in CI (the `CI` environment variable is set): a log file or
a pipe gets no carriage returns. It appears after `delay` seconds, so a single message
scans without a flash, and is redrawn at most every `interval` seconds.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


def in_ci(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


class Progress:
    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None,
                 delay: float = 0.5, interval: float = 0.1) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = _isatty(self.stream) and not in_ci()
        self.enabled = enabled
        self.delay, self.interval = delay, interval
        self.documents = self.findings = 0
        self._started = time.monotonic()
        self._drawn_at: float | None = None
        self._width = 0

    def update(self, findings: int = 0) -> None:
        """One more document scanned, with `findings` findings."""
        self.documents += 1
        self.findings += findings
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._started < self.delay:
            return
        if self._drawn_at is not None and now - self._drawn_at < self.interval:
            return
        self._draw(now)

    def _draw(self, now: float) -> None:
        line = f"collectlint: {self.documents} document(s) scanned, {self.findings} finding(s)"
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width, self._drawn_at = len(line), now

    def clear(self) -> None:
        """Erase the line (before printing a message, and at the end)."""
        if self.enabled and self._drawn_at is not None:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._drawn_at, self._width = None, 0

    close = clear


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
