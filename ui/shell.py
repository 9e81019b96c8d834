"""What areas and dossier tabs may ask of the main window (implemented by MainWindow)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Protocol

from jeugdtoegang.progress import CancelToken, ProgressTask
from jeugdtoegang.services.context import AppContext


class Shell(Protocol):
    """The main window's services for the widgets inside it."""

    ctx: AppContext

    def open_dossier(self, household_id: uuid.UUID, tab: str | None = None) -> None:
        """Open (or raise) the dossier view of a household, optionally on a tab key."""

    def show_area(self, key: str) -> None:
        """Switch the navigation to an area (keys in ``ui.areas.AREAS``)."""

    def show_error(self, message: str) -> None:
        """Show a Dutch error message (through ``ui.dialogs``)."""

    def status(self, message: str) -> None:
        """Show a short message in the status bar."""

    def run_task(
        self,
        title: str,
        task_factory: Callable[[CancelToken], ProgressTask[Any]],
        on_done: Callable[[Any], None] | None = None,
    ) -> Any:
        """Run a core progress generator in a worker with a progress dialog and cancel.

        ``task_factory`` is called in the worker thread (open a new unit of work there).
        ``on_done`` runs in the GUI thread with the generator's return value. Failures
        (``JeugdtoegangError``) are shown as Dutch messages. Returns a handle with
        ``wait_for_idle()`` and a ``finished`` signal for tests.
        """
