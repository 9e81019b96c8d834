"""Pausing Python's cyclic garbage collector during one bulk step (a sync export or import).

A bulk step allocates tens of thousands of objects that stay alive until it ends (rows,
snapshots, parameters). Each allocation burst triggers the collector, and every full
collection walks the whole long-lived heap of the program (models, compiled statements,
the GUI); profiled, that is a quarter of a 10,000-record export. The objects are freed by
reference counting when the step ends, so pausing the collector for its duration changes
no result; it is switched on again afterwards (and resumes its normal schedule).

Thread-safe and nestable: the collector is switched back on when the last pause ends, and
only if it was on when the first began. Always use it as a ``with`` block, so an error or a
cancelled generator ends the pause too.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the ``with`` block."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
