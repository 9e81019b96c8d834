"""The rule check of a proposed indication: terms, "tenzij", follow-ups, overlap, 18+, budget.

Pure: the caller (``services.indications``) gathers what the rules need from the database
into a :class:`RuleContext` (the jeugdige's other terms, the provider check's findings,
the provider's budget position) and passes ``today``. Nothing here reads the clock.

Seed 003 §5.4: development-oriented help gets at most the region's maximum term (9 months
in Zuidoost-Utrecht), longer only "tenzij" (motivation + team-lead approval). After the
term an evaluation decides: no progress → phase out; progress → lighter help.

The proposal, the context and the result types live in ``indication_proposal`` and are
re-exported here (the services, the CLI and the GUI import them from this module).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from jeugdtoegang.domain import indication_access_policies as access_policies
from jeugdtoegang.domain import indication_policies as policies
from jeugdtoegang.domain.budget import BudgetFigure, budget_finding, half_year, pro_rata
from jeugdtoegang.domain.costs import max_cost, weekly_equivalent
from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.findings import Finding, Severity, apply_motivation
from jeugdtoegang.domain.ijw_codes import jw301_findings
from jeugdtoegang.domain.indication_proposal import (
    GENERAL_MOTIVATION,
    PROVIDER_CODES,
    CheckResult,
    EvaluationInput,
    ExistingTerm,
    IndicationProposal,
    PredecessorInput,
    RuleContext,
)
from jeugdtoegang.domain.indications import (
    Initiator,
    Perspective,
    Progress,
)
from jeugdtoegang.domain.term_chain import TermChain, find_chain
from jeugdtoegang.domain.terms import eighteenth_birthday, term_end
from jeugdtoegang.regions import ProfileError, RegionProfile

__all__ = [
    "GENERAL_MOTIVATION",
    "PROVIDER_CODES",
    "CheckResult",
    "EvaluationInput",
    "ExistingTerm",
    "IndicationProposal",
    "PredecessorInput",
    "RuleContext",
    "chain_of",
    "check_indication",
    "suggested_end",
]


def _safe_term_end(start: date, months: int) -> date | None:
    try:
        return term_end(start, months)
    except (OverflowError, ValueError):
        return None


def suggested_end(
    profile: RegionProfile,
    perspective: Perspective,
    start: date,
    product_code: str | None = None,
    term_start: date | None = None,
) -> date | None:
    """The longest term without approval: the region's maximum for the help's kind
    (crisis, placement, or the perspective), counted from the chain's ``term_start``."""
    if product_code is not None:
        return policies.term_limit(profile, product_code, perspective, term_start or start)
    rules = profile.term_rules
    months = (
        rules.development_max_months
        if perspective is Perspective.ONTWIKKELING
        else rules.stabilising_max_months
    )
    return _safe_term_end(term_start or start, months)


def chain_of(proposal: IndicationProposal, context: RuleContext) -> TermChain:
    """The chain of earlier help this proposal continues (see :mod:`term_chain`)."""
    return find_chain(
        context.links,
        segment=proposal.segment,
        perspective=proposal.perspective.value,
        start=proposal.start,
        gap_months=context.profile.term_rules.chain_gap_months,
        replaces=context.replaces_id,
        own_id=proposal.own_id,
    )


def _error(code: str, message: str, field_name: str | None = None) -> Finding:
    return Finding(code, Severity.ERROR, message, field_name)


def _basic(proposal: IndicationProposal, ctx: RuleContext, end: date) -> list[Finding]:
    found: list[Finding] = []
    product = ctx.profile.product(proposal.product_code)
    if product is None:
        found.append(
            _error(
                "UNKNOWN_PRODUCT",
                f"Productcode '{proposal.product_code}' bestaat niet in regio {ctx.profile.name}.",
                "productcode",
            )
        )
    elif product.segment != proposal.segment:
        found.append(
            _error(
                "PRODUCT_SEGMENT_MISMATCH",
                f"Product {product.code} ({product.name}) hoort bij segment "
                f"'{product.segment}', niet bij '{proposal.segment}'.",
                "segment",
            )
        )
    if not ctx.profile.has_segment(proposal.segment):
        found.append(
            _error(
                "UNKNOWN_SEGMENT",
                f"Segment '{proposal.segment}' bestaat niet in regio {ctx.profile.name}.",
                "segment",
            )
        )
    if proposal.volume <= 0:
        found.append(_error("VOLUME_INVALID", "De omvang moet groter zijn dan 0.", "volume"))
    if end < proposal.start:
        found.append(
            _error(
                "END_BEFORE_START",
                f"De einddatum ({short_date(end)}) ligt voor de startdatum "
                f"({short_date(proposal.start)}).",
                "eind",
            )
        )
    return found


