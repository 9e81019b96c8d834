"""The full picture of one item in the review queue, so the team lead never decides blind.

For an indication (or a decision, through its indications): the jeugdige and age, the plan
goals it serves, product, provider, term with the chain of earlier help, the amount of
help, the maximum cost, each finding with the motivation written for it, the review
history and the decision whose letter can be previewed. Every figure comes from the
stored record or an existing domain function (the maximum cost is the one the rule check
stored; nothing is recomputed here).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.domain.dutch import money, short_date
from jeugdtoegang.domain.findings import Severity
from jeugdtoegang.domain.terms import age_on
from jeugdtoegang.domain.wording import plural
from jeugdtoegang.errors import NotFoundError
from jeugdtoegang.services import review
from jeugdtoegang.services.authz import guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_views import IndicationView
from jeugdtoegang.storage import review_detail_queries as q

SEVERITY_LABELS = {
    Severity.ERROR: "Blokkeert",
    Severity.APPROVAL: "Alleen met motivering en uw goedkeuring",
    Severity.WARNING: "Let op",
}


@dataclass(frozen=True)
class FindingLine:
    """One finding as the team lead reads it: weight, message and the motivation for it."""

    severity: Severity
    severity_label: str
    message: str
    motivation: str | None


@dataclass(frozen=True)
class EarlierHelp:
    """One link of the chain of earlier help (oldest first)."""

    product: str
    provider: str
    start: date
    end: date
    amount: str
    outcome: str | None


@dataclass(frozen=True)
class HelpPicture:
    """One proposed indication, as the team lead needs it."""

    indication_id: uuid.UUID
    jeugdige: str
    age: int | None
    birth_date: date | None
    plan_goals: tuple[str, ...]
    segment: str
    product: str
    provider: str
    perspective: str
    start: date
    end: date
    term_months: int
    amount: str
    max_cost: Decimal | None
    findings: tuple[FindingLine, ...]
    earlier: tuple[EarlierHelp, ...]

    @property
    def max_cost_text(self) -> str:
        return money(self.max_cost) if self.max_cost is not None else "niet bekend"

    @property
    def term_text(self) -> str:
        months = plural(self.term_months, "maand", "maanden")
        return f"{short_date(self.start)} tot en met {short_date(self.end)} ({months})"


@dataclass(frozen=True)
class ReviewDetail:
    """Everything shown beside a selected queue item."""

    object_type: str
    object_id: uuid.UUID
    household_id: uuid.UUID
    title: str
    help: tuple[HelpPicture, ...]
    findings: tuple[FindingLine, ...]
    motivation: str
    history: tuple[review.ReviewStepView, ...]
    #: the decision whose letter the preview shows (the item itself, or the draft decision
    #: that carries this indication); None when there is no letter yet
    letter_decision_id: uuid.UUID | None
    notes: tuple[str, ...] = field(default=())


def _months(start: date, end: date) -> int:
    """Whole months of the term, counted as the project counts terms (end = start + N − 1 day)."""
    from dateutil.relativedelta import relativedelta

    delta = relativedelta(end + relativedelta(days=1), start)
    return delta.years * 12 + delta.months + (1 if delta.days >= 15 else 0)


def _finding_lines(view: IndicationView) -> tuple[FindingLine, ...]:
    return tuple(
        FindingLine(
            severity=f.severity,
            severity_label=SEVERITY_LABELS[f.severity],
            message=f.message,
            motivation=(view.motivations.get(f.code) or "").strip() or None,
        )
        for f in view.findings
    )


def _earlier(ctx: AppContext, view: IndicationView) -> tuple[EarlierHelp, ...]:
    from jeugdtoegang.services import indications

    chain: list[EarlierHelp] = []
    seen: set[uuid.UUID] = {view.id}
    previous = view.predecessor_id
    while previous is not None and previous not in seen and len(chain) < 20:
        seen.add(previous)
        try:
            earlier = indications.get_indication(ctx, previous)
        except NotFoundError:
            break
        outcome = None
        if earlier.evaluation is not None:
            outcome = earlier.evaluation.decision.label
        chain.append(
            EarlierHelp(
                product=earlier.product_name or earlier.product_code,
                provider=earlier.provider_label,
                start=earlier.start,
                end=earlier.end,
                amount=earlier.volume_text,
                outcome=outcome,
            )
        )
        previous = earlier.predecessor_id
    return tuple(reversed(chain))


def _picture(ctx: AppContext, indication_id: uuid.UUID) -> HelpPicture:
    from jeugdtoegang.services import indications
    from jeugdtoegang.services.decision_create import plan_goals

    view = indications.get_indication(ctx, indication_id)
    with ctx.uow(readonly=True) as uow:
        birth = q.birth_date(uow.session, view.person_id)
        goals = plan_goals(uow.session, view.household_id, set(view.goal_ids))
    try:
        segment = ctx.profile.segment(view.segment).name
    except (KeyError, ValueError, LookupError):
        segment = view.segment
    return HelpPicture(
        indication_id=view.id,
        jeugdige=view.person_name,
        age=age_on(birth, ctx.today()) if birth else None,
        birth_date=birth,
        plan_goals=tuple(goals),
        segment=segment,
        product=f"{view.product_name} ({view.product_code})"
        if view.product_name
        else view.product_code,
        provider=view.provider_label,
        perspective=view.perspective.label,
        start=view.start,
        end=view.end,
        term_months=_months(view.start, view.end),
        amount=view.volume_text,
        max_cost=view.max_cost,
        findings=_finding_lines(view),
        earlier=_earlier(ctx, view),
    )


def _decision_for(ctx: AppContext, indication_id: uuid.UUID) -> uuid.UUID | None:
    with ctx.uow(readonly=True) as uow:
        return q.latest_decision_for(uow.session, indication_id)


@guarded(Permission.APPROVE, object_type="review")
def review_detail(ctx: AppContext, object_type: str, object_id: uuid.UUID) -> ReviewDetail:
    """The full picture of one waiting item (indication, decision or plan)."""
    item = review.queue_item(ctx, object_type, object_id)  # one item, not the whole queue
    history = tuple(review.history(ctx, object_type, object_id))
    help_: tuple[HelpPicture, ...] = ()
    motivation = ""
    letter: uuid.UUID | None = None
    notes: list[str] = []
    plan_findings: tuple[FindingLine, ...] = ()
    if object_type == "indication":
        help_ = (_picture(ctx, object_id),)
        letter = _decision_for(ctx, object_id)
        if letter is None:
            notes.append("Bij deze indicatie is nog geen beschikking gemaakt.")
    elif object_type == "decision":
        from jeugdtoegang.services import decisions

        detail = decisions.get_decision(ctx, object_id, purpose="beoordelen")
        help_ = tuple(_picture(ctx, i) for i in detail.indication_ids)
        motivation = detail.motivation
        letter = object_id
    else:
        plan_findings = tuple(
            FindingLine(
                Severity.WARNING, SEVERITY_LABELS[Severity.WARNING], line.lstrip("- "), None
            )
            for line in item.findings.splitlines()
            if line.strip()
        )
    findings = plan_findings or tuple(f for picture in help_ for f in picture.findings)
    return ReviewDetail(
        object_type=object_type,
        object_id=object_id,
        household_id=item.household_id,
        title=item.title,
        help=help_,
        findings=findings,
        motivation=motivation,
        history=history,
        letter_decision_id=letter,
        notes=tuple(notes),
    )
