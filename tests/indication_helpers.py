"""Test helpers for the indications area: a family, a contracted provider, a plan, a draft."""

from __future__ import annotations

import itertools
import uuid
from datetime import date
from decimal import Decimal

from jeugdtoegang.domain.households import HouseholdInput, PersonInput, PersonRole
from jeugdtoegang.domain.indication_rules import IndicationProposal
from jeugdtoegang.domain.indications import Frequency, Initiator, Perspective, Unit
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.households import register_household
from jeugdtoegang.services.indication_inputs import IndicationDraft

_serial = itertools.count(100_000)

PROVIDER_AGB = "12345678"


def make_bsn() -> str:
    """A fresh BSN that passes the 11-check."""
    while True:
        digits = f"{next(_serial):08d}"
        total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10:
            return digits + str(last)


def make_family(
    ctx: AppContext,
    birth_date: date = date(2015, 3, 1),
    gemeente: str = "Zeist",
    wijk: str | None = "Centrum",
    name: str = "Familie Test",
) -> tuple[uuid.UUID, uuid.UUID]:
    """Register a household with one parent and one jeugdige; returns (household, jeugdige)."""
    detail = register_household(
        ctx,
        HouseholdInput(
            name=name,
            gemeente=gemeente,
            street="Dorpsstraat",
            house_number="1",
            postcode="3701 AA",
            wijk=wijk,
            members=(
                PersonInput(
                    PersonRole.OUDER,
                    "Anna",
                    "Test",
                    birth_date=date(1985, 1, 1),
                    bsn=make_bsn(),
                    has_gezag=True,
                ),
                PersonInput(
                    PersonRole.JEUGDIGE, "Sem", "Test", birth_date=birth_date, bsn=make_bsn()
                ),
            ),
        ),
    )
    child = next(m for m in detail.members if m.role == "jeugdige")
    return detail.id, child.id


def add_provider(
    ctx: AppContext,
    agb: str = PROVIDER_AGB,
    name: str = "Zorg Zeist BV",
    product_code: str = "45Z01",
    segment: str = "ambulant",
    tariff: str = "80.00",
    unit: str = "uur",
    budget_year: str | None = None,
    status: str = "actief",
    group_offer: bool = False,
) -> uuid.UUID:
    """A provider with one contract in the context's region (inserted directly)."""
    from sqlalchemy import select

    from jeugdtoegang.storage.models.providers import Contract, Provider

    with ctx.uow() as uow:
        provider_id = uow.session.execute(select(Provider.id).where(Provider.agb == agb)).scalar()
        if provider_id is None:
            provider = Provider(agb=agb, name=name, search_name=name.lower())
            uow.session.add(provider)
            uow.session.flush()
            provider_id = provider.id
        uow.session.add(
            Contract(
                provider_id=provider_id,
                region_slug=ctx.database.region_slug,
                segment=segment,
                product_code=product_code,
                unit=unit,
                tariff=Decimal(tariff),
                valid_from=date(2025, 1, 1),
                municipalities="*",
                budget_year=Decimal(budget_year) if budget_year else None,
                status=status,
                group_offer=group_offer,
            )
        )
        uow.commit()
    return provider_id


def add_plan(
    ctx: AppContext, household_id: uuid.UUID, person_id: uuid.UUID, *, with_18: bool = False
) -> list[str]:
    """Save a plan with two goals (and optionally an 18+ perspective); returns goal ids."""
    from jeugdtoegang.domain.plans import Goal, Perspective18, PlanDocument
    from jeugdtoegang.services.plans import save_draft

    goals = (
        Goal(domain="Opvoeden en opgroeien", description="Sem gaat weer naar school"),
        Goal(domain="Sociaal netwerk", description="Sem heeft een vriend om mee af te spreken"),
    )
    perspectives = (
        (Perspective18(person_id=str(person_id), wonen="Blijft thuis wonen", zorg_na_18="Wmo"),)
        if with_18
        else ()
    )
    document = PlanDocument(goals=goals, perspectives_18=perspectives)
    save_draft(ctx, household_id, document, 0)
    return [g.id for g in goals]


def proposal(**changes: object) -> IndicationProposal:
    values: dict[str, object] = {
        "segment": "ambulant",
        "product_code": "45Z01",
        "perspective": Perspective.ONTWIKKELING,
        "start": date(2026, 12, 1),
        "end": date(2027, 8, 31),
        "volume": Decimal("2"),
        "unit": Unit.UUR,
        "frequency": Frequency.WEEK,
        "initiator": Initiator.CONSULENT,
        "provider_agb": PROVIDER_AGB,
    }
    values.update(changes)
    return IndicationProposal(**values)  # type: ignore[arg-type]


def draft(
    person_id: uuid.UUID, goal_ids: list[str] | None = None, **changes: object
) -> IndicationDraft:
    extra = {k: changes.pop(k) for k in list(changes) if k in {"predecessor_id", "requested_on"}}
    return IndicationDraft(
        proposal=proposal(**changes),
        person_id=person_id,
        goal_ids=tuple(goal_ids or ()),
        **extra,  # type: ignore[arg-type]
    )
