"""From a draft to an indication record and back: the record fields a checked draft
sets, and the draft a stored indication is checked again as (submit, change end date).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.costs import budget_cents, max_cost
from jeugdtoegang.domain.indication_policies import evaluation_due
from jeugdtoegang.domain.indication_rules import (
    CheckResult,
    IndicationProposal,
    check_indication,
)
from jeugdtoegang.domain.indications import Frequency, Initiator, Perspective, Unit
from jeugdtoegang.errors import FieldError, ValidationError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_inputs import IndicationDraft, ProviderFacts, build_context
from jeugdtoegang.services.indication_views import findings_to_json
from jeugdtoegang.storage.models.indications import Indication


def evaluation_due_for(
    ctx: AppContext, product_code: str, perspective: Perspective, start: date, end: date
) -> date | None:
    """When the help is to be evaluated (the region's policy for this product)."""
    return evaluation_due(ctx.profile, product_code, perspective, start, end)


def draft_columns(
    ctx: AppContext,
    draft: IndicationDraft,
    result: CheckResult,
    facts: ProviderFacts,
    stored_requested_on: date | None = None,
) -> dict[str, Any]:
    """The indication record's columns (name -> value) that a checked draft sets, for a new
    concept or a changed one (``stored_requested_on``: the changed one's request date)."""
    proposal = draft.proposal
    end = proposal.end or result.max_eind
    if end is None or end < proposal.start:
        raise ValidationError(FieldError("eind", "De einddatum ligt voor de startdatum."))
    product = ctx.profile.product(proposal.product_code)
    product_code = proposal.product_code.strip().upper()
    tariff = facts.tariff or proposal.tariff
    return {
        "goal_ids": list(draft.goal_ids),
        "segment": proposal.segment,
        "product_code": product_code,
        "product_name": product.name if product else "",
        "product_category": product.category if product else "50",
        "provider_id": facts.provider_id or draft.provider_id,
        "provider_agb": proposal.provider_agb,
        "provider_name": facts.name or "",
        "maatwerk_name": proposal.maatwerk_name,
        "maatwerk_agb": draft.extra.get("maatwerk_agb"),
        "perspective": proposal.perspective.value,
        "start_date": proposal.start,
        "end_date": end,
        "volume": proposal.volume,
        "unit": proposal.unit.value,
        "unit_code": proposal.unit.code,
        "frequency": proposal.frequency.value,
        "frequency_code": proposal.frequency.code,
        "tariff": tariff,
        "max_cost": max_cost(
            proposal.volume, tariff, proposal.unit, proposal.frequency, proposal.start, end
        ),
        "budget_cents": (
            budget_cents(proposal.volume, proposal.unit, proposal.frequency, proposal.start, end)
            if proposal.unit is Unit.EURO
            else None
        ),
        "initiator": proposal.initiator.value,
        "referrer_code": proposal.initiator.referrer_code,
        "predecessor_id": draft.predecessor_id or draft.replaces_id or result.continues,
        "requested_on": draft.requested_on or stored_requested_on or ctx.today(),
        "motivations": {k: v for k, v in proposal.motivations.items() if v and v.strip()},
        "findings": findings_to_json(result.findings),
        "evaluation_due": evaluation_due_for(
            ctx, product_code, proposal.perspective, proposal.start, end
        ),
        "term_start": result.term_start or proposal.start,
        "referral_date": proposal.referral_date,
        "identity_wish": (proposal.identity_wish or "").strip() or None,
        "chosen_by_family": proposal.chosen_by_family,
        "partner_agreement": (proposal.partner_agreement or "").strip() or None,
    }


def apply_draft(
    ctx: AppContext,
    row: Indication,
    draft: IndicationDraft,
    result: CheckResult,
    facts: ProviderFacts,
) -> None:
    """Write a checked draft onto the indication record (a changed concept or indication)."""
    for name, value in draft_columns(ctx, draft, result, facts, row.requested_on).items():
        setattr(row, name, value)


def recheck(ctx: AppContext, session: Session, row: Indication) -> CheckResult:
    """Check a stored indication again, as a draft rebuilt from its record."""
    proposal = IndicationProposal(
        segment=row.segment,
        product_code=row.product_code,
        perspective=Perspective(row.perspective),
        start=row.start_date,
        end=row.end_date,
        volume=row.volume,
        unit=Unit(row.unit),
        frequency=Frequency(row.frequency),
        initiator=Initiator(row.initiator),
        provider_agb=row.provider_agb,
        maatwerk_name=row.maatwerk_name,
        tariff=row.tariff,
        motivations=dict(row.motivations or {}),
        own_id=row.id,
        referral_date=row.referral_date,
        identity_wish=row.identity_wish,
        chosen_by_family=bool(row.chosen_by_family),
        partner_agreement=row.partner_agreement,
    )
    is_follow_up = row.predecessor_id is not None and row.change_reason is None
    draft = IndicationDraft(
        proposal=proposal,
        person_id=row.person_id,
        household_id=row.household_id,
        goal_ids=tuple(row.goal_ids or ()),
        provider_id=row.provider_id,
        predecessor_id=row.predecessor_id if is_follow_up else None,
        replaces_id=row.predecessor_id if not is_follow_up else None,
    )
    built, context, _, _ = build_context(ctx, session, draft)
    return check_indication(built, context)
