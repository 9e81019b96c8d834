"""The task runner frees what it ran: a finished task's handle, bridge and dialog go.

A closure connected to the handle's own ``finished`` signal (holding the handle) once
kept every finished task alive for the life of the window: 50 tasks, 50 handles.
"""

from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from jeugdtoegang.progress import CancelToken, Progress
from ui.workers import TaskHandle, TaskRunner


def _counting(steps: int, delay: float = 0.0) -> Any:
    def factory(token: CancelToken) -> Iterator[Progress]:
        for done in range(steps):
            token.raise_if_cancelled()
            time.sleep(delay)
            yield Progress(done + 1, steps, f"Stap {done + 1} van {steps}")
        return steps

    return factory


def _deleted_later() -> None:
    """Run the deletions the event loop would run next (deleteLater), then collect."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def test_fifty_finished_tasks_leave_no_handle_behind(qtbot: Any) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    errors: list[str] = []
    runner = TaskRunner(window, on_error=errors.append)
    results: list[int] = []
    handles = [
        weakref.ref(runner.run(f"Taak {n}", _counting(3), results.append)) for n in range(50)
    ]
    assert runner.busy

    assert runner.wait_for_idle(20_000)
    _deleted_later()
    assert results == [3] * 50 and errors == []
    assert [ref for ref in handles if ref() is not None] == []
    assert runner.findChildren(TaskHandle) == []
    assert window.findChildren(QProgressDialog) == []
    assert not runner.busy


def test_progress_and_cancel_still_work_and_the_cancelled_task_is_freed(qtbot: Any) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    errors: list[str] = []
    runner = TaskRunner(window, on_error=errors.append)
    results: list[int] = []
    handle = runner.run("Lang werk", _counting(500, 0.01), results.append)
    qtbot.waitUntil(lambda: handle.dialog.value() >= 2, timeout=5000)
    assert handle.last_progress is not None and handle.last_progress.total == 500
    assert handle.dialog.labelText().startswith("Stap ")
    cancel_button = handle.dialog.findChild(QPushButton)
    assert cancel_button.text() == "Annuleren"
    qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)

    assert handle.wait_for_idle(5000)
    _deleted_later()
    # the fields stay readable after the handle's Qt object is gone
    assert handle.cancelled and handle.done and results == [] and errors == []
    handle.cancel()  # a late cancel of a finished task does nothing
    ref = weakref.ref(handle)
    handle = None  # the caller lets go: nothing else holds it
    gc.collect()
    assert ref() is None
    assert runner.findChildren(TaskHandle) == [] and not runner.busy

    quick = runner.run("Kort werk", _counting(2), results.append)  # the runner goes on
    assert quick.wait_for_idle(5000)
    assert results == [2] and quick.last_progress == Progress(2, 2, "Stap 2 van 2")
