"""Changes after issue: the end date, ending, and replacing an issued indication.

After issue only the end date may change (:func:`change_end_date`); any other change
ends the indication and creates a new concept linked by ``predecessor_id``
(:func:`replace_indication`).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.domain.costs import budget_cents, max_cost
from jeugdtoegang.domain.findings import Severity
from jeugdtoegang.domain.indication_rules import check_indication
from jeugdtoegang.domain.indications import (
    ChangeReason,
    Frequency,
    IndicationStatus,
    Perspective,
    Unit,
)
from jeugdtoegang.errors import FieldError, RuleViolationError, ValidationError
from jeugdtoegang.services.authz import guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_drafts import apply_draft, evaluation_due_for, recheck
from jeugdtoegang.services.indication_inputs import IndicationDraft, build_context
from jeugdtoegang.services.indication_records import (
    load_indication,
    require_household_team,
    require_status,
    view_of,
)
from jeugdtoegang.services.indication_views import IndicationView
from jeugdtoegang.storage.models.indications import Indication


@guarded(Permission.DOSSIER_EDIT, object_type="indication", target="indication")
def change_end_date(
    ctx: AppContext,
    indication_id: uuid.UUID,
    new_end: date,
    reason: ChangeReason = ChangeReason.WIJZIGING,
) -> IndicationView:
    """Change only the end date of an issued indication (the one allowed change).

    A longer term that needs a team lead's approval cannot be made this way: replace the
    indication (a new proposal that is submitted and approved) instead.
    """
    with ctx.uow() as uow:
        row = load_indication(uow.session, indication_id)
        require_household_team(ctx, uow.session, row.household_id)
        require_status(row, IndicationStatus.AFGEGEVEN, action="de einddatum wijzigen")
        if new_end < row.start_date:
            raise ValidationError(
                FieldError("eind", "De nieuwe einddatum ligt voor de startdatum.")
            )
        old_end = row.end_date
        row.end_date = new_end
        result = recheck(ctx, uow.session, row)
        blocking = [
            f
            for f in result.findings
            if f.severity is not Severity.WARNING and f.code not in _ISSUE_TIME_CODES
        ]
        if new_end > old_end and blocking:
            raise RuleViolationError(
                "Deze verlenging vraagt een motivering en akkoord van de teamleider:\n"
                + "\n".join(f"- {f.message}" for f in blocking)
                + "\nMaak een nieuwe indicatie (Hulp inzetten) of evalueer eerst."
            )
        row.max_cost = _max_cost_until(row, new_end)
        if row.unit == Unit.EURO.value:
            row.budget_cents = budget_cents(
                row.volume, Unit.EURO, Frequency(row.frequency), row.start_date, new_end
            )
        row.change_reason = reason.value
        row.evaluation_due = evaluation_due_for(
            ctx, row.product_code, Perspective(row.perspective), row.start_date, new_end
        )
        uow.log_access(
            "wijzigen", "indication", row.id, [row.person_id], f"einddatum {old_end} → {new_end}"
        )
        uow.commit()
        return view_of(uow.session, row)


#: findings about the moment of the original decision that do not block a later change
_ISSUE_TIME_CODES = frozenset({"RETROACTIVE_START", "OVERLAP"})


@guarded(Permission.DOSSIER_EDIT, object_type="indication", target="indication")
def end_indication(
    ctx: AppContext,
    indication_id: uuid.UUID,
    end_on: date,
    reason: ChangeReason = ChangeReason.EINDE_HULP,
) -> IndicationView:
    """End an indication (or withdraw a concept/submission); the record stays."""
    with ctx.uow() as uow:
        row = load_indication(uow.session, indication_id)
        require_household_team(ctx, uow.session, row.household_id)
        if row.status == IndicationStatus.BEEINDIGD.value:
            raise RuleViolationError("Deze indicatie is al beëindigd.")
        _end(row, end_on, reason)
        uow.log_access("beeindigen", "indication", row.id, [row.person_id], "indicatie beëindigen")
        uow.commit()
        return view_of(uow.session, row)


def _end(row: Indication, end_on: date, reason: ChangeReason) -> None:
    if row.status == IndicationStatus.AFGEGEVEN.value:
        new_end = max(min(end_on, row.end_date), row.start_date)
        row.end_date = new_end
        row.max_cost = _max_cost_until(row, new_end)
        row.change_reason = reason.value
    row.status = IndicationStatus.BEEINDIGD.value
    row.ended_on = end_on


@guarded(Permission.DOSSIER_EDIT, object_type="indication", target="indication")
def replace_indication(
    ctx: AppContext, indication_id: uuid.UUID, draft: IndicationDraft
) -> IndicationView:
    """Any change other than the end date: end the issued one, start a new concept.

    The old indication ends the day before the new start; the new one links to it.
    """
    draft = replace(draft, replaces_id=indication_id, predecessor_id=None)
    with ctx.uow() as uow:
        old = load_indication(uow.session, indication_id)
        require_household_team(ctx, uow.session, old.household_id)
        require_status(old, IndicationStatus.AFGEGEVEN, action="vervangen")
        if draft.person_id is None:
            draft = replace(draft, person_id=old.person_id)
        if draft.proposal.start <= old.start_date:
            raise ValidationError(
                FieldError("start", "De nieuwe indicatie moet na de start van de oude beginnen.")
            )
        proposal, context, subject, facts = build_context(ctx, uow.session, draft)
        result = check_indication(proposal, context)
        draft = replace(draft, proposal=proposal)
        _end(old, draft.proposal.start - timedelta(days=1), ChangeReason.WIJZIGING)
        row = Indication(status=IndicationStatus.CONCEPT.value)
        row.person_id = old.person_id
        row.household_id = old.household_id
        row.gemeente_code = subject.gemeente_code
        apply_draft(ctx, row, draft, result, facts)
        row.change_reason = ChangeReason.WIJZIGING.value
        uow.session.add(row)
        uow.session.flush()
        uow.log_access(
            "vervangen", "indication", old.id, [old.person_id], f"vervangen door {row.id}"
        )
        uow.commit()
        return view_of(uow.session, row)


def _max_cost_until(row: Indication, end: date) -> Decimal | None:
    """The record's maximum cost (domain ``max_cost``, contract tariff) with a new end."""
    return max_cost(
        row.volume, row.tariff, Unit(row.unit), Frequency(row.frequency), row.start_date, end
    )
