"""Evaluations and providers' requests: the "tenzij" follow-up of an indication.

A provider's request never changes an indication by itself: it is recorded with an answer
date (5 working days) and the consultant assesses it.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.domain.indications import (
    EvaluationDecision,
    IndicationStatus,
    Progress,
    RequestStatus,
    add_working_days,
    overall_progress,
)
from jeugdtoegang.errors import FieldError, NotFoundError, RuleViolationError, ValidationError
from jeugdtoegang.services.authz import guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_records import load_indication, require_household_team
from jeugdtoegang.services.indication_views import (
    EvaluationView,
    ProviderRequestView,
    evaluation_view,
    request_view,
)
from jeugdtoegang.storage.followup_queries import provider_requests_of
from jeugdtoegang.storage.models.indications import Evaluation, ProviderRequest


@guarded(Permission.DOSSIER_EDIT, object_type="indication", target="indication")
def record_evaluation(
    ctx: AppContext,
    indication_id: uuid.UUID,
    goal_progress: dict[str, Progress],
    decision: EvaluationDecision,
    notes: str = "",
) -> EvaluationView:
    """Record the evaluation: progress per goal and the decision (seed 003 §5.4)."""
    errors = []
    if not goal_progress:
        errors.append(FieldError("goal_progress", "Geef per doel aan of er vooruitgang is."))
    if decision is EvaluationDecision.VOORTZETTEN_TENZIJ and not notes.strip():
        errors.append(
            FieldError("notes", "Voortzetten 'tenzij' vraagt een motivering in de toelichting.")
        )
    overall = overall_progress(goal_progress)
    if overall is Progress.NEE and decision is EvaluationDecision.AFSCHALEN:
        errors.append(
            FieldError(
                "decision",
                "Zonder vooruitgang wordt de hulp afgebouwd of beëindigd, niet afgeschaald.",
            )
        )
    if errors:
        raise ValidationError(errors)
    with ctx.uow() as uow:
        row = load_indication(uow.session, indication_id)
        require_household_team(ctx, uow.session, row.household_id)
        if row.status in (IndicationStatus.CONCEPT.value, IndicationStatus.INGEDIEND.value):
            raise RuleViolationError(
                "Een indicatie die nog niet is ingezet kan niet worden geëvalueerd."
            )
        evaluation = Evaluation(
            indication_id=row.id,
            goal_progress={k: v.value for k, v in goal_progress.items()},
            progress=(overall or Progress.NEE).value,
            decision=decision.value,
            notes=notes.strip(),
            evaluated_by=ctx.actor.username,
            evaluated_on=ctx.today(),
        )
        uow.session.add(evaluation)
        uow.session.flush()
        row.evaluated_on = ctx.today()
        row.evaluation_id = evaluation.id
        uow.log_access("evalueren", "indication", row.id, [row.person_id], "evaluatie vastleggen")
        uow.commit()
        return evaluation_view(evaluation)


@guarded(Permission.DOSSIER_EDIT, object_type="indication", target="indication")
def register_provider_request(
    ctx: AppContext,
    indication_id: uuid.UUID,
    received_on: date,
    requested_end: date | None = None,
    requested_volume: Decimal | None = None,
    reason: str = "",
    kind: str = "verlenging",
) -> ProviderRequestView:
    """A provider asks for an extension or change: recorded, never applied by itself.

    The consultant answers within the profile's working days (default 5).
    """
    days = ctx.profile.settings.provider_request_answer_workdays
    with ctx.uow() as uow:
        row = load_indication(uow.session, indication_id)
        require_household_team(ctx, uow.session, row.household_id)
        request = ProviderRequest(
            indication_id=row.id,
            household_id=row.household_id,
            kind=kind,
            requested_end=requested_end,
            requested_volume=requested_volume,
            reason=reason.strip(),
            received_on=received_on,
            answer_due=add_working_days(received_on, days),
            status=RequestStatus.OPEN.value,
        )
        uow.session.add(request)
        uow.session.flush()
        uow.log_access(
            "verzoek_aanbieder", "indication", row.id, [row.person_id], "verzoek aanbieder"
        )
        uow.commit()
        return request_view(request)


@guarded(Permission.DOSSIER_EDIT, object_type="indication", target="provider_request")
def assess_provider_request(
    ctx: AppContext, request_id: uuid.UUID, answer: str
) -> ProviderRequestView:
    """The consultant's answer to a provider's request (the indication itself is unchanged)."""
    if not answer.strip():
        raise ValidationError(FieldError("answer", "Schrijf het antwoord aan de aanbieder."))
    with ctx.uow() as uow:
        request = uow.get(ProviderRequest, request_id)
        if request is None:
            raise NotFoundError("Dit verzoek bestaat niet (meer).")
        request.status = RequestStatus.BEOORDEELD.value
        request.answer = answer.strip()
        request.assessed_by = ctx.actor.username
        request.assessed_on = ctx.today()
        uow.log_access("verzoek_beoordelen", "provider_request", request.id, [], "verzoek")
        uow.commit()
        return request_view(request)


@guarded(Permission.DOSSIER_READ, object_type="indication", target="household")
def list_provider_requests(ctx: AppContext, household_id: uuid.UUID) -> list[ProviderRequestView]:
    with ctx.uow(readonly=True) as uow:
        rows = provider_requests_of(uow.session, household_id)
        return [request_view(r) for r in rows]
