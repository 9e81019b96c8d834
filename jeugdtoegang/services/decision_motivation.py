"""The structured motivation of a decision: prefill from the case, check before approval.

- :func:`draft_motivation` proposes the parts for a new decision: the facts from the
  family's plan (concerns and strengths per life domain, the network) and the latest
  evaluation of the help, the Jeugdwet and verordening articles from the region's letter
  setup, and a weighing from a standard text block with the case filled in. The
  consultant edits everything; the team lead approves it.
- :func:`check_decision_approvable` applies the domain rules of
  :mod:`jeugdtoegang.domain.motivation` to a stored decision.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission, require
from jeugdtoegang.domain.decisions import GRANTING_TYPES, DecisionType
from jeugdtoegang.domain.motivation import (
    MotivationParts,
    check_approvable,
    check_end_date,
)
from jeugdtoegang.domain.requests import RequestOutcome
from jeugdtoegang.errors import NotFoundError, RuleViolationError
from jeugdtoegang.letters.texts import LetterTexts, load_letter_texts
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.decision_letter import linked_indications
from jeugdtoegang.storage import motivation_queries as mq
from jeugdtoegang.storage.models.decisions import Decision
from jeugdtoegang.storage.models.households import Person
from jeugdtoegang.storage.models.indications import Indication
from jeugdtoegang.storage.models.requests import Aanvraag

_EVALUATION_WORDS = {
    "afschalen": "De hulp kan lichter",
    "afbouwen": "De hulp wordt afgebouwd",
    "beeindigen": "De hulp kan stoppen",
    "voortzetten_tenzij": "De hulp gaat met een goede reden door",
}
_PROGRESS_WORDS = {
    "ja": "er is voortgang",
    "deels": "er is een beetje voortgang",
    "nee": "er is geen voortgang",
}


class _Blank(dict[str, str]):
    """Placeholders a block uses but the draft cannot fill yet stay empty."""

    def __missing__(self, key: str) -> str:
        return ""


def letter_texts(ctx: AppContext) -> LetterTexts:
    return load_letter_texts(ctx.profile.slug)


def aanvraag_facts(
    ctx: AppContext, aanvraag_id: uuid.UUID, person_id: uuid.UUID
) -> tuple[date, str]:
    """Date received and what was asked, of an open aanvraag of this jeugdige."""
    with ctx.uow(readonly=True) as uow:
        row = uow.session.get(Aanvraag, aanvraag_id)
        if row is None:
            raise NotFoundError("Deze aanvraag bestaat niet (meer).")
        if row.person_id != person_id:
            raise RuleViolationError("De aanvraag hoort bij een andere jeugdige.")
        if row.outcome != RequestOutcome.OPEN.value:
            raise RuleViolationError("Over deze aanvraag is al besloten.")
        return row.received_on, row.requested


def prefill_articles(
    ctx: AppContext, decision_type: DecisionType, parts: MotivationParts, facts_text: str
) -> MotivationParts:
    """Facts from the facts text when the parts have none; articles from the letter setup."""
    jeugdwet, verordening = letter_texts(ctx).legal.articles(
        decision_type.value, parts.reason_category
    )
    facts = parts.facts or tuple(p.strip() for p in facts_text.split("\n\n") if p.strip())
    return parts.merged(
        facts=facts,
        jeugdwet_artikel=parts.jeugdwet_artikel or jeugdwet,
        verordening_artikel=parts.verordening_artikel or verordening,
    )


def mandate_function(ctx: AppContext) -> str:
    """The function line under the signature of whoever approves under mandate."""
    role = ctx.actor.primary_role.label
    team = ctx.actor.team or ctx.profile.team_name_default
    return f"{role} {team}" if team else role


def _periods(session: Session, decision: Decision) -> list[tuple[date, date]]:
    if DecisionType(decision.type) not in GRANTING_TYPES | {DecisionType.CORRECTIE}:
        return []
    return [(i.start_date, i.end_date) for i in linked_indications(session, decision.id)]


def check_decision_approvable(session: Session, decision: Decision, today: date) -> None:
    """Raise when the stored decision may not be approved today (see domain.motivation)."""
    decision_type = DecisionType(decision.type)
    parts = MotivationParts.from_json(decision.motivation_parts)
    if not parts.facts:
        facts = tuple(p.strip() for p in decision.motivation.split("\n\n") if p.strip())
        parts = parts.merged(facts=facts)
    if decision_type is DecisionType.BEEINDIGING:
        check_end_date(decision.end_date, today, parts.retroactive_reason)
    if decision_type is DecisionType.WIJZIGING and decision.effective_date is None:
        raise RuleViolationError("Een wijziging noemt de datum vanaf wanneer zij geldt.")
    check_approvable(decision_type, parts, _periods(session, decision), today)


def missing_for(session: Session, decision: Decision, today: date) -> list[str]:
    """Keys of the parts still missing (for the decision detail and the CLI)."""
    from jeugdtoegang.domain.motivation import missing_parts

    parts = MotivationParts.from_json(decision.motivation_parts)
    return missing_parts(
        DecisionType(decision.type), parts, periods=_periods(session, decision), today=today
    )


def _plan_facts(session: Session, household_id: uuid.UUID) -> list[str]:
    plan = mq.household_plan(session, household_id)
    if plan is None:
        return []
    version_no = plan.approved_version_no or plan.current_version_no
    content: dict[str, Any] = mq.plan_version_content(session, plan.id, version_no) or {}
    facts: list[str] = []
    for domain in content.get("domains") or []:
        if not isinstance(domain, dict):
            continue
        for key in ("zorgen", "krachten"):
            text = str(domain.get(key) or "").strip()
            if text:
                facts.append(text)
    network = content.get("network") or {}
    names = [
        str(m.get("name")).strip()
        for m in (network.get("members") or [])
        if isinstance(m, dict) and m.get("name")
    ]
    if names:
        facts.append("Mensen om het gezin heen die helpen: " + ", ".join(names) + ".")
    elif str(network.get("no_network_reason") or "").strip():
        facts.append(str(network["no_network_reason"]).strip())
    return facts[:6]


def _evaluation_text(session: Session, indications: Sequence[Indication]) -> str:
    evaluation = None
    for indication in indications:
        targets = [indication.id] + (
            [indication.predecessor_id] if indication.predecessor_id else []
        )
        evaluation = mq.latest_evaluation(session, targets)
        if evaluation is not None:
            break
    if evaluation is None:
        return ""
    parts = [f"Op {evaluation.evaluated_on.strftime('%d-%m-%Y')} hebben we de hulp besproken"]
    progress = _PROGRESS_WORDS.get(evaluation.progress)
    if progress:
        parts.append(progress)
    text = ": ".join(parts) + "."
    outcome = _EVALUATION_WORDS.get(evaluation.decision)
    if outcome:
        text += f" {outcome}."
    if evaluation.notes.strip():
        text += " " + evaluation.notes.strip()
    return text


def draft_motivation(
    ctx: AppContext,
    household_id: uuid.UUID,
    person_id: uuid.UUID,
    decision_type: DecisionType,
    indication_ids: Sequence[uuid.UUID] = (),
    *,
    block: str | None = None,
    reason_category: str = "",
    alternative: str = "",
    requested: str = "",
) -> MotivationParts:
    """Proposed motivation parts for a new decision, prefilled from the case."""
    require(ctx.actor, Permission.DOSSIER_READ)
    texts = letter_texts(ctx)
    with ctx.uow(readonly=True) as uow:
        session = uow.session
        person = session.get(Person, person_id)
        if person is None:
            raise NotFoundError("Deze jeugdige bestaat niet (meer).")
        indications = [i for i in (session.get(Indication, x) for x in indication_ids) if i]
        facts = _plan_facts(session, household_id)
        evaluation = _evaluation_text(session, indications)
        uow.log_access("inzien", "person", person_id, [person_id], "motivering voorbereiden")
    weighing = ""
    chosen = texts.blocks.get(block or "")
    if chosen is None and reason_category:
        chosen = next(
            (b for b in texts.blocks.values() if b.reason_category == reason_category), None
        )
    if chosen is not None:
        reason_category = reason_category or (
            chosen.reason_category.value if chosen.reason_category else ""
        )
        weighing = chosen.text.format_map(
            _Blank(
                kind=person.first_name,
                gevraagd=requested.strip().rstrip(".") or "deze hulp",
                alternatief=alternative or "de andere oplossing",
            )
        )
    jeugdwet, verordening = texts.legal.articles(decision_type.value, reason_category)
    return MotivationParts(
        facts=tuple(facts),
        jeugdwet_artikel=jeugdwet,
        verordening_artikel=verordening,
        weighing=weighing,
        reason_category=reason_category,
        alternative=alternative,
        evaluation_result=evaluation
        if decision_type in (DecisionType.VERLENGING, DecisionType.BEEINDIGING)
        else "",
    )
