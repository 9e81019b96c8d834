"""Use cases for decisions (beschikkingen): make, review, print and send.

Life of a decision: ``concept`` (draft, letter with CONCEPT) → ``goedgekeurd`` (approved by
a team lead: the letter date is set and the final letter is stored once) → ``verzonden``.
A final decision never changes; a correction is a new decision that refers to it.

Making a draft lives in ``decision_create``, reading in ``decision_reads``; both are
re-exported here because many callers (GUI, CLI, demo, tests) use this module.
"""

from __future__ import annotations

import uuid

from jeugdtoegang.domain.authz import Permission, forbid_self_approval
from jeugdtoegang.domain.decisions import FINAL_STATUSES, DecisionStatus, DecisionType
from jeugdtoegang.errors import FieldError, RuleViolationError, ValidationError
from jeugdtoegang.letters.render import render_letter
from jeugdtoegang.services.authz import comment_reference, guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.decision_create import create_decision
from jeugdtoegang.services.decision_letter import (
    final_letter_bytes,
    letter_model,
    store_final_letter,
    stored_final,
)
from jeugdtoegang.services.decision_motivation import (
    check_decision_approvable,
    mandate_function,
)
from jeugdtoegang.services.decision_reads import (
    _load,
    get_decision,
    list_decisions,
    list_pending_decisions,
)
from jeugdtoegang.services.decision_views import DecisionDetail
from jeugdtoegang.services.region_setup import pin_decision_setup, require_final_legal_basis
from jeugdtoegang.services.requests import record_outcome
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.models.decisions import Decision

__all__ = [
    "approve_decision",
    "create_decision",
    "get_decision",
    "letter_pdf",
    "list_decisions",
    "list_pending_decisions",
    "mark_sent",
    "return_decision",
    "submit_decision",
]


def _require_concept(decision: Decision, action: str) -> None:
    if decision.status != DecisionStatus.CONCEPT.value:
        raise RuleViolationError(
            f"Deze beschikking is al {DecisionStatus(decision.status).label.lower()} en kan "
            f"niet meer worden {action}. Maak een correctie als er iets niet klopt."
        )


@guarded(Permission.PLAN_SUBMIT, object_type="decision", target="decision")
def submit_decision(ctx: AppContext, decision_id: uuid.UUID) -> DecisionDetail:
    """Offer a draft to the team lead for approval."""
    with ctx.uow() as uow:
        decision = _load(uow.session, decision_id)
        _require_concept(decision, "ingediend")
        decision.submitted_by = ctx.actor.username
        decision.submitted_at = utcnow()
        decision.review_comment = None
        uow.log_access("indienen", "decision", decision.id, [decision.person_id], "beoordeling")
        uow.commit()
    return get_decision(ctx, decision_id, purpose=None)


@guarded(Permission.APPROVE, object_type="decision", target="decision")
def approve_decision(
    ctx: AppContext, decision_id: uuid.UUID, comment: str | None = None
) -> DecisionDetail:
    """Approve a draft under mandate: it becomes final (decision date today).

    Refused while a required part of the motivation is empty, while help starting in the
    past has no retroactive motivation, or when the whole period lies in the past. The
    letter is rendered and stored once, when it is printed to be sent or marked sent.
    """
    with ctx.uow() as uow:
        decision = _load(uow.session, decision_id)
        _require_concept(decision, "goedgekeurd")
        forbid_self_approval(ctx.actor, decision.submitted_by or decision.created_by)
        check_decision_approvable(uow.session, decision, ctx.today())
        setup = pin_decision_setup(uow.session, decision, ctx.profile.slug, ctx.today())
        require_final_legal_basis(setup, decision.gemeente)  # issue 13
        decision.status = DecisionStatus.GOEDGEKEURD.value
        decision.decision_date = ctx.today()
        decision.approved_by = ctx.actor.username
        decision.approved_at = utcnow()
        decision.approver_name = ctx.actor.display_name
        decision.approver_function = mandate_function(ctx)
        decision.review_comment = comment
        if decision.aanvraag_id is not None:
            record_outcome(
                uow.session, decision.aanvraag_id, DecisionType(decision.type), ctx.today()
            )
        uow.session.flush()
        # the letter must compose now; it is rendered and stored when it is sent (verzenddatum)
        letter_model(uow.session, ctx.profile, decision, ctx.today())
        uow.log_access(  # the comment itself stays in the decision (referenced, not copied)
            "goedkeuren", "decision", decision.id, [decision.person_id], comment_reference(comment)
        )
        uow.commit()
    return get_decision(ctx, decision_id, purpose=None)


