"""Gathering what the indication rules need from the database (a :class:`RuleContext`).

Thin adapters over the other areas: the jeugdige and household, the plan's 18+
perspective (plans area), the provider check and the provider's committed budget
(providers area). Each does a few indexed queries, so one check stays in milliseconds
with 100,000 indications in the database.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import String, bindparam, select, type_coerce
from sqlalchemy.orm import Session

from jeugdtoegang.domain.costs import max_cost, to_cents
from jeugdtoegang.domain.findings import Finding, Severity
from jeugdtoegang.domain.indication_policies import ChosenContract
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
    COMMITTED_STATUSES,
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
from jeugdtoegang.services.eligibility import core
from jeugdtoegang.storage.hot import Prepared
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.indications import Evaluation, Indication
from jeugdtoegang.storage.signal_queries import current_perspectives_18

_I = Indication.__table__.c
_P = Person.__table__.c
_H = Household.__table__.c
#: statements built once (building a select costs more than running it on SQLite)
_SUBJECT_COLUMNS = (_P.household_id, _P.birth_date, _H.gemeente, _H.gemeente_code, _H.wijk)
_SUBJECT = Prepared(
    select(*_SUBJECT_COLUMNS, _H.team, _P.first_name, _P.tussenvoegsel, _P.surname)
    .join(Household.__table__, _H.id == _P.household_id)
    .where(_P.id == bindparam("person_id"))
)
_EXISTING = select(_I.id, _I.product_code, _I.start_date, _I.end_date).where(
    _I.person_id == bindparam("person_id"),
    _I.product_code == bindparam("product_code"),
    _I.status.in_(sorted(s.value for s in ACTIVE_STATUSES)),
)
#: granted help of the jeugdige: approved, issued, or ended after it was issued
#: what the term chain and the overlap check read of each of the jeugdige's indications
_TERM_COLUMNS = (
    _I.id,
    _I.segment,
    _I.product_code,
    _I.perspective,
    _I.start_date,
    _I.end_date,
    _I.evaluated_on,
    _I.status,
    _I.allocation_number,
)
_LINKS = select(*_TERM_COLUMNS).where(
    _I.person_id == bindparam("person_id"),
    _I.status.in_(
        [
            IndicationStatus.GOEDGEKEURD.value,
            IndicationStatus.AFGEGEVEN.value,
            IndicationStatus.BEEINDIGD.value,
        ]
    ),
)
_COMMITTED = select(
    _I.provider_id,
    type_coerce(_I.start_date, String),
    type_coerce(_I.end_date, String),
    type_coerce(_I.max_cost, String),
).where(
    _I.provider_id.in_(bindparam("provider_ids", expanding=True)),
    _I.status.in_(sorted(s.value for s in COMMITTED_STATUSES)),
    _I.start_date <= bindparam("period_end"),
    _I.end_date >= bindparam("period_start"),
)
#: one read of the jeugdige's indications for both the term chain and the overlap check
_PERSON_TERMS = Prepared(
    select(*_TERM_COLUMNS).where(
        _I.person_id == bindparam("person_id"),
        _I.status.in_(
            sorted({s.value for s in ACTIVE_STATUSES} | {IndicationStatus.BEEINDIGD.value})
        ),
    )
)
_ACTIVE = frozenset(s.value for s in ACTIVE_STATUSES)
_GRANTED = frozenset(
    s.value
    for s in (IndicationStatus.GOEDGEKEURD, IndicationStatus.AFGEGEVEN, IndicationStatus.BEEINDIGD)
)
#: a non-empty placeholder so the provider check keeps approval findings as approvals;
#: the per-code motivations are applied afterwards by the indication rules
_DEFER = "(motivering per bevinding)"


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
        row = _SUBJECT.first(session, {"person_id": draft.person_id})
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
    rows = (
        core(session)
        .execute(_EXISTING, {"person_id": person_id, "product_code": product_code.strip().upper()})
        .all()
    )
    return tuple(ExistingTerm(r[0], r[1], r[2], r[3]) for r in rows if r[0] not in skip)


def person_terms(session: Session, person_id: uuid.UUID) -> list[Any]:
    """The jeugdige's active and ended indications (one indexed query), for
    :func:`chain_links` and :func:`existing_terms` together."""
    return _PERSON_TERMS.all(session, {"person_id": person_id})


def chain_links(
    session: Session, person_id: uuid.UUID, rows: list[Any] | None = None
) -> tuple[ChainLink, ...]:
    """The jeugdige's granted help (one indexed query); a withdrawn concept is no help."""
    if rows is None:
        rows = core(session).execute(_LINKS, {"person_id": person_id}).all()
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
    from jeugdtoegang.storage.models.plans import Plan, PlanVersion

    content = session.execute(
        select(PlanVersion.content)
        .join(Plan, Plan.id == PlanVersion.plan_id)
        .where(Plan.household_id == household_id, PlanVersion.version_no == Plan.current_version_no)
    ).scalar()
    return content or {}


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


def latest_evaluation(session: Session, indication_id: uuid.UUID) -> Evaluation | None:
    return session.execute(
        select(Evaluation)
        .where(Evaluation.indication_id == indication_id)
        .order_by(Evaluation.evaluated_on.desc(), Evaluation.created_at.desc())
        .limit(1)
    ).scalar_one_or_none()


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


