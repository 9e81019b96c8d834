"""Gathering what the indication rules need from the database (a :class:`RuleContext`).

Thin adapters over the other areas: the jeugdige and household, the plan's 18+
perspective (plans area), the provider check and the provider's committed budget
(providers area). Each does a few indexed queries, so one check stays in milliseconds
with 100,000 indications in the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.costs import max_cost
from jeugdtoegang.domain.indication_rules import (
    EvaluationInput,
    ExistingTerm,
    IndicationProposal,
    PredecessorInput,
    RuleContext,
    suggested_end,
)
from jeugdtoegang.domain.indications import (
    ACTIVE_STATUSES,
    EvaluationDecision,
    Frequency,
    IndicationStatus,
    Perspective,
    Progress,
    Unit,
)
from jeugdtoegang.domain.term_chain import ChainLink, find_chain
from jeugdtoegang.domain.terms import eighteenth_birthday
from jeugdtoegang.errors import NotFoundError
from jeugdtoegang.services.context import AppContext

# the provider side has its own module (its names stay importable from here)
from jeugdtoegang.services.indication_provider_facts import (
    ProviderFacts,
    committed_by_provider,  # noqa: F401
    eligibility_adapter,  # noqa: F401
    provider_facts,
    provider_reads,
)
from jeugdtoegang.storage.indication_queries import (
    active_terms_of_product,
    current_plan_content,
    granted_term_rows,
    latest_evaluation,
    person_term_rows,
    subject_reads,
    subject_row,
)
from jeugdtoegang.storage.models.indications import Indication
from jeugdtoegang.storage.read_ahead import pipelines, reads_ahead
from jeugdtoegang.storage.signal_queries import current_perspectives_18

_ACTIVE = frozenset(s.value for s in ACTIVE_STATUSES)
_GRANTED = frozenset(
    s.value
    for s in (IndicationStatus.GOEDGEKEURD, IndicationStatus.AFGEGEVEN, IndicationStatus.BEEINDIGD)
)


@dataclass(frozen=True)
class IndicationDraft:
    """What a consultant proposes: whom for, which goals, and the proposal itself.

    The jeugdige is named by ``person_id`` or inline (birth date, gemeente, wijk) for a
    check without a dossier (CLI). ``replaces_id`` marks a change of an issued indication
    (not a follow-up): the old one is ignored for overlap and ended on save.
    """

    proposal: IndicationProposal
    person_id: uuid.UUID | None = None
    household_id: uuid.UUID | None = None
    goal_ids: tuple[str, ...] = ()
    provider_id: uuid.UUID | None = None
    predecessor_id: uuid.UUID | None = None
    replaces_id: uuid.UUID | None = None
    requested_on: date | None = None
    birth_date: date | None = None
    gemeente: str | None = None
    wijk: str | None = None
    has_18plus_perspective: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Subject:
    person_id: uuid.UUID | None
    household_id: uuid.UUID | None
    birth_date: date | None
    gemeente: str
    gemeente_code: str
    wijk: str | None
    #: the dossier's team and the jeugdige's name as read with it (saving a concept needs
    #: both: no second query for either)
    team: str | None = None
    person_name: str = ""


def load_subject(ctx: AppContext, session: Session, draft: IndicationDraft) -> Subject:
    """The jeugdige and where the family lives (from the dossier or the inline fields)."""
    if draft.person_id is not None:
        row = subject_row(session, draft.person_id)
        if row is None:
            raise NotFoundError("Deze jeugdige bestaat niet (meer).")
        name = " ".join(part for part in row[6:9] if part)
        return Subject(draft.person_id, *row[:6], person_name=name)
    municipality = ctx.profile.municipality(draft.gemeente or "")
    if municipality is None:
        raise NotFoundError(
            f"Gemeente '{draft.gemeente or ''}' hoort niet bij regio {ctx.profile.name}. "
            f"Kies uit: {', '.join(ctx.profile.municipality_names)}."
        )
    return Subject(
        None, None, draft.birth_date, municipality.name, municipality.cbs_code, draft.wijk
    )


def existing_terms(
    session: Session,
    person_id: uuid.UUID,
    product_code: str,
    ignore: Iterable[uuid.UUID] = (),
    rows: list[Any] | None = None,
) -> tuple[ExistingTerm, ...]:
    """The jeugdige's active indications of this product (one indexed query)."""
    skip = set(ignore)
    if rows is not None:
        code = product_code.strip().upper()
        return tuple(
            ExistingTerm(r[0], r[2], r[4], r[5])
            for r in rows
            if r[2] == code and r[7] in _ACTIVE and r[0] not in skip
        )
    rows = active_terms_of_product(session, person_id, product_code.strip().upper())
    return tuple(ExistingTerm(r[0], r[1], r[2], r[3]) for r in rows if r[0] not in skip)


