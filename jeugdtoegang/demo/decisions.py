"""Demo decisions: every type, drafts and approved ones, one sent, one correction.

Made from the demo indications (``state["indication_ids"]``); when that step made none,
only refusals (afwijzingen, which need no indication) are made, so the tab is never empty.
Every decision has a structured motivation with the family's own facts (from its plan and
evaluation), answers an aanvraag when it is not ambtshalve, and a few aanvragen stay open
(one suspended, one extended) so the Awb term shows in signals and the review queue.
A decision whose whole period lies in the past stays a draft: it cannot be approved.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any

from sqlalchemy import select

from jeugdtoegang.demo.ages import text_fits
from jeugdtoegang.demo.users import NAMED_CONSULTANTS, NAMED_LEAD
from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.decisions import AMBTSHALVE_TYPES, DecisionType
from jeugdtoegang.domain.motivation import AfbouwStep
from jeugdtoegang.domain.requests import RequestedBy
from jeugdtoegang.domain.terms import age_on
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.letters.compose import volume_text
from jeugdtoegang.services import decisions, requests
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.decision_motivation import draft_motivation
from jeugdtoegang.storage.models.households import Person
from jeugdtoegang.storage.models.indications import Indication

#: the demo accounts of ``demo.users`` (a consultant writes, a team lead approves)
CONSULENT = (*NAMED_CONSULTANTS[0], Role.CONSULENT)
TEAMLEIDER = (*NAMED_LEAD, Role.TEAMLEIDER)
MAX_DECISIONS = 24

FACTS = (
    "Uw kind heeft thuis en op school vaak ruzie. Dat gaat al meer dan een jaar zo.",
    "U hebt al hulp gehad van het wijkteam. Dat hielp een beetje, maar niet genoeg.",
    "Opa en oma helpen één middag per week. Meer kunnen zij niet doen.",
    "De school maakt zich zorgen. Uw kind mist veel lessen.",
    "Uw kind slaapt slecht en is vaak bang. De huisarts heeft ons gevraagd mee te kijken.",
    "Uw kind heeft elke dag driftbuien. Thuis is het daardoor vaak onrustig.",
)
REQUESTS = (
    "hulp thuis bij de opvoeding",
    "begeleiding voor uw kind na school",
    "een logeerplek in het weekend",
    "behandeling bij angst",
    "hulp bij de driftbuien van uw kind",
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
    DecisionType.VERLENGING,
    DecisionType.BEEINDIGING,
)
RETROACTIVE = (
    "De hulp is al begonnen voordat wij konden beslissen. De zorgen waren te groot om te "
    "wachten. De huisarts vroeg om snelle hulp."
)
TYPE_PARTS: dict[DecisionType, dict[str, str]] = {
    DecisionType.TOEKENNING: {
        "weighing": "Het gezin en de mensen om het gezin heen doen al veel. Dat is niet "
        "genoeg voor {kind}. Een groep past nu niet, omdat {kind} eerst alleen moet oefenen."
    },
    DecisionType.GEDEELTELIJKE_TOEKENNING: {
        "weighing": "{kind} heeft hulp nodig bij boosheid. Voor school is al hulp geregeld.",
        "refused_part": "de extra begeleiding op school",
        "refused_reason": "De school regelt al een begeleider voor {kind}. Dat is passend "
        "onderwijs en dat gaat voor.",
    },
    DecisionType.VERLENGING: {
        "weighing": "De hulp helpt {kind}, maar het doel is nog niet bereikt. Stoppen nu "
        "zou de vooruitgang in gevaar brengen.",
        "evaluation_result": "In het gesprek over de hulp zagen we vooruitgang. {kind} gaat "
        "weer vaker naar school. Ruzie thuis komt minder vaak voor.",
    },
    DecisionType.BEEINDIGING: {
        "weighing": "De doelen in het plan zijn grotendeels bereikt. Wat nog nodig is, kan "
        "het gezin samen met het netwerk.",
        "evaluation_result": "In het gesprek over de hulp zagen we dat {kind} veel beter "
        "met boosheid omgaat. U weet als ouders wat u kunt doen.",
        "legal_ground": "De hulp is niet meer nodig, omdat de doelen bereikt zijn. Dan mag "
        "de gemeente het besluit over de hulp beëindigen.",
    },
    DecisionType.AFWIJZING: {
        "weighing": "U vroeg om {gevraagd}. Wat {kind} nodig heeft, is te krijgen zonder "
        "besluit van ons. Die hulp is dichtbij en snel.",
        "reason_category": "voorliggende_voorziening",
    },
    DecisionType.WIJZIGING: {
        "weighing": "We keken samen hoe het gaat met {kind}. De nieuwe omvang past daar beter bij.",
        "change": "De omvang van de hulp verandert: zie de oude en de nieuwe tabel. Dat past "
        "bij hoe het nu gaat met {kind}.",
    },
    DecisionType.CORRECTIE: {
        "weighing": "Het oude besluit klopte niet. Het nieuwe besluit noemt de juiste gegevens.",
        "withdrawal_reason": "In het oude besluit stond een fout in de einddatum van de hulp.",
    },
}


#: parts for a jeugdige too young for the school texts above (ages: demo.ages)
YOUNG_PARTS: dict[DecisionType, dict[str, str]] = {
    DecisionType.GEDEELTELIJKE_TOEKENNING: {
        "weighing": "{kind} heeft hulp nodig bij boosheid. Voor het weekend is al hulp geregeld.",
        "refused_part": "de extra begeleiding in het weekend",
        "refused_reason": "Opa en oma passen in het weekend op {kind}. Die hulp uit het netwerk "
        "gaat voor.",
    },
    DecisionType.VERLENGING: {
        "evaluation_result": "In het gesprek over de hulp zagen we vooruitgang. {kind} is thuis "
        "rustiger. Ruzie thuis komt minder vaak voor.",
    },
}


def _fitting(texts: tuple[str, ...], ages: tuple[int, ...], at_least: int) -> tuple[str, ...]:
    """The texts that fit a jeugdige of each of ``ages`` (at least ``at_least`` of them)."""
    found = tuple(t for t in texts if all(text_fits(t, age) for age in ages))
    return found if len(found) >= at_least else texts


def _parts_for(decision_type: DecisionType, ages: tuple[int, ...]) -> dict[str, str]:
    parts = dict(TYPE_PARTS[decision_type])
    if any(not text_fits(text, age) for text in parts.values() for age in ages):
        parts |= YOUNG_PARTS.get(decision_type, {})
    return parts


def _age(ctx: AppContext, person_id: uuid.UUID) -> tuple[int, ...]:
    """The jeugdige's age two months ago and today (the aanvraag lies in between)."""
    with ctx.uow(readonly=True) as uow:
        person = uow.session.get(Person, person_id)
        if person is None or person.birth_date is None:
            return ()
        today = ctx.today()
        return (
            age_on(person.birth_date, today - timedelta(days=70)),
            age_on(person.birth_date, today),
        )


