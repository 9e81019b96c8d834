"""Demo indications in every status, linked to plan goals, with the "tenzij" stories.

For households with a plan (``state["plans"]``): concept, ingediend, goedgekeurd,
afgegeven and beëindigd indications; evaluations due and overdue; a tenzij extension with
motivation and approval; a phase-out after no progress; a pending provider request; and a
request nearing the Awb term. ``state["indication_ids"]`` lists the ids. Deterministic.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from jeugdtoegang.demo.indication_builder import IndicationBuilder, stamp
from jeugdtoegang.demo.plan_texts import HELP_FAMILY
from jeugdtoegang.demo.users import LEAD
from jeugdtoegang.domain.costs import max_cost
from jeugdtoegang.domain.findings import Severity
from jeugdtoegang.domain.indications import (
    ChangeReason,
    Frequency,
    IndicationStatus,
    Perspective,
    Unit,
    add_working_days,
)
from jeugdtoegang.domain.terms import age_on, term_end
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.bulk import bulk_insert
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.indications import Evaluation, Indication, ProviderRequest
from jeugdtoegang.storage.models.meta import SequenceCounter
from jeugdtoegang.storage.numbering import next_numeric

SHARE = 0.7
STORIES = (
    "overdue",
    "due",
    "tenzij",
    "request",
    "phase_out",
    "pending",
    "awb",
    "tenzij_granted",
)


def _contracts(ctx: AppContext, session: Any) -> dict[str, list[Any]]:
    try:
        from jeugdtoegang.storage.models.providers import Contract, Provider
    except ImportError:  # pragma: no cover - providers area absent
        return {}
    rows = session.execute(
        select(
            Contract.product_code,
            Contract.provider_id,
            Contract.tariff,
            Provider.agb,
            Provider.name,
        )
        .join(Provider, Provider.id == Contract.provider_id)
        .where(Contract.region_slug == ctx.profile.slug, Contract.status == "actief")
    ).all()
    found: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        found[row.product_code].append(row)
    return found


def _story(
    builder: IndicationBuilder,
    story: str,
    person: Person,
    household: Household,
    goals: list[str],
    code: str | None,
) -> None:
    today = builder.today
    issued, ended = IndicationStatus.AFGEGEVEN, IndicationStatus.BEEINDIGD
    dev = builder.ctx.profile.term_rules.development_max_months
    if story == "overdue":
        builder.add(
            person,
            household,
            goals,
            issued,
            today - relativedelta(months=dev, days=12),
            dev,
            product_code=code,
            perspective=Perspective.ONTWIKKELING,
        )
    elif story == "due":
        start = today + timedelta(weeks=3) - relativedelta(months=dev) + timedelta(days=1)
        builder.add(
            person,
            household,
            goals,
            issued,
            start,
            dev,
            product_code=code,
            perspective=Perspective.ONTWIKKELING,
        )
    elif story in ("tenzij", "phase_out"):
        start = today - relativedelta(months=dev + 2)
        first = builder.add(
            person,
            household,
            goals,
            ended,
            start,
            dev,
            product_code=code,
            volume=Decimal("3"),
            perspective=Perspective.ONTWIKKELING,
            change_reason=ChangeReason.EINDE_HULP.value,
        )
        first["ended_on"] = first["end_date"]
        follow_start = first["end_date"] + timedelta(days=1)
        if story == "tenzij":
            builder.evaluate(
                first,
                "deels",
                "voortzetten_tenzij",
                "Doelen deels gehaald; zonder hulp is de kans op terugval groot.",
            )
            motivation = (
                "De traumabehandeling loopt nog; afschalen nu geeft een grote kans "
                "op terugval. Evaluatie over 6 maanden."
            )
            builder.add(
                person,
                household,
                goals,
                issued,
                follow_start,
                6,
                product_code=code,
                volume=Decimal("3"),
                perspective=Perspective.ONTWIKKELING,
                predecessor_id=first["id"],
                approved_by=LEAD,
                approved_at=stamp(follow_start - timedelta(days=3)),
                motivations={"EXTENSION_NOT_LIGHTER": motivation},
                findings=[
                    {
                        "code": "EXTENSION_NOT_LIGHTER",
                        "severity": "approval",
                        "message": "Er was vooruitgang: het vervolg moet lichter zijn "
                        "(...), anders alleen met motivering en akkoord.",
                        "field": "volume",
                    }
                ],
            )
        else:
            builder.evaluate(
                first,
                "nee",
                "afbouwen",
                "Geen vooruitgang op de doelen; hulp wordt in 3 maanden afgebouwd.",
            )
            months = builder.ctx.profile.term_rules.phase_out_months or 1
            builder.add(
                person,
                household,
                goals,
                issued,
                follow_start,
                months,
                product_code=code,
                volume=Decimal("1"),
                perspective=Perspective.ONTWIKKELING,
                predecessor_id=first["id"],
            )
    elif story == "request":
        row = builder.add(
            person,
            household,
            goals,
            issued,
            today - relativedelta(months=5),
            dev,
            product_code=code,
        )
        received = today - timedelta(days=2)
        builder.requests.append(
            {
                "indication_id": row["id"],
                "household_id": household.id,
                "kind": "verlenging",
                "requested_end": row["end_date"] + relativedelta(months=6),
                "requested_volume": row["volume"],
                "reason": "De aanbieder vraagt verlenging: de behandeling is nog niet klaar.",
                "received_on": received,
                "answer_due": add_working_days(received, 5),
                "status": "open",
            }
        )
    elif story == "pending":
        start = today + timedelta(days=7)
        end = term_end(start, dev + 3)
        builder.add(
            person,
            household,
            goals,
            IndicationStatus.INGEDIEND,
            start,
            dev,
            product_code=code,
            end=end,
            perspective=Perspective.ONTWIKKELING,
            motivations={
                "TERM_DEVELOPMENT_EXCEEDED": "Behandeling EMDR duurt 12 maanden "
                "volgens de diagnostiek van de GGZ."
            },
            findings=[
                {
                    "code": "TERM_DEVELOPMENT_EXCEEDED",
                    "severity": Severity.APPROVAL.value,
                    "message": f"Ontwikkelingsgerichte hulp duurt hoogstens {dev} "
                    "maanden. Langer kan alleen 'tenzij'.",
                    "field": "eind",
                }
            ],
        )
    elif story == "tenzij_granted":
        # longer than the development term, approved by the team lead with a motivation
        start = today - relativedelta(months=4)
        builder.add(
            person,
            household,
            goals,
            issued,
            start,
            dev,
            product_code=code,
            end=term_end(start, dev + 3),
            perspective=Perspective.ONTWIKKELING,
            approved_by=LEAD,
            approved_at=stamp(start - timedelta(days=5)),
            motivations={
                "TERM_DEVELOPMENT_EXCEEDED": "De behandeling van de angst duurt volgens de "
                "diagnostiek langer; stoppen na de gewone termijn geeft een grote kans op "
                "terugval."
            },
            findings=[
                {
                    "code": "TERM_DEVELOPMENT_EXCEEDED",
                    "severity": Severity.APPROVAL.value,
                    "message": f"Ontwikkelingsgerichte hulp duurt hoogstens {dev} "
                    "maanden. Langer kan alleen 'tenzij'.",
                    "field": "eind",
                }
            ],
        )
    elif story == "awb":
        builder.add(
            person,
            household,
            goals,
            IndicationStatus.CONCEPT,
            today + timedelta(days=14),
            dev,
            requested_on=today - timedelta(weeks=7),
        )


def _random(
    builder: IndicationBuilder,
    person: Person,
    household: Household,
    goals: list[str],
    code: str,
    plan: dict[str, Any],
) -> None:
    """One indication within the plan's period: help that ended, runs, or is still asked."""
    rng, today = builder.rng, builder.today
    months = builder.ctx.profile.term_rules.development_max_months
    plan_start: date = plan["start"]
    if plan["approved"]:
        status = rng.choices(list(IndicationStatus), (10, 6, 6, 60, 18))[0]
    else:  # no approved plan yet: the help is still being prepared
        status = rng.choice((IndicationStatus.CONCEPT, IndicationStatus.INGEDIEND))
    first_day = plan_start + timedelta(days=7)
    if status is IndicationStatus.BEEINDIGD:
        months = rng.choice((3, 4, 6))
        start = first_day + timedelta(days=rng.randint(0, 20))
        if term_end(start, months) >= today - timedelta(days=7):
            status = IndicationStatus.AFGEGEVEN  # too recent to have ended
    if status is IndicationStatus.AFGEGEVEN:
        # running now: started after the plan and not yet at its end date
        earliest = max(first_day, today - relativedelta(months=months - 1))
        span = max(0, (today - timedelta(days=3) - earliest).days)
        start = earliest + timedelta(days=rng.randint(0, span))
    elif status is not IndicationStatus.BEEINDIGD:
        start = max(today, first_day) + timedelta(days=rng.randint(3, 40))
    row = builder.add(person, household, goals, status, start, months, product_code=code)
    if row["perspective"] == Perspective.STABILISATIE.value:
        row["end_date"] = term_end(start, 24)
        row["max_cost"] = max_cost(
            row["volume"],
            row["tariff"],
            Unit(row["unit"]),
            Frequency(row["frequency"]),
            start,
            row["end_date"],
        )
    if status is IndicationStatus.BEEINDIGD:
        row["ended_on"] = row["end_date"]
        row["change_reason"] = ChangeReason.EINDE_HULP.value
        if row["perspective"] == Perspective.ONTWIKKELING.value:
            progress = rng.choice(("ja", "deels", "nee"))
            decision = {"ja": "beeindigen", "deels": "afschalen", "nee": "afbouwen"}[progress]
            builder.evaluate(row, progress, decision, "Besproken met gezin en aanbieder.")


