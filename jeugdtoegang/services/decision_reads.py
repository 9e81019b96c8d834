"""Reading decisions (beschikkingen): one decision, a household's list, the review queue.

The statements live in ``storage/decision_queries.py``; this module turns decisions into
the views the screens show and logs who read which personal data.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.domain.decisions import AddresseeChoice, DecisionStatus, DecisionType
from jeugdtoegang.domain.motivation import describe_missing
from jeugdtoegang.domain.text import full_name
from jeugdtoegang.errors import NotFoundError
from jeugdtoegang.services.authz import guarded, list_teams, shown
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.decision_letter import stored_final
from jeugdtoegang.services.decision_motivation import missing_for
from jeugdtoegang.services.decision_views import (
    DecisionDetail,
    DecisionRow,
    PendingDecisionView,
)
from jeugdtoegang.storage import decision_queries
from jeugdtoegang.storage.models.decisions import Decision
from jeugdtoegang.storage.request_queries import persons_by_ids


def _load(session: Session, decision_id: uuid.UUID) -> Decision:
    row = session.get(Decision, decision_id)
    if row is None:
        raise NotFoundError("Deze beschikking bestaat niet (meer).")
    return row


def _rows(session: Session, decisions: Sequence[Decision]) -> list[DecisionRow]:
    person_ids = {d.person_id for d in decisions}
    names = {
        p.id: full_name(p.first_name, p.tussenvoegsel, p.surname)
        for p in persons_by_ids(session, person_ids)
    }
    corrected_ids = {d.corrects_decision_id for d in decisions if d.corrects_decision_id}
    kenmerken = decision_queries.kenmerken_by_ids(session, corrected_ids)
    # a final wijziging or correctie replaces (withdraws) the decision it names
    replaced = decision_queries.replacing_kenmerken(session, [d.id for d in decisions])
    return [
        DecisionRow(
            id=d.id,
            household_id=d.household_id,
            type=DecisionType(d.type),
            status=DecisionStatus(d.status),
            date=d.decision_date or d.created_at.date(),
            jeugdige=names.get(d.person_id, ""),
            kenmerk=d.kenmerk,
            gemeente=d.gemeente,
            corrects_kenmerk=kenmerken.get(d.corrects_decision_id),
            submitted=d.submitted_by is not None,
            replaced_by_kenmerk=replaced.get(d.id),
        )
        for d in decisions
    ]


def _detail(session: Session, decision: Decision, today: date) -> DecisionDetail:
    links = decision_queries.linked_indication_ids(session, decision.id)
    final = stored_final(session, decision.id)
    return DecisionDetail(
        row=_rows(session, [decision])[0],
        version=decision.version,
        person_id=decision.person_id,
        request_date=decision.request_date,
        request_text=decision.request_text,
        motivation=decision.motivation,
        goals=tuple(decision.goals or ()),
        legal_basis=decision.legal_basis,
        addressee=AddresseeChoice(decision.addressee),
        end_date=decision.end_date,
        corrects_decision_id=decision.corrects_decision_id,
        indication_ids=tuple(links),
        created_by=decision.created_by,
        submitted_by=decision.submitted_by,
        submitted_at=decision.submitted_at,
        review_comment=decision.review_comment,
        approved_by=decision.approved_by,
        approved_at=decision.approved_at,
        sent_by=decision.sent_by,
        sent_at=decision.sent_at,
        final_sha256=final.sha256 if final else None,
        motivation_parts=dict(decision.motivation_parts or {}),
        missing_parts=tuple(missing_for(session, decision, today))
        if decision.status == DecisionStatus.CONCEPT.value
        else (),
        aanvraag_id=decision.aanvraag_id,
        effective_date=decision.effective_date,
        sent_on=decision.sent_on,
        approver_name=decision.approver_name,
    )


@guarded(Permission.DOSSIER_READ, object_type="decision", target="decision")
def get_decision(
    ctx: AppContext, decision_id: uuid.UUID, *, purpose: str | None = "beschikking inzien"
) -> DecisionDetail:
    with ctx.uow(readonly=True) as uow:
        decision = _load(uow.session, decision_id)
        detail = _detail(uow.session, decision, ctx.today())
        if purpose:
            uow.log_access("inzien", "decision", decision.id, [decision.person_id], purpose)
    return detail


@guarded(Permission.DOSSIER_READ, object_type="household", target="household")
def list_decisions(ctx: AppContext, household_id: uuid.UUID | None = None) -> list[DecisionRow]:
    """Decisions of one household (or all of the user's teams), newest first."""
    with ctx.uow(readonly=True) as uow:
        # all (no household): only the dossiers of the user's team(s)
        teams = list_teams(ctx, Permission.DOSSIER_READ) if household_id is None else None
        decisions = decision_queries.decisions_newest_first(uow.session, household_id, teams)
        rows = _rows(uow.session, decisions)
        if rows:
            uow.log_access(
                "inzien",
                "household" if household_id else None,
                household_id,
                sorted({d.person_id for d in decisions}),
                "overzicht beschikkingen",
            )
    return rows


# ``ids`` (a page of the review queue) name decision records; their team scope is applied
# per item by ``shown`` below, so ``target`` only declares what the ids are
@guarded(Permission.APPROVE, target="decision")
def list_pending_decisions(
    ctx: AppContext, ids: Collection[uuid.UUID] | None = None
) -> list[PendingDecisionView]:
    """Submitted drafts waiting for approval, oldest first (review seam); only ``ids`` if
    given (a page of the review queue).

    The findings name the parts of the motivation still missing and, for a decision that
    answers an aanvraag, the days left of its Awb term.
    """
    from jeugdtoegang.services.requests import term_of
    from jeugdtoegang.storage.models.requests import Aanvraag

    with ctx.uow(readonly=True) as uow:
        decisions = decision_queries.submitted_concepts(uow.session, ids)
        rows = {r.id: r for r in _rows(uow.session, decisions)}
        views = []
        for d in decisions:
            findings = []
            missing = missing_for(uow.session, d, ctx.today())
            if missing:
                findings.append("Motivering nog niet compleet: " + describe_missing(missing) + ".")
            if d.aanvraag_id is not None:
                aanvraag = uow.session.get(Aanvraag, d.aanvraag_id)
                if aanvraag is not None:
                    term = term_of(aanvraag, ctx.today(), ctx.profile.settings.awb_decision_weeks)
                    left = term.days_left(ctx.today())
                    findings.append(
                        f"Beslistermijn (Awb): {left} dagen over, uiterlijk "
                        f"{term.due.strftime('%d-%m-%Y')}."
                        if left >= 0
                        else f"Beslistermijn (Awb) verlopen op {term.due.strftime('%d-%m-%Y')}."
                    )
            views.append(
                PendingDecisionView(
                    id=d.id,
                    household_id=d.household_id,
                    title=f"{DecisionType(d.type).label} {d.kenmerk} voor {rows[d.id].jeugdige}",
                    submitted_by=d.submitted_by,
                    submitted_at=d.submitted_at,
                    motivations=d.motivation,
                    findings="\n".join(findings),
                )
            )
    return shown(ctx, Permission.APPROVE, views, "ingediende beschikkingen")