def person_terms(session: Session, person_id: uuid.UUID) -> list[Any]:
    """The jeugdige's active and ended indications (one indexed query), for
    :func:`chain_links` and :func:`existing_terms` together."""
    return person_term_rows(session, person_id)


def chain_links(
    session: Session, person_id: uuid.UUID, rows: list[Any] | None = None
) -> tuple[ChainLink, ...]:
    """The jeugdige's granted help (one indexed query); a withdrawn concept is no help."""
    if rows is None:
        rows = granted_term_rows(session, person_id)
    links = []
    for row in rows:
        if row[7] not in _GRANTED:
            continue
        if row[7] == IndicationStatus.BEEINDIGD.value and row[8] is None:
            continue
        links.append(ChainLink(row[0], row[1], row[2], row[3], row[4], row[5], row[6] is not None))
    return tuple(links)


def _help_before_18_end(links: Iterable[ChainLink], birth_date: date | None) -> date | None:
    if birth_date is None:
        return None
    try:
        adult = eighteenth_birthday(birth_date)
    except (OverflowError, ValueError):
        return None
    ends = [link.end for link in links if link.start < adult]
    return max(ends) if ends else None


def _current_plan(session: Session, household_id: uuid.UUID) -> dict[str, Any]:
    return current_plan_content(session, household_id) or {}


def familiegroepsplan_present(session: Session, household_id: uuid.UUID) -> bool:
    """Whether the current plan version says the family made a familiegroepsplan."""
    plan = _current_plan(session, household_id)
    return bool((plan.get("familiegroepsplan") or {}).get("present"))


def goal_themes(
    session: Session, household_id: uuid.UUID, goal_ids: Iterable[str]
) -> tuple[str, ...]:
    """The themes of the plan goals the help serves (current plan version)."""
    wanted = set(goal_ids)
    if not wanted:
        return ()
    themes: list[str] = []
    for goal in _current_plan(session, household_id).get("goals") or ():
        if goal.get("id") in wanted:
            themes += [str(t) for t in goal.get("themes") or () if str(t).strip()]
    return tuple(dict.fromkeys(themes))


def _partner_agbs(ctx: AppContext, subject: Subject, segment: str) -> tuple[str, ...] | None:
    profile = ctx.profile
    if not profile.policies.strategic_partners:
        return None
    municipality = profile.municipality(subject.gemeente)
    if municipality is None:
        return None
    return tuple(
        p.agb for p in profile.strategic_partners_for(municipality) if segment in p.segments
    )


def predecessor_input(session: Session, indication_id: uuid.UUID) -> PredecessorInput:
    row = session.get(Indication, indication_id)
    if row is None:
        raise NotFoundError("De vorige indicatie (vervolg op) bestaat niet (meer).")
    evaluation = latest_evaluation(session, indication_id)
    evaluation_input = None
    if evaluation is not None:
        evaluation_input = EvaluationInput(
            {k: Progress(v) for k, v in (evaluation.goal_progress or {}).items()}
            or {"*": Progress(evaluation.progress)},
            EvaluationDecision(evaluation.decision),
        )
    return PredecessorInput(
        segment=row.segment,
        product_code=row.product_code,
        volume=row.volume,
        unit=Unit(row.unit),
        frequency=Frequency(row.frequency),
        start=row.start_date,
        end=row.end_date,
        perspective=Perspective(row.perspective),
        evaluation=evaluation_input,
        id=row.id,
    )


