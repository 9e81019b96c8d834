"""The rule check of a proposed indication: terms, "tenzij", follow-ups, overlap, 18+, budget.

Pure: the caller (``services.indications``) gathers what the rules need from the database
into a :class:`RuleContext` (the jeugdige's other terms, the provider check's findings,
the provider's budget position) and passes ``today``. Nothing here reads the clock.

Seed 003 §5.4: development-oriented help gets at most the region's maximum term (9 months
in Zuidoost-Utrecht), longer only "tenzij" (motivation + team-lead approval). After the
term an evaluation decides: no progress → phase out; progress → lighter help.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from jeugdtoegang.domain import indication_policies as policies
from jeugdtoegang.domain.budget import BudgetFigure, budget_finding, half_year, pro_rata
from jeugdtoegang.domain.costs import max_cost, weekly_equivalent
from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.findings import Finding, Severity, apply_motivation
from jeugdtoegang.domain.ijw_codes import jw301_findings
from jeugdtoegang.domain.indication_policies import ChosenContract
from jeugdtoegang.domain.indications import (
    EvaluationDecision,
    Frequency,
    Initiator,
    Perspective,
    Progress,
    Unit,
    overall_progress,
)
from jeugdtoegang.domain.term_chain import ChainLink, TermChain, find_chain
from jeugdtoegang.domain.terms import eighteenth_birthday, term_end
from jeugdtoegang.regions import ProfileError, RegionProfile

#: key of a motivation that applies to every approval finding (CLI: "motivering": "...")
GENERAL_MOTIVATION = "*"
#: codes produced by the provider check (issue 3) that this check passes on
PROVIDER_CODES = frozenset(
    {"PROVIDER_NOT_ELIGIBLE", "PROVIDER_SUSPENDED", "GROUP_OFFER_FIRST", "WONEN_ORDER"}
)


@dataclass(frozen=True)
class EvaluationInput:
    """The evaluation of the predecessor: progress per plan goal and the decision."""

    progress: Mapping[str, Progress]
    decision: EvaluationDecision | None = None

    @property
    def overall(self) -> Progress | None:
        return overall_progress(dict(self.progress))


@dataclass(frozen=True)
class PredecessorInput:
    """The indication a follow-up continues (vervolg op)."""

    segment: str
    product_code: str
    volume: Decimal
    unit: Unit
    frequency: Frequency
    start: date
    end: date
    perspective: Perspective = Perspective.ONTWIKKELING
    evaluation: EvaluationInput | None = None
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class IndicationProposal:
    """A proposed indication as the consultant (or the CLI file) describes it."""

    segment: str
    product_code: str
    perspective: Perspective
    start: date
    end: date | None
    volume: Decimal
    unit: Unit
    frequency: Frequency
    initiator: Initiator = Initiator.CONSULENT
    provider_agb: str | None = None
    maatwerk_name: str | None = None
    tariff: Decimal | None = None
    motivations: Mapping[str, str] = field(default_factory=dict)
    predecessor: PredecessorInput | None = None
    own_id: uuid.UUID | None = None
    #: date of the referral (verwijzing) by a huisarts, jeugdarts, GI, specialist or rechter
    referral_date: date | None = None
    #: the family's wish for help that fits its identity (e.g. 'christelijk'), if any
    identity_wish: str | None = None
    #: the family chose this provider itself (keuzevrijheid)
    chosen_by_family: bool = False
    #: what was agreed with the strategic partner (one-lot regions)
    partner_agreement: str | None = None
    #: themes of the plan goals this help serves (for free-access group offers)
    themes: tuple[str, ...] = ()

    def motivation_for(self, code: str) -> str | None:
        text = self.motivations.get(code) or self.motivations.get(GENERAL_MOTIVATION)
        return text if text and text.strip() else None


@dataclass(frozen=True)
class ExistingTerm:
    """Another active indication of the same jeugdige."""

    id: uuid.UUID
    product_code: str
    start: date
    end: date


@dataclass(frozen=True)
class RuleContext:
    """Everything the rules need besides the proposal, gathered by the caller."""

    today: date
    profile: RegionProfile
    birth_date: date | None = None
    has_18plus_perspective: bool = False
    existing: tuple[ExistingTerm, ...] = ()
    provider_findings: tuple[Finding, ...] = ()
    provider_half_year_budget: Decimal | None = None
    provider_committed: Decimal = Decimal(0)
    #: earlier granted help of the jeugdige (the term follows the child)
    links: tuple[ChainLink, ...] = ()
    #: the issued indication this proposal replaces (a change, not a follow-up)
    replaces_id: uuid.UUID | None = None
    #: the earlier help this proposal continues without naming it, with its evaluation
    continued: PredecessorInput | None = None
    #: whether the family made a familiegroepsplan (None: unknown)
    has_familiegroepsplan: bool | None = None
    #: the chosen provider's contract (identity, waiting time)
    chosen: ChosenContract | None = None
    #: AGB codes of the area's strategic partners for the segment (None: not a one-lot region)
    partner_agbs: tuple[str, ...] | None = None
    #: end of the jeugdige's latest help that started before 18 (verlengde jeugdhulp)
    help_before_18_end: date | None = None


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    approval_required: bool
    max_eind: date | None
    max_kosten: Decimal | None
    findings: tuple[Finding, ...]
    #: where the term is counted from (the start of the chain of help it continues)
    term_start: date | None = None
    #: ids of the earlier indications whose term this one shares, oldest first
    chain: tuple[uuid.UUID, ...] = ()
    #: the earlier help this proposal continues without naming it (an implicit follow-up)
    continues: uuid.UUID | None = None

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "approval_required": self.approval_required,
            "max_eind": self.max_eind.isoformat() if self.max_eind else None,
            "max_kosten": str(self.max_kosten) if self.max_kosten is not None else None,
            "termijn_start": self.term_start.isoformat() if self.term_start else None,
            "keten": [str(i) for i in self.chain],
            "findings": [
                {"code": f.code, "severity": f.severity.value, "message": f.message}
                for f in self.findings
            ],
        }


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
    found += policies.age_findings(proposal, ctx.birth_date, ctx.help_before_18_end)
    found += policies.referral_findings(proposal, profile)
    found += policies.identity_findings(proposal, profile, ctx.chosen)
    found += policies.partner_findings(proposal, profile, ctx.partner_agbs)
    found += policies.bridging_findings(profile, ctx.chosen)
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