def committed_by_provider(
    session: Session, provider_ids: Iterable[uuid.UUID], start: date, end: date
) -> dict[uuid.UUID, Decimal]:
    """Money committed at each provider within start..end (approved or issued indications).

    Each indication's maximum cost counts pro rata for the days its term overlaps the
    period, rounded to the cent. Dates and amounts are read as plain text (no per-row type
    processing): this runs for every candidate provider of every check.
    """
    ids = list(set(provider_ids))
    if not ids:
        return {}
    rows = session.execute(
        _COMMITTED, {"provider_ids": ids, "period_start": start, "period_end": end}
    ).all()
    period_start, period_end = start.toordinal(), end.toordinal()
    totals: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    for provider_id, term_start, term_end, cost in rows:
        if cost is None:
            continue
        first = _ordinal(term_start)
        last = _ordinal(term_end)
        days = last - first + 1
        overlap = min(last, period_end) - max(first, period_start) + 1
        if days <= 0 or overlap <= 0:
            continue
        amount = Decimal(cost)
        totals[provider_id] += amount if overlap >= days else amount * overlap / days
    return {k: to_cents(v) for k, v in totals.items()}


def _ordinal(value: object) -> int:
    if isinstance(value, date):
        return value.toordinal()
    return date.fromisoformat(str(value)[:10]).toordinal()


def half_year(day: date) -> tuple[date, date]:
    """The half-year (January–June or July–December) that holds ``day``."""
    if day.month <= 6:
        return date(day.year, 1, 1), date(day.year, 6, 30)
    return date(day.year, 7, 1), date(day.year, 12, 31)


@dataclass(frozen=True)
class ProviderFacts:
    provider_id: uuid.UUID | None
    name: str
    tariff: Decimal | None
    findings: tuple[Finding, ...]
    chosen: ChosenContract | None = None


def provider_facts(
    ctx: AppContext,
    session: Session,
    draft: IndicationDraft,
    subject: Subject,
    expected_cost: Decimal | None,
) -> ProviderFacts:
    """Run the providers area's choice check; falls back gracefully when it is absent."""
    proposal = draft.proposal
    try:
        from jeugdtoegang.services import eligibility
    except ImportError:  # providers area not installed yet
        return ProviderFacts(draft.provider_id, "", proposal.tariff, ())
    return eligibility_adapter(ctx, session, eligibility, draft, subject, expected_cost)


def eligibility_adapter(
    ctx: AppContext,
    session: Session,
    eligibility: Any,
    draft: IndicationDraft,
    subject: Subject,
    expected_cost: Decimal | None,
) -> ProviderFacts:
    """The providers area's choice check, inside this session.

    Uses ``choice_facts_in_session`` + ``choice_findings`` (rather than
    ``check_provider_choice``) so the chosen contract's tariff and provider id are known
    and the expected cost can be computed with that tariff for the budget signal. A
    placeholder motivation keeps approval findings as approvals; the per-code motivations
    are applied by the indication rules.
    """
    from jeugdtoegang.domain.providers import (
        MaatwerkProvider,
        Need,
        choice_findings,
        validate_agb,
    )
    from jeugdtoegang.errors import ValidationError

    proposal = draft.proposal
    product = ctx.profile.product(proposal.product_code)
    if product is None or product.segment != proposal.segment:
        return ProviderFacts(draft.provider_id, "", proposal.tariff, ())
    agb = (proposal.provider_agb or "").strip() or None
    maatwerk = (
        MaatwerkProvider(naam=proposal.maatwerk_name, agb=draft.extra.get("maatwerk_agb"))
        if proposal.maatwerk_name is not None
        else None
    )
    need = Need(
        segment=proposal.segment,
        product_code=product.code,
        gemeente=subject.gemeente,
        start=proposal.start,
        wijk=subject.wijk or None,
        theme=draft.extra.get("theme") or (proposal.themes[0] if proposal.themes else None),
        identity=proposal.identity_wish or draft.extra.get("identity"),
        themes=tuple(proposal.themes),
    )
    try:
        if agb is not None and maatwerk is None:
            agb = validate_agb(agb)
        facts = eligibility.choice_facts_in_session(
            session, ctx.profile, ctx.profile.slug, need, None if maatwerk else agb
        )
    except ValidationError as error:
        findings = tuple(
            Finding("INPUT_INVALID", Severity.ERROR, e.message, e.field) for e in error.errors
        )
        return ProviderFacts(draft.provider_id, "", proposal.tariff, findings)
    chosen = facts.chosen
    tariff = proposal.tariff
    if chosen is not None and maatwerk is None:
        tariff = chosen.tariff
    end = proposal.end or suggested_end(
        ctx.profile, proposal.perspective, proposal.start, proposal.product_code
    )
    expected = expected_cost
    if end is not None and end >= proposal.start:
        expected = max_cost(
            proposal.volume, tariff, proposal.unit, proposal.frequency, proposal.start, end
        )
    need = replace(need, expected_cost=expected, end=end)
    findings = choice_findings(
        facts,
        need,
        provider_chosen=agb is not None and maatwerk is None,
        maatwerk=maatwerk,
        motivation=_DEFER,
        wonen_motivation=_DEFER,
    )
    return ProviderFacts(
        chosen.provider_id if chosen is not None and maatwerk is None else draft.provider_id,
        (chosen.naam if chosen is not None else facts.chosen_name or "") if not maatwerk else "",
        tariff,
        tuple(findings),
        ChosenContract(chosen.agb, chosen.naam, chosen.identity, chosen.waiting_weeks)
        if chosen is not None and maatwerk is None
        else None,
    )


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
    """Everything for :func:`check_indication`, from the database (a few indexed queries)."""
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
