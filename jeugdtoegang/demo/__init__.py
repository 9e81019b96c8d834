"""The built-in demo set: fictional, deterministic, covering every screen and state.

Each area adds its own demo module; :func:`fill_demo` runs them in dependency order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jeugdtoegang.services.context import AppContext

DEFAULT_DEMO_HOUSEHOLDS = 250


def fill_demo(ctx: AppContext, households: int | None = None, seed: int = 2026) -> int:
    """Fill an initialised, empty database with demo data; returns the households made."""
    from jeugdtoegang.demo import households as demo_households
    from jeugdtoegang.services.region_setup import ensure_setup

    ensure_setup(ctx, fictional=True)  # issue 13: demo data are marked as fictional

    count = households if households is not None else DEFAULT_DEMO_HOUSEHOLDS
    household_ids = demo_households.generate_households(ctx, count, seed)
    state = {"household_ids": household_ids, "seed": seed}
    for step in _area_steps():
        step(ctx, state)
    return len(household_ids)


def _area_steps() -> list[Callable[[AppContext, dict[str, Any]], None]]:
    """Demo steps of the areas, in dependency order."""
    from jeugdtoegang.demo import caseload, decisions, indications, plans, providers, users

    return [
        users.fill,
        caseload.fill,
        providers.fill,
        plans.fill,
        indications.fill,
        decisions.fill,
    ]
