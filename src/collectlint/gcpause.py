"""Garbage collection paused while a large structure of long-lived objects is built.

Unpickling the rule pack or building the prefilter's selections and its index of all
rules makes tens of thousands of containers that all stay, and the collector, started
every few hundred new objects, walks the ever larger heap again and again without
finding anything to free (building the index: 0.09 s, 0.07 s of it collection). Paused,
the builds take what they need, and the collector, on again as it was, looks at what they
made once.

A process that scans until it exits (the command line, and the worker processes it forks)
says so with keep_builds(): what the blocks build then joins the objects the collector
never examines again (gc.freeze), since it stays for the rest of the process anyway. In a
batch, the first documents' lazily built structures otherwise cost some 0.1-0.2 s of
collections in each process, as the collector walks and promotes them generation by
generation. A library call does not freeze: that would take the host program's objects
out of collection too.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# The collector's switch is one per process: blocks in several threads share one pause,
# begun by the first to enter and ended by the last to leave (a thread reading the switch
# while another had it off could otherwise leave it off for good).
_lock = threading.Lock()
_depth = 0
_resume = False
_keep = False  # see keep_builds


def keep_builds() -> None:
    """Declare this process one that scans until it exits: everything alive now (the
    imported modules) is frozen out of collection for good, and so is everything alive
    at the end of each outermost gc_paused block from now on (the pack's load, each
    rule's first selection, the index of all rules: a bounded number per process), the
    document being scanned then included. Cyclic garbage alive at one of those moments
    is never freed: about a hundred objects over a batch of 24,000 documents."""
    global _keep
    with _lock:
        _keep = True
        gc.freeze()


@contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic collection inside the block; afterwards the collector is on again if
    it was on when the outermost block began."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _keep:
                    gc.freeze()
                if _resume:
                    gc.enable()
