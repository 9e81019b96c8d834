"""Keep ``None``, ``True`` and ``False`` alive under PySide6's lost references.

The installed PySide6 (6.12.0, the only one available) returns ``None`` from every Qt
method without a result (``show()``, ``setText()``, ``processEvents()``, ...) and the
``bool`` of ``SignalInstance.emit``/``disconnect`` without taking a reference of its own:
each such call takes one reference away from the singleton it returns. On Python 3.12+
the singletons are immortal and nothing happens. On Python 3.11 (this program's) their
reference counts are ordinary numbers: after enough calls one reaches zero and the process
dies with "Fatal Python error: none_dealloc" or "bool_dealloc" (SIGABRT), in whichever
thread drops the last reference, long after and far from the calls that caused it.

The calls are everywhere (every widget method), so they cannot be wrapped. What Python
3.12 does for these objects is done here instead: :func:`install` measures whether the
binding loses references and, only then, gives the three singletons a reserve of
references that no session can use up (one lost per call: 2**40 calls). A sound binding,
or Python 3.12+, is left exactly as it is.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

#: references given to each singleton once: at a million lost references a second, a
#: session would have to run for twelve days to use them up
RESERVE = 2**40

#: calls per probe: a few references taken or dropped meanwhile by other threads
#: cannot look like (or hide) a loss of one reference per call
PROBE_CALLS = 64

_SINGLETONS = (None, True, False)


class _Probe(QObject):
    ping = Signal()


def _references() -> int:
    return sum(sys.getrefcount(value) for value in _SINGLETONS)


def loses_references(call: Callable[[], object]) -> bool:
    """Whether ``call`` returns a singleton without a reference of its own: the results
    are kept, so a sound binding adds one reference per call."""
    call()  # any one-time set-up (caches) is not counted
    before = _references()
    results = [call() for _ in range(PROBE_CALLS)]
    return _references() - before < len(results) // 2


def binding_loses_references() -> bool:
    """Whether a Qt method without a result, or a signal's ``emit``, loses a reference."""
    probe = _Probe()
    return loses_references(lambda: probe.setObjectName("probe")) or loses_references(
        probe.ping.emit
    )


def _add_references(value: object, count: int) -> None:
    # ob_refcnt is the first field of every object. Another thread may take or drop a
    # reference between the read and the write here: the count is then off by that one
    # reference, which is nothing against the reserve.
    ctypes.c_ssize_t.from_address(id(value)).value += count


_installed = False


def install() -> None:
    """Give the singletons their reserve when the binding loses references (Python < 3.12)."""
    global _installed
    if _installed or sys.version_info >= (3, 12):
        return
    _installed = True
    if binding_loses_references():
        for value in _SINGLETONS:
            _add_references(value, RESERVE)