def _overlap(proposal: IndicationProposal, ctx: RuleContext, end: date) -> list[Finding]:
    found = []
    code = proposal.product_code.strip().upper()
    for term in ctx.existing:
        if term.id == proposal.own_id or term.product_code.upper() != code:
            continue
        if term.start <= end and proposal.start <= term.end:
            found.append(
                _error(
                    "OVERLAP",
                    f"Deze jeugdige heeft al product {term.product_code} van "
                    f"{short_date(term.start)} tot en met {short_date(term.end)}; termijnen van "
                    "hetzelfde product mogen niet overlappen.",
                    "start",
                )
            )
    return found


def _is_free_access(ctx: RuleContext, segment: str, product_code: str) -> bool:
    product = ctx.profile.product(product_code)
    if product is not None and product.group:
        return True
    try:
        return not ctx.profile.segment(segment).needs_beschikking
    except ProfileError:
        return False


def _lower_volume(proposal: IndicationProposal, before: PredecessorInput, end: date) -> bool:
    if proposal.unit is not before.unit:
        return False
    new = weekly_equivalent(proposal.volume, proposal.frequency, proposal.start, end)
    old = weekly_equivalent(before.volume, before.frequency, before.start, before.end)
    return new < old


def _lighter_segment(ctx: RuleContext, new: str, old: str) -> bool:
    try:
        return ctx.profile.is_lighter(new, old)
    except ProfileError:
        return False


def _implicit_predecessor(
    proposal: IndicationProposal, ctx: RuleContext, chain: TermChain
) -> PredecessorInput | None:
    """Earlier help this proposal continues without naming it (not for a replacement)."""
    if proposal.predecessor is not None or ctx.replaces_id is not None:
        return None
    link = chain.previous
    if link is None:
        return None
    if ctx.continued is not None and ctx.continued.id == link.id:
        return ctx.continued
    return PredecessorInput(
        segment=link.segment,
        product_code=link.product_code,
        volume=Decimal(0),
        unit=proposal.unit,
        frequency=proposal.frequency,
        start=link.start,
        end=link.end,
        perspective=Perspective(link.perspective),
        id=link.id,
    )


def _follow_up(
    proposal: IndicationProposal,
    ctx: RuleContext,
    end: date,
    implicit: PredecessorInput | None = None,
) -> list[Finding]:
    before = proposal.predecessor or implicit
    if before is None:
        return []
    evaluation = before.evaluation
    overall = evaluation.overall if evaluation is not None else None
    if overall is None:
        unnamed = (
            f"Deze indicatie zet de hulp voort die liep van {short_date(before.start)} tot en "
            f"met {short_date(before.end)} ({before.product_code}): het is een vervolg. "
            if implicit is not None
            else ""
        )
        return [
            _error(
                "EXTENSION_NEEDS_EVALUATION",
                unnamed + "Een vervolg kan pas na een evaluatie van de vorige hulp: leg per doel "
                "de vooruitgang en het besluit vast.",
                "vervolg_op",
            )
        ]
    if overall is Progress.NEE:
        limit = _safe_term_end(proposal.start, ctx.profile.term_rules.phase_out_months or 1)
        short = ctx.profile.term_rules.phase_out_months > 0 and limit is not None and end <= limit
        if short and _lower_volume(proposal, before, end):
            return []
        return [
            Finding(
                "NO_PROGRESS_PHASE_OUT",
                Severity.APPROVAL,
                "Er was geen vooruitgang: alleen afbouwen mag zonder akkoord (een lager volume "
                f"en hoogstens {ctx.profile.term_rules.phase_out_months} maanden). Doorgaan op "
                "dezelfde weg vraagt een motivering en akkoord van de teamleider.",
                "volume",
            )
        ]
    lighter = (
        _lower_volume(proposal, before, end)
        or _lighter_segment(ctx, proposal.segment, before.segment)
        or _is_free_access(ctx, proposal.segment, proposal.product_code)
    )
    if lighter:
        return []
    return [
        Finding(
            "EXTENSION_NOT_LIGHTER",
            Severity.APPROVAL,
            "Er was vooruitgang: het vervolg moet lichter zijn (minder uren, een lichter "
            "segment of groeps- of vrij toegankelijk aanbod). Anders alleen met motivering "
            "en akkoord van de teamleider.",
            "volume",
        )
    ]


def _turns_18(proposal: IndicationProposal, ctx: RuleContext, end: date) -> list[Finding]:
    if ctx.birth_date is None:
        return []
    try:
        birthday = eighteenth_birthday(ctx.birth_date)
    except (OverflowError, ValueError):
        return []
    if not proposal.start < birthday <= end:
        return []
    if ctx.has_18plus_perspective:
        return [
            Finding(
                "TURNS_18_DURING_TERM",
                Severity.WARNING,
                f"De jeugdige wordt 18 op {short_date(birthday)}, tijdens deze termijn. Het "
                "plan heeft een perspectief voor 18+; stem de overgang tijdig af.",
                "eind",
            )
        ]
    return [
        _error(
            "TURNS_18_DURING_TERM",
            f"De jeugdige wordt 18 op {short_date(birthday)}, tijdens deze termijn. Leg eerst "
            "in het perspectiefplan een perspectief voor 18+ vast.",
            "eind",
        )
    ]