@guarded(Permission.APPROVE, object_type="decision", target="decision")
def return_decision(ctx: AppContext, decision_id: uuid.UUID, comment: str) -> DecisionDetail:
    """Send a submitted draft back to its author with a comment."""
    if not comment.strip():
        raise ValidationError(FieldError("comment", "Schrijf op waarom u het terugstuurt."))
    with ctx.uow() as uow:
        decision = _load(uow.session, decision_id)
        _require_concept(decision, "teruggestuurd")
        forbid_self_approval(ctx.actor, decision.submitted_by)
        decision.submitted_by = None
        decision.submitted_at = None
        decision.review_comment = comment.strip()
        uow.log_access(
            "terugsturen", "decision", decision.id, [decision.person_id], comment_reference(comment)
        )
        uow.commit()
    return get_decision(ctx, decision_id, purpose=None)


@guarded(Permission.DOSSIER_READ, object_type="decision", target="decision")
def letter_pdf(ctx: AppContext, decision_id: uuid.UUID) -> bytes:
    """The letter: a fresh CONCEPT rendering for a draft; the stored final bytes otherwise.

    Rendering happens between a read and a short write, never inside a write transaction
    (it takes long and would hold the write lock). The first final print fixes the
    verzenddatum; a letter stored in the meantime by another workstation wins.
    """
    pdf: bytes | None = None
    with ctx.uow(readonly=True) as uow:
        decision = _load(uow.session, decision_id)
        final = DecisionStatus(decision.status) in FINAL_STATUSES
        if final and stored_final(uow.session, decision.id) is not None:
            pdf = final_letter_bytes(uow.session, ctx.profile, decision, ctx.today())
        else:
            with uow.session.no_autoflush:
                if final and decision.sent_on is None:
                    decision.sent_on = ctx.today()  # only to compose; stored below
                model = letter_model(uow.session, ctx.profile, decision, ctx.today())
    if pdf is None:
        pdf = render_letter(model)
    with ctx.uow() as uow:
        decision = _load(uow.session, decision_id)
        if final:
            if decision.sent_on is None:  # the first final print fixes the verzenddatum
                decision.sent_on = ctx.today()
                uow.session.flush()
            pdf = store_final_letter(uow.session, decision, pdf)
            action, purpose = "afdrukken", "definitieve brief"
        else:
            action, purpose = "inzien", "conceptbrief"
        uow.log_access(action, "decision", decision.id, [decision.person_id], purpose)
        uow.commit()
    return pdf


@guarded(Permission.LETTER_PRINT, object_type="decision", target="decision")
def mark_sent(ctx: AppContext, decision_id: uuid.UUID) -> DecisionDetail:
    """Record that the final letter went out (by post or digitally)."""
    with ctx.uow() as uow:
        decision = _load(uow.session, decision_id)
        if decision.status == DecisionStatus.CONCEPT.value:
            raise RuleViolationError(
                "Een concept kan niet worden verzonden. Laat het eerst goedkeuren."
            )
        if decision.status == DecisionStatus.VERZONDEN.value:
            raise RuleViolationError("Deze brief is al als verzonden gemarkeerd.")
        # renders and stores the final letter with today as verzenddatum, unless it was
        # already printed (then that print date stays the verzenddatum)
        final_letter_bytes(uow.session, ctx.profile, decision, ctx.today())
        decision.status = DecisionStatus.VERZONDEN.value
        decision.sent_by = ctx.actor.username
        decision.sent_at = utcnow()
        uow.log_access(
            "verzenden", "decision", decision.id, [decision.person_id], "brief verzonden"
        )
        uow.commit()
    return get_decision(ctx, decision_id, purpose=None)
