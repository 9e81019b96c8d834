"""Demo caseload: every demo dossier has a responsible consultant of the demo team.

Dossiers alternate between the two demo consultants; every tenth has the other one as
stand-in, so "Mijn werk" and the caseload chart show real people, never the demo process.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from jeugdtoegang.demo.users import CONSULTANTS
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models.households import Household


def fill(ctx: AppContext, state: dict[str, Any]) -> None:
    ids = list(state.get("household_ids") or [])
    order = {household_id: index for index, household_id in enumerate(ids)}
    # through the ORM: versioned and in the change log, as any edit; without loading the
    # members (the relationship's selectin load was most of the cost of 100,000 dossiers)
    query = select(Household).where(Household.id.in_(ids)).options(lazyload(Household.members))
    with ctx.uow() as uow:
        for household in uow.session.scalars(query):
            index = order[household.id]
            household.responsible_consultant = CONSULTANTS[index % 2]
            household.stand_in = CONSULTANTS[(index + 1) % 2] if index % 10 == 0 else None
        uow.commit()
