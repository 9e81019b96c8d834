"""The entry points of a render process of the day batch (``services.letter_batch``).

Kept apart so that a spawned worker imports only reportlab and the letter layout, not the
storage and service layers (that import costs more CPU than rendering a dozen letters).
"""

from __future__ import annotations

import os
import threading
import time

from jeugdtoegang.letters.render import warm_up


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)  # the print run was killed: no orphaned renderers


def start(parent: int) -> None:
    """Pool initializer: end with the parent, then load fonts, styles and caches while the
    parent reads the first letters."""
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    warm_up()


def ready() -> bool:
    """A no-op task: submitting one per worker starts the workers at once."""
    return True
