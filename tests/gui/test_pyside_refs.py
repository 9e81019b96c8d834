"""Qt calls must not use up ``None``/``True`` (see ``ui.pyside_refs``).

PySide6 6.12.0 returns ``None`` from methods without a result, and the ``bool`` of a
signal's ``emit``, without a reference of its own. On Python 3.11 a process that made more
such calls than ``None`` had references died with "Fatal Python error: none_dealloc"
(SIGABRT). The full check runs in a child process, so that the bug, were it back, fails
this test instead of ending the whole test run.
"""

from __future__ import annotations

import ctypes

from tests.gui.child_process import run_offscreen
from ui import pyside_refs

CHILD = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

calls = sys.getrefcount(None) + sys.getrefcount(True)  # before ui gives its reserve
import ui  # noqa: E402

app = QCoreApplication([])


class Emitter(QObject):
    ping = Signal()


emitter = Emitter()
for _ in range(2 * calls):
    emitter.setObjectName("x")  # a Qt method without a result
    emitter.ping.emit()
print("overleefd")
"""


def test_more_qt_calls_than_none_and_true_have_references_do_not_end_the_process() -> None:
    done = run_offscreen(CHILD)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "overleefd"


def test_the_probe_tells_a_sound_call_from_one_that_loses_references() -> None:
    kept: list[object] = []
    decref = ctypes.pythonapi.Py_DecRef
    decref.argtypes = [ctypes.py_object]

    def losing() -> None:
        decref(None)  # as the binding does: None handed out without a reference

    assert not pyside_refs.loses_references(kept.clear)
    assert pyside_refs.loses_references(losing)
