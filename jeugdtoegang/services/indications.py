"""Use cases for indications: check, save, submit, approve, issue, change, end, evaluate.

Lifecycle: concept → ingediend (when a finding needs a team lead) → goedgekeurd →
afgegeven (toewijzingnummer per municipality) → beëindigd. A proposal without approval
findings is goedgekeurd at submit. After issue only the end date may change
(:func:`change_end_date`); any other change ends the indication and creates a new one
linked by ``predecessor_id`` (:func:`replace_indication`). A provider's request never
changes an indication (:func:`register_provider_request`): the consultant assesses it.

The changes after issue, the reads and the follow-up (evaluations, provider requests)
live in their own modules; this module is the one import path for all of them.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import replace

from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission, forbid_self_approval, require_team
from jeugdtoegang.domain.findings import Severity
from jeugdtoegang.domain.indication_rules import CheckResult, check_indication
from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.domain.provenance import mark_provisional
from jeugdtoegang.errors import (
    FieldError,
    RuleViolationError,
    StaleRecordError,
    ValidationError,
)
from jeugdtoegang.services.authz import comment_reference, guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_changes import (
    change_end_date,
    end_indication,
    replace_indication,
)
from jeugdtoegang.services.indication_drafts import apply_draft, draft_columns, recheck
from jeugdtoegang.services.indication_followup import (
    assess_provider_request,
    list_provider_requests,
    record_evaluation,
    register_provider_request,
)
from jeugdtoegang.services.indication_inputs import (
    IndicationDraft,
    build_context,
    committed_by_provider,
)
from jeugdtoegang.services.indication_reads import (
    get_indication,
    list_for_household,
    list_pending_indications,
)
from jeugdtoegang.services.indication_records import (
    load_indication,
    require_household_team,
    require_status,
    view_of,
)
from jeugdtoegang.services.indication_views import (
    IndicationColumns,
    IndicationView,
    findings_to_json,
    indication_view,
    to_jw301,
)
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.indication_queries import counter_exists
from jeugdtoegang.storage.indication_writes import insert_indication
from jeugdtoegang.storage.models.indications import Indication
from jeugdtoegang.storage.models.meta import SequenceCounter
from jeugdtoegang.storage.numbering import next_numeric

__all__ = [
    "IndicationDraft",
    "approve_indication",
    "assess_provider_request",
    "change_end_date",
    "check_proposal",
    "committed_by_provider",
    "end_indication",
    "get_indication",
    "issue_indication",
    "list_for_household",
    "list_pending_indications",
    "list_provider_requests",
    "record_evaluation",
    "register_provider_request",
    "replace_indication",
    "return_indication",
    "save_concept",
    "submit_indication",
    "to_jw301",
]


@guarded(Permission.DOSSIER_READ, object_type="indication")
def check_proposal(ctx: AppContext, draft: IndicationDraft) -> CheckResult:
    """Check a proposed indication against the database and the region profile.

    The reads run without a transaction around them on PostgreSQL (``single_reads``): at
    its READ COMMITTED level every statement sees its own snapshot either way, so BEGIN
    and ROLLBACK were two requests that changed nothing.
    """
    with ctx.database.single_reads() as session:
        proposal, context, _, _ = build_context(ctx, session, draft)
        result = check_indication(proposal, context)
    # issue 13: a finding resting on a provisional term says so
    findings = mark_provisional(result.findings, ctx.setup.document.provenance)
    return dataclasses.replace(result, findings=tuple(findings))


# --- writing ------------------------------------------------------------------------------


@guarded(Permission.DOSSIER_EDIT, object_type="indication")
def save_concept(
    ctx: AppContext,
    draft: IndicationDraft,
    indication_id: uuid.UUID | None = None,
    expected_version: int | None = None,
) -> IndicationView:
    """Save a new or changed concept; findings are stored with it (errors allowed).

    A new concept is written as a dict of columns by one Core INSERT with its change-log
    row (``insert_indication``; issue 19): the same row, stamps, change log and audit entry
    as the ORM's flush, for a fraction of the client's work. A changed one takes the ORM.
    """
    if draft.person_id is None:
        raise ValidationError(FieldError("person_id", "Kies de jeugdige voor wie de hulp is."))
    with ctx.uow() as uow:
        row: Indication | None = None
        if indication_id is not None:
            row = load_indication(uow.session, indication_id)
            require_status(row, IndicationStatus.CONCEPT, action="wijzigen")
            if expected_version is not None and row.version != expected_version:
                raise StaleRecordError(Indication.label_nl, row.updated_by)
            draft = replace(draft, proposal=replace(draft.proposal, own_id=row.id))
        proposal, context, subject, facts = build_context(ctx, uow.session, draft)
        if subject.household_id is not None:  # the team as read with the jeugdige
            require_team(ctx.actor, subject.team)
        result = check_indication(proposal, context)
        draft = replace(draft, proposal=proposal)
        owner = {
            "person_id": draft.person_id,
            "household_id": subject.household_id,
            "gemeente_code": subject.gemeente_code,
        }
        if row is None:
            columns = draft_columns(ctx, draft, result, facts)
            stored = insert_indication(
                uow.session,
                {**owner, **columns, "status": IndicationStatus.CONCEPT.value},
                ctx.actor.username,
            )
            uow.log_access(
                "opslaan",
                "indication",
                stored["id"],
                [stored["person_id"]],
                "indicatie (concept) opslaan",
            )
            # a new concept has no provider requests or evaluations yet and its jeugdige's
            # name came with the subject: its view needs no read at all
            view = indication_view(IndicationColumns(**stored), subject.person_name)
        else:
            for name, value in owner.items():
                setattr(row, name, value)
            apply_draft(ctx, row, draft, result, facts)
            uow.session.flush()
            uow.log_access(
                "opslaan", "indication", row.id, [row.person_id], "indicatie (concept) opslaan"
            )
            # read in this transaction; the jeugdige's name came with the subject
            view = view_of(uow.session, row, subject.person_name)
        uow.commit()
        return view


@guarded(Permission.PLAN_SUBMIT, object_type="indication", target="indication")
def submit_indication(ctx: AppContext, indication_id: uuid.UUID) -> IndicationView:
    """Submit a concept: refused with errors; to the team lead when approval is needed."""
    with ctx.uow() as uow:
        row = load_indication(uow.session, indication_id)
        require_household_team(ctx, uow.session, row.household_id)
        require_status(row, IndicationStatus.CONCEPT, action="indienen")
        result = recheck(ctx, uow.session, row)
        row.findings = findings_to_json(result.findings)
        errors = [f for f in result.findings if f.severity is Severity.ERROR]
        if errors:
            raise RuleViolationError(
                "Deze indicatie kan nog niet worden ingediend:\n"
                + "\n".join(f"- {f.message}" for f in errors)
            )
        now = utcnow()
        row.submitted_by = ctx.actor.username
        row.submitted_at = now
        if result.approval_required:
            row.status = IndicationStatus.INGEDIEND.value
        else:
            row.status = IndicationStatus.GOEDGEKEURD.value
        row.review_comment = None
        uow.log_access("indienen", "indication", row.id, [row.person_id], "indicatie indienen")
        uow.commit()
        return view_of(uow.session, row)


@guarded(Permission.APPROVE, object_type="indication", target="indication")
def approve_indication(
    ctx: AppContext, indication_id: uuid.UUID, comment: str | None = None
) -> IndicationView:
    """A team lead approves a submitted indication (never the own submission)."""
    with ctx.uow() as uow:
        row = load_indication(uow.session, indication_id)
        require_status(row, IndicationStatus.INGEDIEND, action="goedkeuren")
        forbid_self_approval(ctx.actor, row.submitted_by)
        row.status = IndicationStatus.GOEDGEKEURD.value
        row.approved_by = ctx.actor.username
        row.approved_at = utcnow()
        row.review_comment = comment or None
        uow.log_access(
            "goedkeuren", "indication", row.id, [row.person_id], comment_reference(comment)
        )
        uow.commit()
        return view_of(uow.session, row)


@guarded(Permission.APPROVE, object_type="indication", target="indication")
def return_indication(ctx: AppContext, indication_id: uuid.UUID, comment: str) -> IndicationView:
    """A team lead sends a submitted indication back to the consultant, with a reason."""
    if not comment or not comment.strip():
        raise ValidationError(FieldError("comment", "Schrijf waarom u de indicatie terugstuurt."))
    with ctx.uow() as uow:
        row = load_indication(uow.session, indication_id)
        require_status(row, IndicationStatus.INGEDIEND, action="terugsturen")
        forbid_self_approval(ctx.actor, row.submitted_by)
        row.status = IndicationStatus.CONCEPT.value
        row.review_comment = comment.strip()
        uow.log_access(
            "terugsturen", "indication", row.id, [row.person_id], comment_reference(comment)
        )
        uow.commit()
        return view_of(uow.session, row)


def _ensure_counter(session: Session, name: str, actor: str) -> None:
    if not counter_exists(session, name):
        session.add(SequenceCounter(name=name, last_seq=0, created_by=actor, updated_by=actor))
        session.flush()


def allocation_counter(gemeente_code: str) -> str:
    return f"toewijzing-{gemeente_code}"


@guarded(Permission.DOSSIER_EDIT, object_type="indication", target="indication")
def issue_indication(ctx: AppContext, indication_id: uuid.UUID) -> IndicationView:
    """Issue (afgeven) an approved indication: toewijzingnummer and date/time are assigned."""
    with ctx.uow() as uow:
        row = load_indication(uow.session, indication_id)
        require_household_team(ctx, uow.session, row.household_id)
        require_status(row, IndicationStatus.GOEDGEKEURD, action="afgeven")
        counter = allocation_counter(row.gemeente_code)
        _ensure_counter(uow.session, counter, ctx.actor.username)
        row.allocation_number = next_numeric(uow.session, counter)
        row.allocated_at = utcnow()
        row.status = IndicationStatus.AFGEGEVEN.value
        uow.log_access("afgeven", "indication", row.id, [row.person_id], "toewijzing afgeven")
        uow.commit()
        return view_of(uow.session, row)