def _allocate(builder: IndicationBuilder, session: Any, actor: str) -> None:
    by_gemeente: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(builder.rows, key=lambda r: r["start_date"]):
        if row["status"] in (IndicationStatus.AFGEGEVEN.value, IndicationStatus.BEEINDIGD.value):
            by_gemeente[row["gemeente_code"]].append(row)
            row["approved_by"] = row.get("approved_by") or None
    for gemeente, rows in by_gemeente.items():
        name = f"toewijzing-{gemeente}"
        if (
            session.execute(select(SequenceCounter.id).where(SequenceCounter.name == name)).first()
            is None
        ):
            session.add(SequenceCounter(name=name, last_seq=0, created_by=actor, updated_by=actor))
            session.flush()
        first = next_numeric(session, name, len(rows))
        for offset, row in enumerate(rows):
            row["allocation_number"] = first + offset
            row["allocated_at"] = stamp(row["start_date"] - timedelta(days=3))


def fill(ctx: AppContext, state: dict[str, Any]) -> None:
    """Add demo indications; ``state["indication_ids"]`` lists their ids."""
    rng = random.Random(f"{state['seed']}-indications")
    plans: dict[Any, list[str]] = state.get("plans") or {}
    with ctx.uow() as uow:
        session = uow.session
        contracts = _contracts(ctx, session)
        builder = IndicationBuilder(ctx, rng, contracts)
        if not plans or not builder.products():
            state["indication_ids"] = []
            return
        households = {  # their members are not needed (nor loaded)
            h.id: h
            for h in session.scalars(
                select(Household)
                .where(Household.id.in_(list(plans)))
                .options(lazyload(Household.members))
            )
        }
        meta: dict[Any, dict[str, Any]] = state.get("plan_meta") or {}
        people = {
            p.id: p
            for p in session.scalars(
                select(Person).where(
                    Person.household_id.in_(list(plans)), Person.role == "jeugdige"
                )
            )
        }
        story_households = list(state.get("story_households") or [])
        stories = list(STORIES)
        # in the order the households were made (uuid4 ids: sorting them is not stable)
        for household_id in [h for h in state.get("household_ids", []) if h in plans]:
            household = households.get(household_id)
            plan = meta.get(household_id)
            if household is None or plan is None or not plans[household_id]:
                continue
            child = people.get(plan["child_id"])
            if child is None or child.birth_date is None:
                continue
            if stories and household_id in story_households:
                age = age_on(child.birth_date, plan["start"])
                found = builder.product_for(plan["goals"], age) or builder.product_for(
                    [("", HELP_FAMILY)], age
                )
                code = "45Z01" if "45Z01" in builder.contracts else None
                goals = found[1] if found else plans[household_id]
                _story(
                    builder, stories.pop(0), child, household, goals, code or (found or (None,))[0]
                )
                continue
            if rng.random() >= SHARE:
                continue
            found = builder.product_for(plan["goals"], age_on(child.birth_date, plan["start"]))
            if found is not None:
                _random(builder, child, household, found[1], found[0], plan)
        _allocate(builder, session, ctx.actor.username)
        indication_ids = bulk_insert(session, Indication, builder.rows, ctx.actor.username)
        bulk_insert(session, Evaluation, builder.evaluations, ctx.actor.username)
        bulk_insert(session, ProviderRequest, builder.requests, ctx.actor.username)
        uow.commit()
    state["indication_ids"] = indication_ids