def has_18plus_perspective(
    session: Session, household_ids: Iterable[uuid.UUID], person_ids: Iterable[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of these jeugdigen have a (non-empty) 18+ perspective in the current plan.

    Set-based: one query for the current plan versions of all the households.
    """
    wanted = {str(p) for p in person_ids}
    households = list(set(household_ids))
    if not wanted or not households:
        return set()
    found: set[uuid.UUID] = set()
    for perspectives in current_perspectives_18(session, households):
        for item in perspectives or ():
            person = str(item.get("person_id", ""))
            if person in wanted and _perspective_filled(item):
                found.add(uuid.UUID(person))
    return found


def _perspective_filled(item: dict[str, Any]) -> bool:
    texts = ("wonen", "onderwijs_werk", "inkomen", "zorg_na_18", "arranged_by")
    return any(str(item.get(k) or "").strip() for k in texts) or bool(item.get("care_laws"))


def _turns_18_in(birth_date: date | None, start: date, end: date | None) -> bool:
    """Whether the plan must be read for an 18+ perspective (only near the 18th birthday)."""
    if birth_date is None:
        return False
    try:
        birthday = eighteenth_birthday(birth_date)
    except (OverflowError, ValueError):
        return False
    return birthday > start and (end is None or birthday <= end)


def build_context(
    ctx: AppContext, session: Session, draft: IndicationDraft
) -> tuple[IndicationProposal, RuleContext, Subject, ProviderFacts]:
    """Everything for :func:`check_indication`, from the database (a few indexed queries).

    On a server the reads that need no answer of another (the jeugdige, her terms, the
    provider check's fingerprints and chosen contracts) go in one request (issue 19)."""
    if not pipelines(session):
        return _build_context(ctx, session, draft)
    reads = dict(provider_reads(ctx, session, draft))
    if draft.person_id is not None:
        reads.update(subject_reads(draft.person_id))
    with reads_ahead(session, reads):
        return _build_context(ctx, session, draft)


def _build_context(
    ctx: AppContext, session: Session, draft: IndicationDraft
) -> tuple[IndicationProposal, RuleContext, Subject, ProviderFacts]:
    subject = load_subject(ctx, session, draft)
    proposal = draft.proposal
    if draft.predecessor_id is not None and proposal.predecessor is None:
        proposal = replace(proposal, predecessor=predecessor_input(session, draft.predecessor_id))
    if not proposal.themes and draft.goal_ids and subject.household_id is not None:
        proposal = replace(
            proposal, themes=goal_themes(session, subject.household_id, draft.goal_ids)
        )
    existing: tuple[ExistingTerm, ...] = ()
    links: tuple[ChainLink, ...] = ()
    continued: PredecessorInput | None = None
    term_start = proposal.start
    perspective_18 = bool(draft.has_18plus_perspective)
    terms: list[Any] = []
    if subject.person_id is not None:
        terms = person_terms(session, subject.person_id)
        links = chain_links(session, subject.person_id, terms)
        chain = find_chain(
            links,
            segment=proposal.segment,
            perspective=proposal.perspective.value,
            start=proposal.start,
            gap_months=ctx.profile.term_rules.chain_gap_months,
            replaces=draft.replaces_id,
            own_id=proposal.own_id,
        )
        term_start = chain.term_start
        if chain.previous is not None and proposal.predecessor is None and not draft.replaces_id:
            continued = predecessor_input(session, chain.previous.id)
    end = proposal.end or suggested_end(
        ctx.profile, proposal.perspective, proposal.start, proposal.product_code, term_start
    )
    if subject.person_id is not None:
        ignore = [i for i in (draft.replaces_id, proposal.own_id) if i is not None]
        existing = existing_terms(session, subject.person_id, proposal.product_code, ignore, terms)
        if (
            draft.has_18plus_perspective is None
            and subject.household_id is not None
            and _turns_18_in(subject.birth_date, proposal.start, end)
        ):
            perspective_18 = subject.person_id in has_18plus_perspective(
                session, [subject.household_id], [subject.person_id]
            )
    fgp = draft.extra.get("familiegroepsplan")
    has_fgp: bool | None = fgp if isinstance(fgp, bool) else None
    if has_fgp is None and ctx.profile.policies.familiegroepsplan_required:
        has_fgp = (
            familiegroepsplan_present(session, subject.household_id)
            if subject.household_id is not None
            else False
        )
    expected = None
    if end is not None and end >= proposal.start and proposal.tariff is not None:
        expected = max_cost(
            proposal.volume, proposal.tariff, proposal.unit, proposal.frequency, proposal.start, end
        )
    facts = provider_facts(ctx, session, replace(draft, proposal=proposal), subject, expected)
    if facts.tariff is not None and (proposal.tariff is None or facts.chosen is not None):
        # the maximum cost always uses the chosen contract's tariff (one source)
        proposal = replace(proposal, tariff=facts.tariff)
    context = RuleContext(
        today=ctx.today(),
        profile=ctx.profile,
        birth_date=subject.birth_date,
        has_18plus_perspective=perspective_18,
        existing=existing,
        provider_findings=facts.findings,
        links=links,
        replaces_id=draft.replaces_id,
        continued=continued,
        has_familiegroepsplan=has_fgp,
        chosen=facts.chosen,
        partner_agbs=_partner_agbs(ctx, subject, proposal.segment),
        help_before_18_end=_help_before_18_end(links, subject.birth_date),
    )
    return proposal, context, subject, facts
