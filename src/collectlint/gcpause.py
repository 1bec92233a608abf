"""Garbage collection paused while a large structure of long-lived objects is built.

Building the loaded pack, jieba's dictionary or the prefilter's index of all rules makes
tens of thousands of containers, and the collector, started every few hundred new
objects, walks the ever larger heap again and again without finding anything to free
(none of these builds makes reference cycles): about half of each build's time. Paused,
the builds take what they need; the collector resumes as it was afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic collection inside the block (nested blocks leave it to the outermost)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