def _indications_by_person(
    ctx: AppContext, ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[uuid.UUID, uuid.UUID, date, date]]]:
    found: dict[uuid.UUID, list[tuple[uuid.UUID, uuid.UUID, date, date]]] = defaultdict(list)
    if not ids:
        return found
    with ctx.uow(readonly=True) as uow:
        rows = uow.session.execute(
            select(
                Indication.id,
                Indication.person_id,
                Indication.household_id,
                Indication.start_date,
                Indication.end_date,
            )
            .where(Indication.id.in_(ids))
            .order_by(Indication.start_date)
        ).all()
    for indication_id, person_id, household_id, start, end in rows:
        found[person_id].append((indication_id, household_id, start, end))
    return found


def _jeugdigen_without_help(
    ctx: AppContext, household_ids: list[uuid.UUID], skip: set[uuid.UUID], count: int
) -> list[tuple[uuid.UUID, uuid.UUID, str]]:
    if count <= 0 or not household_ids:
        return []
    with ctx.uow(readonly=True) as uow:
        rows = uow.session.execute(
            select(Person.id, Person.household_id, Person.first_name)
            .where(Person.role == "jeugdige", Person.household_id.in_(household_ids[:200]))
            .order_by(Person.sort_key, Person.id)
        ).all()
    return [(p, h, n) for p, h, n in rows if p not in skip][:count]


def _first_name(ctx: AppContext, person_id: uuid.UUID) -> str:
    with ctx.uow(readonly=True) as uow:
        person = uow.session.get(Person, person_id)
        return person.first_name if person else "uw kind"


