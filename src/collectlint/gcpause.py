"""Garbage collection paused while a large structure of long-lived objects is built.

Unpickling the rule pack or building the prefilter's selections and its index of all
rules makes tens of thousands of containers that all stay, and the collector, started
every few hundred new objects, walks the ever larger heap again and again without
finding anything to free (building the index: 0.09 s, 0.07 s of it collection). Paused,
the builds take what they need, and the collector, on again as it was, looks at what they
made once.
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
            if _depth == 0 and _resume:
                gc.enable()
