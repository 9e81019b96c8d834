"""The one threading idiom of the GUI: run a core progress generator in a worker.

A core task (``jeugdtoegang.progress``) is a generator that yields ``Progress`` and returns
its result. :class:`TaskRunner` runs it on a ``QThreadPool``; progress, the result and a
failure travel to the GUI thread through queued signals. A ``QProgressDialog`` shows the
progress; its "Annuleren" button sets the task's :class:`CancelToken`.

A finished task is freed: its :class:`TaskHandle` is a child of the runner (in the GUI
thread) and deletes itself, with its bridge and connections, once ``finished`` has been
delivered; the runner keeps no reference to it. Nothing holds a handle but its caller,
who can still read its result, error and last progress.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QProgressDialog, QWidget

from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.progress import CancelledError, CancelToken, Progress, ProgressTask
from jeugdtoegang.storage.server_errors import server_trouble

log = logging.getLogger("jeugdtoegang.ui")

TaskFactory = Callable[[CancelToken], ProgressTask[Any]]

UNEXPECTED_MESSAGE = (
    "Er ging iets onverwachts mis. Er is niets half opgeslagen. Probeer het opnieuw of "
    "neem contact op met de beheerder."
)


def user_message(error: BaseException, unexpected: str = UNEXPECTED_MESSAGE) -> str:
    """What a boundary shows for ``error``: a core error's own Dutch message, the team
    server's trouble (gone, busy, refusing) in words the user can act on, or
    ``unexpected`` (never the error's text: it may hold personal data)."""
    if isinstance(error, JeugdtoegangError):
        return error.message
    trouble = server_trouble(error)
    return trouble.message if trouble is not None else unexpected


class _Bridge(QObject):
    """Lives in the GUI thread as a child of its handle; the worker emits through it (so
    delivery is queued)."""

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)


class _Worker(QRunnable):
    def __init__(self, factory: TaskFactory, token: CancelToken, bridge: _Bridge) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._factory = factory
        self._token = token
        self._bridge = bridge

    def run(self) -> None:
        try:
            task = self._factory(self._token)
            while True:
                try:
                    step = next(task)
                except StopIteration as stop:
                    self._send("succeeded", stop.value)
                    return
                if isinstance(step, Progress):
                    self._send("progressed", step)
                if self._token.cancelled:
                    task.close()
                    raise CancelledError()
        except BaseException as error:  # delivered to the GUI thread, never lost
            self._send("failed", error)
        finally:
            self._factory = self._bridge = None  # type: ignore[assignment]

    def _send(self, signal: str, value: Any) -> None:
        try:
            getattr(self._bridge, signal).emit(value)
        except RuntimeError:  # the handle is gone with its window: stop at the next step
            self._token.cancel()


class TaskHandle(QObject):
    """One running task. ``finished(ok: bool)`` fires once, in the GUI thread."""

    finished = Signal(bool)

    def __init__(
        self,
        title: str,
        token: CancelToken,
        parent_widget: QWidget | None,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.token = token
        self.result: Any = None
        self.last_progress: Progress | None = None
        self.error: BaseException | None = None
        self.done = False
        self._on_done = on_done
        self._on_error = on_error
        self.bridge = _Bridge(self)
        self.bridge.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self.bridge.succeeded.connect(self._on_success, Qt.ConnectionType.QueuedConnection)
        self.bridge.failed.connect(self._on_failure, Qt.ConnectionType.QueuedConnection)
        self.dialog = QProgressDialog(title, "Annuleren", 0, 0, parent_widget)
        self.dialog.setObjectName("task_progress_dialog")
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(400)  # quick tasks do not flash a dialog
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)

    @Slot()
    def cancel(self) -> None:
        """Ask the task to stop at its next step (it leaves nothing half done)."""
        if self.done:
            return  # finished: its dialog is gone
        self.token.cancel()
        self.dialog.setLabelText("Bezig met afbreken…")

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        if self.done:
            return
        self.last_progress = progress
        if progress.total > 0:
            self.dialog.setMaximum(progress.total)
            self.dialog.setValue(min(progress.done, progress.total))
        if progress.label and not self.token.cancelled:
            self.dialog.setLabelText(progress.label)

    @Slot(object)
    def _on_success(self, result: Any) -> None:
        self.result = result
        self._close_dialog()
        try:
            if self._on_done is not None:
                self._on_done(result)
        finally:
            self._finish(True)

    @Slot(object)
    def _on_failure(self, error: BaseException) -> None:
        self.error = error
        self._close_dialog()
        if isinstance(error, CancelledError):
            pass  # the user asked for it; nothing to report
        else:
            if not isinstance(error, JeugdtoegangError):
                log.error("task %r failed: %s", self.title, type(error).__name__)
            self._on_error(user_message(error))
        self._finish(False)

    def _close_dialog(self) -> None:
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()

    def _finish(self, ok: bool) -> None:
        self.done = True
        self._on_done = None  # what the callbacks hold is freed with the task
        self._on_error = _ignore_error
        self.finished.emit(ok)
        # the bridge and every connection go with it; the fields above stay readable
        self.deleteLater()

    @property
    def cancelled(self) -> bool:
        return isinstance(self.error, CancelledError)

    def wait_for_idle(self, timeout_ms: int = 10_000) -> bool:
        """Process events until the task has finished; False on timeout."""
        return _wait_until(lambda: self.done, timeout_ms)


def _ignore_error(_message: str) -> None:
    """The error callback of a finished task (it reports nothing more)."""


def _wait_until(condition: Callable[[], bool], timeout_ms: int) -> bool:
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        loop = QEventLoop()
        QTimer.singleShot(min(20, int(remaining * 1000) + 1), loop.quit)
        loop.exec()
    QCoreApplication.processEvents()
    return True


class TaskRunner(QObject):
    """Owner of all background work of a window: start tasks, wait until idle."""

    def __init__(
        self,
        parent_widget: QWidget | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self._on_error = on_error or self._default_error
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(2)
        self._active: list[TaskHandle] = []

    def _default_error(self, message: str) -> None:
        from ui import dialogs

        dialogs.show_error(self._parent_widget, message)

    def run(
        self,
        title: str,
        task_factory: TaskFactory,
        on_done: Callable[[Any], None] | None = None,
    ) -> TaskHandle:
        """Start ``task_factory(token)`` in a worker; ``on_done(result)`` in the GUI thread."""
        token = CancelToken()
        handle = TaskHandle(title, token, self._parent_widget, on_done, self._on_error, parent=self)
        self._active.append(handle)
        # a slot of the runner, not a closure holding the handle: a connection's closure
        # lives as long as the handle and kept every finished handle alive
        handle.finished.connect(self._forget_finished)
        self._pool.start(_Worker(task_factory, token, handle.bridge))
        return handle

    @Slot(bool)
    def _forget_finished(self, _ok: bool) -> None:
        self._active = [handle for handle in self._active if not handle.done]

    @property
    def busy(self) -> bool:
        return bool(self._active)

    def wait_for_idle(self, timeout_ms: int = 10_000) -> bool:
        """Process events until every task has finished; False on timeout."""
        return _wait_until(lambda: not self._active, timeout_ms)

    def cancel_all(self) -> None:
        for handle in list(self._active):
            handle.cancel()
