"""Demo decisions: every type, drafts and approved ones, one sent, one correction.

Made from the demo indications (``state["indication_ids"]``); when that step made none,
only refusals (afwijzingen, which need no indication) are made, so the tab is never empty.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.decisions import DecisionType
from jeugdtoegang.services import decisions
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models.households import Person
from jeugdtoegang.storage.models.indications import Indication

#: the demo accounts of ``demo.users`` (a consultant writes, a team lead approves)
CONSULENT = ("c.jansen", "Carla Jansen", Role.CONSULENT)
TEAMLEIDER = ("t.bakker", "Tom Bakker", Role.TEAMLEIDER)
MAX_DECISIONS = 24

FACTS = (
    "Uw kind heeft thuis en op school vaak ruzie. Dat gaat al meer dan een jaar zo.",
    "U hebt al hulp gehad van het wijkteam. Dat hielp een beetje, maar niet genoeg.",
    "Opa en oma helpen één middag per week. Meer kunnen zij niet doen.",
    "De school maakt zich zorgen. Uw kind mist veel lessen.",
    "Uw kind slaapt slecht en is vaak bang. De huisarts heeft ons gevraagd mee te kijken.",
)
REQUESTS = (
    "hulp thuis bij de opvoeding",
    "begeleiding voor uw kind na school",
    "een logeerplek in het weekend",
    "behandeling bij angst",
)
GOALS = (
    "Uw kind kan beter omgaan met boosheid.",
    "U weet als ouders wat u kunt doen als het thuis misgaat.",
    "Uw kind gaat weer elke dag naar school.",
)
#: granted types cycle over the jeugdigen that have indications
GRANTED_CYCLE = (
    DecisionType.TOEKENNING,
    DecisionType.GEDEELTELIJKE_TOEKENNING,
    DecisionType.WIJZIGING,
    DecisionType.BEEINDIGING,
)


def _indications_by_person(
    ctx: AppContext, ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[uuid.UUID, uuid.UUID]]]:
    found: dict[uuid.UUID, list[tuple[uuid.UUID, uuid.UUID]]] = defaultdict(list)
    if not ids:
        return found
    with ctx.uow(readonly=True) as uow:
        rows = uow.session.execute(
            select(Indication.id, Indication.person_id, Indication.household_id)
            .where(Indication.id.in_(ids))
            .order_by(Indication.start_date)
        ).all()
    for indication_id, person_id, household_id in rows:
        found[person_id].append((indication_id, household_id))
    return found


def _jeugdigen_without_help(
    ctx: AppContext, household_ids: list[uuid.UUID], skip: set[uuid.UUID], count: int
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    if count <= 0 or not household_ids:
        return []
    with ctx.uow(readonly=True) as uow:
        rows = uow.session.execute(
            select(Person.id, Person.household_id)
            .where(Person.role == "jeugdige", Person.household_id.in_(household_ids[:200]))
            .order_by(Person.sort_key, Person.id)
        ).all()
    return [(p, h) for p, h in rows if p not in skip][:count]


def fill(ctx: AppContext, state: dict[str, Any]) -> None:
    """Add demo decisions; puts their ids in ``state["decision_ids"]``."""
    rng = random.Random(state.get("seed", 2026) + 6)
    team = ctx.database.info().team_name or ctx.profile.team_name_default
    author, lead = (
        ctx.with_actor(Actor(user, name, frozenset({role}), team=team))
        for user, name, role in (CONSULENT, TEAMLEIDER)
    )
    today = ctx.today()
    ids = [uuid.UUID(str(i)) for i in state.get("indication_ids", [])]
    by_person = _indications_by_person(ctx, ids)
    made: list[uuid.UUID] = []
    approved: list[uuid.UUID] = []

    def make(
        person_id: uuid.UUID,
        household_id: uuid.UUID,
        decision_type: DecisionType,
        indication_ids: list[uuid.UUID],
        **extra: Any,
    ) -> uuid.UUID:
        facts = rng.sample(FACTS, 2)
        detail = decisions.create_decision(
            author,
            household_id,
            person_id,
            decision_type,
            indication_ids,
            today - timedelta(days=rng.randint(7, 50)),
            rng.choice(REQUESTS),
            "\n\n".join(facts),
            goals=rng.sample(GOALS, 2),
            **extra,
        )
        made.append(detail.id)
        return detail.id

    for index, (person_id, links) in enumerate(list(by_person.items())[:MAX_DECISIONS]):
        decision_type = GRANTED_CYCLE[index % len(GRANTED_CYCLE)]
        household_id = links[0][1]
        indication_ids = [i for i, _ in links]
        decision_id = make(person_id, household_id, decision_type, indication_ids)
        if (index + index // len(GRANTED_CYCLE)) % 2 == 0:  # every type both ways
            decisions.submit_decision(author, decision_id)
            decisions.approve_decision(lead, decision_id)
            approved.append(decision_id)
        elif index % 3 == 0:
            decisions.submit_decision(author, decision_id)

    refusals = 2 if by_person else 6
    for index, (person_id, household_id) in enumerate(
        _jeugdigen_without_help(ctx, state.get("household_ids", []), set(by_person), refusals)
    ):
        decision_id = make(person_id, household_id, DecisionType.AFWIJZING, [])
        if index == 0:
            decisions.submit_decision(author, decision_id)
            decisions.approve_decision(lead, decision_id)
            approved.append(decision_id)

    if approved:
        decisions.mark_sent(author, approved[0])
        original = decisions.get_decision(author, approved[0], purpose=None)
        make(
            original.person_id,
            original.row.household_id,
            original.row.type,
            list(original.indication_ids),
            corrects_decision_id=original.id,
            end_date=original.end_date,
        )
    state["decision_ids"] = made
