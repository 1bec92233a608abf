"""Compiled regular expressions kept from one run to the next.

`regex` parses and compiles a pattern in Python: 0.7 ms on average for the shipped pack's
patterns and alternatives (23 ms for the biggest whole pattern), and the first megabytes
of a batch need some hundreds of them — most of the first second of every scanning
process. A compiled `regex` pattern pickles with its compiled code and loads some thirty
times faster (0.02 ms on average), so what a run compiled is kept in
the cache folder for the next one: one file per version of `regex` and of Python, read on
a process's first compile, written when the process exits if it compiled something new.
Worker processes do not write it: they hand what they compiled to the parent (`take_new`,
`merge`), which does.

The file holds the pickled bytes of each pattern, unpickled one by one on first need: a
scan of one message loads the few it uses. A pickle there is trusted as the code that
wrote it (the same folder as the rule pack cache). An entry that does not load is compiled
again; a file that cannot be read or written only costs the time of compiling.
"""

from __future__ import annotations

import atexit
import hashlib
import pickle
import sys
from pathlib import Path

import regex

from collectlint.cachefiles import cache_dir, write_atomically

FLAGS = regex.IGNORECASE
# Entries of one file at most: past this the file starts afresh with the patterns of the
# run that wrote it (the shipped pack has ~3,500 patterns and alternatives, ~2.5 MB).
MAX_ENTRIES = 40_000


class CompiledPatterns:
    def __init__(self, folder: Path | None) -> None:
        version = f"{regex.__version__}\0{sys.version}\0{FLAGS}".encode()
        name = f"regex-{hashlib.sha256(version).hexdigest()[:16]}.pickle"
        self.path = folder / name if folder is not None else None
        self._stored: dict[str, bytes] | None = None
        self._new: dict[str, bytes] = {}  # compiled (or merged) here, not yet written
        self._will_save = False

    def compile(self, source: str) -> regex.Pattern[str]:
        """`regex.compile(source, FLAGS)`, from the store when it has it. Raises
        `regex.error` for a pattern that does not compile (never stored)."""
        data = self._entries().get(source)
        if data is not None:
            try:
                return pickle.loads(data)  # noqa: S301 - our own cache folder, see the module doc
            except Exception:  # noqa: BLE001 - a damaged entry: compile it again
                pass
        pattern = regex.compile(source, FLAGS)
        data = pickle.dumps(pattern, protocol=pickle.HIGHEST_PROTOCOL)
        self._entries()[source] = self._new[source] = data
        self._save_at_exit()
        return pattern

    def take_new(self) -> dict[str, bytes]:
        """What this process compiled since the last call, handed over to be written
        elsewhere: a worker sends it to its parent, which writes it."""
        taken, self._new = self._new, {}
        return taken

    def merge(self, entries: dict[str, bytes]) -> None:
        """Entries compiled by another process (a worker), to be written with ours."""
        if not entries:
            return
        self._entries().update(entries)
        self._new.update(entries)
        self._save_at_exit()

    def save(self) -> None:
        """Add what is new to the file (re-read first: another run may have added some)."""
        if not self._new or self.path is None:
            return
        current = self._read()
        current.update(self._new)
        if len(current) > MAX_ENTRIES:
            current = dict(self._new)
        if write_atomically(self.path, pickle.dumps(current, protocol=pickle.HIGHEST_PROTOCOL)):
            self._new.clear()

    def _entries(self) -> dict[str, bytes]:
        if self._stored is None:
            self._stored = self._read()
        return self._stored

    def _read(self) -> dict[str, bytes]:
        if self.path is None:
            return {}
        try:
            with self.path.open("rb") as fh:
                data = pickle.load(fh)  # noqa: S301 - our own cache folder, see the module doc
        except Exception:  # noqa: BLE001 - no file yet, or an unreadable one
            return {}
        return data if isinstance(data, dict) else {}

    def _save_at_exit(self) -> None:
        if not self._will_save:
            self._will_save = True
            atexit.register(self.save)


_store: CompiledPatterns | None = None


def store() -> CompiledPatterns:
    """The process's store, in the cache folder as it is when first needed."""
    global _store
    if _store is None:
        _store = CompiledPatterns(cache_dir())
    return _store
