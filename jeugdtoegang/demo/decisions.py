"""Demo data of this area (filled in by its issue)."""

from __future__ import annotations

from typing import Any

from jeugdtoegang.services.context import AppContext


def fill(ctx: AppContext, state: dict[str, Any]) -> None:
    """Add this area's demo records; ``state`` carries ids made by earlier steps."""
