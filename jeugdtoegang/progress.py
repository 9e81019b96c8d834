"""Long work as generators: they yield :class:`Progress` and stop when cancelled.

The GUI runs such a generator in a worker thread with a progress bar and a cancel button
(``ui/workers.py``); the CLI simply exhausts it. The generator's return value (``return x``
inside it) is the result.
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from dataclasses import dataclass
from typing import TypeVar

from jeugdtoegang.errors import JeugdtoegangError

T = TypeVar("T")


@dataclass(frozen=True)
class Progress:
    """How far a long task is: ``done`` of ``total`` steps, with a Dutch label."""

    done: int
    total: int
    label: str = ""


class CancelledError(JeugdtoegangError):
    """The user cancelled; the task left no half results."""

    def __init__(self) -> None:
        super().__init__("Afgebroken. Er is niets half opgeslagen.")


class CancelToken:
    """Thread-safe cancel flag checked by long tasks between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise CancelledError()


ProgressTask = Generator[Progress, None, T]


def run_to_end(task: ProgressTask[T]) -> T:
    """Run a progress generator without a GUI; returns its result."""
    while True:
        try:
            next(task)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