def _retroactive(proposal: IndicationProposal, ctx: RuleContext) -> list[Finding]:
    allowed = ctx.profile.term_rules.retroactive_days_allowed
    try:
        earliest = ctx.today - timedelta(days=allowed)
    except OverflowError:
        return []
    if proposal.start >= earliest:
        return []
    return [
        Finding(
            "RETROACTIVE_START",
            Severity.APPROVAL,
            f"De startdatum {short_date(proposal.start)} ligt in het verleden (toegestaan: "
            f"{allowed} dagen terug). Met terugwerkende kracht kan alleen met motivering "
            "en akkoord van de teamleider.",
            "start",
        )
    ]


def _budget(
    proposal: IndicationProposal, ctx: RuleContext, cost: Decimal | None, end: date
) -> list[Finding]:
    """The one budget figure (:mod:`budget`) when the caller passed the position directly."""
    if ctx.provider_half_year_budget is None or cost is None:
        return []
    period = half_year(proposal.start)
    figure = BudgetFigure(
        uuid.UUID(int=0),
        "deze aanbieder",
        period,
        ctx.provider_half_year_budget * 2,
        ctx.provider_committed,
        pro_rata(cost, proposal.start, end, period),
    )
    return budget_finding(figure)


def _provider_initiated(proposal: IndicationProposal) -> list[Finding]:
    if proposal.initiator is not Initiator.AANBIEDER:
        return []
    return [
        Finding(
            "PROVIDER_INITIATED",
            Severity.WARNING,
            "Dit is een verzoek van de aanbieder. De aanbieder verlengt nooit zelf: u "
            "beoordeelt het verzoek en legt een eigen besluit vast.",
        )
    ]


def _motivated(proposal: IndicationProposal, findings: list[Finding]) -> list[Finding]:
    result: list[Finding] = []
    for finding in findings:
        result += apply_motivation([finding], proposal.motivation_for(finding.code))
    return result


def _policy_findings(proposal: IndicationProposal, ctx: RuleContext, end: date) -> list[Finding]:
    profile = ctx.profile
    product = profile.product(proposal.product_code)
    found = policies.perspective_findings(proposal, product)
    found += policies.out_of_home_findings(proposal)
    if end >= proposal.start:
        found += policies.norm_findings(proposal, product, end)
        found += policies.session_findings(proposal, profile, product, end)
    found += policies.familiegroepsplan_findings(profile, product, ctx.has_familiegroepsplan)
    found += access_policies.age_findings(proposal, ctx.birth_date, ctx.help_before_18_end)
    found += access_policies.referral_findings(proposal, profile)
    found += access_policies.identity_findings(proposal, profile, ctx.chosen)
    found += access_policies.partner_findings(proposal, profile, ctx.partner_agbs)
    found += access_policies.bridging_findings(profile, ctx.chosen)
    return found


def check_indication(proposal: IndicationProposal, context: RuleContext) -> CheckResult:
    """Check a proposal against the region's rules; never raises on odd input.

    The term is counted over the chain of earlier help (:mod:`term_chain`): a replacement
    keeps the original term start, and help that continues earlier help without naming it
    is a follow-up that needs the evaluation and the follow-up rules.
    """
    chain = chain_of(proposal, context)
    implicit = _implicit_predecessor(proposal, context, chain)
    max_eind = suggested_end(
        context.profile,
        proposal.perspective,
        proposal.start,
        proposal.product_code,
        chain.term_start,
    )
    if max_eind is not None and max_eind < proposal.start:
        max_eind = proposal.start
    end = proposal.end or max_eind or proposal.start
    findings = _basic(proposal, context, end)
    findings += jw301_findings(proposal.volume, proposal.unit, proposal.frequency)
    cost: Decimal | None = None
    if end >= proposal.start:
        cost = max_cost(
            proposal.volume, proposal.tariff, proposal.unit, proposal.frequency, proposal.start, end
        )
        findings += policies.term_findings(
            proposal, context.profile, end, chain.term_start, chain.continues
        )
        findings += _overlap(proposal, context, end)
        findings += _turns_18(proposal, context, end)
    findings += [f for f in context.provider_findings if f.code != "BUDGET_SIGNAL"]
    findings += _follow_up(proposal, context, end, implicit)
    findings += _policy_findings(proposal, context, end)
    findings += _retroactive(proposal, context)
    findings += _provider_initiated(proposal)
    provider_budget = [f for f in context.provider_findings if f.code == "BUDGET_SIGNAL"]
    findings += provider_budget or _budget(
        proposal, context, cost if cost and cost > 0 else None, end
    )
    findings = _motivated(proposal, findings)
    severities = {f.severity for f in findings}
    return CheckResult(
        ok=Severity.ERROR not in severities,
        approval_required=Severity.APPROVAL in severities,
        max_eind=max_eind,
        max_kosten=cost,
        findings=tuple(findings),
        term_start=chain.term_start,
        chain=tuple(link.id for link in chain.links),
        continues=implicit.id if implicit is not None else None,
    )