def _alternative(ctx: AppContext) -> str:
    """A free-access provision of the region's catalogue, by name (afwijzing)."""
    from jeugdtoegang.storage.models.providers import Provider

    with ctx.uow(readonly=True) as uow:
        name = uow.session.execute(
            select(Provider.name).order_by(Provider.name).limit(1)
        ).scalar_one_or_none()
    return (
        f"de gratis opvoedcursus van het CJG (bijvoorbeeld bij {name})"
        if name
        else "de gratis opvoedcursus van het CJG in uw wijk"
    )


def _afbouw_amounts(ctx: AppContext, indication_id: uuid.UUID) -> tuple[str, str]:
    """Half and a quarter of the current help, in its own unit (the afbouw steps)."""
    with ctx.uow(readonly=True) as uow:
        row = uow.session.get(Indication, indication_id)
        if row is None or row.unit == "euro":
            return "", ""
        half = max(Decimal(1), (row.volume / 2).to_integral_value(ROUND_CEILING))
        quarter = max(Decimal(1), (row.volume / 4).to_integral_value(ROUND_CEILING))
        return (
            volume_text(half, row.unit, row.frequency),
            volume_text(quarter, row.unit, row.frequency),
        )


def _changed_indication(ctx: AppContext, indication_id: uuid.UUID, start: date) -> uuid.UUID:
    """A new indication with less help from ``start`` (the wijziging's new table)."""
    skip = {"id", "created_at", "created_by", "updated_at", "updated_by", "version"}
    with ctx.uow() as uow:
        old = uow.session.get(Indication, indication_id)
        assert old is not None
        data = {
            c.key: getattr(old, c.key) for c in Indication.__table__.columns if c.key not in skip
        }
        data |= {
            "start_date": max(start, old.start_date),
            "end_date": max(old.end_date, start),
            # less help when there is room to halve it, otherwise one unit more
            "volume": (old.volume / 2).to_integral_value(ROUND_CEILING)
            if old.volume > 1
            else old.volume + 1,
            "predecessor_id": old.id,
            "allocation_number": None,
            "change_reason": None,
        }
        row = Indication(**data)
        uow.session.add(row)
        uow.session.flush()
        uow.commit()
        return row.id


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
    approved: dict[DecisionType, list[uuid.UUID]] = defaultdict(list)
    alternative = _alternative(ctx)

    def make(
        person_id: uuid.UUID,
        household_id: uuid.UUID,
        decision_type: DecisionType,
        links: list[tuple[uuid.UUID, uuid.UUID, date, date]],
        **extra: Any,
    ) -> uuid.UUID:
        kind = _first_name(ctx, person_id)
        age = _age(ctx, person_id)
        requested = rng.choice(_fitting(REQUESTS, age, 1))
        indication_ids = [i for i, *_ in links]
        draft = draft_motivation(
            author, household_id, person_id, decision_type, indication_ids, requested=requested
        )
        own = {
            k: v.format(kind=kind, gevraagd=requested)
            for k, v in _parts_for(decision_type, age).items()
        }
        facts = (*draft.facts[:3], *rng.sample(_fitting(FACTS, age, 2), 2))
        parts = draft.merged(**({"facts": facts} | own))
        if decision_type is DecisionType.AFWIJZING:
            # the articles follow the reason category (prefilled when the decision is made)
            parts = parts.merged(
                alternative=alternative, jeugdwet_artikel="", verordening_artikel=""
            )
        if decision_type is DecisionType.BEEINDIGING:
            stop = today + timedelta(weeks=6)
            extra["end_date"] = stop
            half, quarter = _afbouw_amounts(ctx, indication_ids[0]) if indication_ids else ("", "")
            if half:
                parts = parts.merged(
                    afbouw=(
                        AfbouwStep(today + timedelta(days=1), today + timedelta(weeks=3), half),
                        AfbouwStep(today + timedelta(weeks=3, days=1), stop, quarter),
                    )
                )
        elif any(start < today for _i, _h, start, _e in links):
            parts = parts.merged(retroactive_reason=RETROACTIVE)
        aanvraag_id = None
        request_date = today - timedelta(days=rng.randint(7, 50))
        if decision_type not in AMBTSHALVE_TYPES:
            aanvraag = requests.add_request(
                author,
                household_id,
                person_id,
                request_date,
                RequestedBy.OUDERS,
                requested,
                acknowledged_on=request_date + timedelta(days=2),
            )
            aanvraag_id = aanvraag.id
        detail = decisions.create_decision(
            author,
            household_id,
            person_id,
            decision_type,
            indication_ids,
            request_date,
            requested,
            "",
            goals=rng.sample(_fitting(GOALS, age, 2), 2),
            parts=parts,
            aanvraag_id=aanvraag_id,
            **extra,
        )
        made.append(detail.id)
        return detail.id

    def approve(decision_id: uuid.UUID, decision_type: DecisionType) -> bool:
        decisions.submit_decision(author, decision_id)
        try:
            decisions.approve_decision(lead, decision_id)
        except JeugdtoegangError:  # e.g. a period wholly in the past: stays a draft
            return False
        approved[decision_type].append(decision_id)
        return True

    for index, (person_id, links) in enumerate(list(by_person.items())[:MAX_DECISIONS]):
        decision_type = GRANTED_CYCLE[index % len(GRANTED_CYCLE)]
        household_id = links[0][1]
        current = [link for link in links if link[3] >= today] or links
        decision_id = make(person_id, household_id, decision_type, current)
        if not approved[decision_type] or (index + index // len(GRANTED_CYCLE)) % 2 == 0:
            approve(decision_id, decision_type)
        elif index % 3 == 0:
            decisions.submit_decision(author, decision_id)

    refusals = 2 if by_person else 6
    for index, (person_id, household_id, _name) in enumerate(
        _jeugdigen_without_help(ctx, state.get("household_ids", []), set(by_person), refusals)
    ):
        decision_id = make(person_id, household_id, DecisionType.AFWIJZING, [])
        if index == 0:
            approve(decision_id, DecisionType.AFWIJZING)

    granted = approved[DecisionType.TOEKENNING] + approved[DecisionType.VERLENGING]
    if granted:
        original = decisions.get_decision(author, granted[0], purpose=None)
        decisions.mark_sent(author, original.id)
        links = by_person.get(original.person_id, [])
        current = [link for link in links if link[3] >= today] or links
        start = today + timedelta(days=14)
        changed = _changed_indication(ctx, current[0][0], start)
        change = make(
            original.person_id,
            original.row.household_id,
            DecisionType.WIJZIGING,
            [(changed, current[0][1], start, current[0][3])],
            corrects_decision_id=original.id,
            effective_date=today + timedelta(days=14),
        )
        approve(change, DecisionType.WIJZIGING)
    if len(granted) > 1:
        original = decisions.get_decision(author, granted[1], purpose=None)
        links = by_person.get(original.person_id, [])
        current = [link for link in links if link[3] >= today] or links
        correction = make(
            original.person_id,
            original.row.household_id,
            DecisionType.CORRECTIE,
            current,
            corrects_decision_id=original.id,
            end_date=original.end_date,
        )
        approve(correction, DecisionType.CORRECTIE)
    _open_requests(author, state, set(by_person), rng)
    state["decision_ids"] = made


def _open_requests(
    author: AppContext, state: dict[str, Any], skip: set[uuid.UUID], rng: random.Random
) -> None:
    """Four open aanvragen: one on time, one suspended (4:15), one extended (4:14) and one
    past the Awb term of 8 weeks (the signal and the dashboard's overdue bar)."""
    today = author.today()
    found = _jeugdigen_without_help(author, state.get("household_ids", [])[40:], skip, 4)
    for index, (person_id, household_id, _name) in enumerate(found):
        received = today - timedelta(days=(10, 30, 50, 63)[index])
        view = requests.add_request(
            author,
            household_id,
            person_id,
            received,
            (RequestedBy.OUDERS, RequestedBy.VERWIJZER, RequestedBy.OUDERS, RequestedBy.OUDERS)[
                index
            ],
            rng.choice(_fitting(REQUESTS, _age(author, person_id), 1)),
            requester_name="Huisartsenpraktijk De Brink" if index == 1 else "",
            acknowledged_on=received + timedelta(days=3),
        )
        if index == 1:
            requests.suspend_request(
                author, view.id, received + timedelta(days=14), "Het verslag van de huisarts."
            )
        if index == 2:
            requests.extend_request(
                author, view.id, 4, "Het onderzoek naar de beste hulp duurt langer."
            )
