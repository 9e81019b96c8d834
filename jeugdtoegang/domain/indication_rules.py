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

from jeugdtoegang.domain.costs import max_cost, weekly_equivalent
from jeugdtoegang.domain.dutch import money, short_date
from jeugdtoegang.domain.findings import Finding, Severity, apply_motivation
from jeugdtoegang.domain.ijw_codes import jw301_findings
from jeugdtoegang.domain.indications import (
    EvaluationDecision,
    Frequency,
    Initiator,
    Perspective,
    Progress,
    Unit,
    overall_progress,
)
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


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    approval_required: bool
    max_eind: date | None
    max_kosten: Decimal | None
    findings: tuple[Finding, ...]

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "approval_required": self.approval_required,
            "max_eind": self.max_eind.isoformat() if self.max_eind else None,
            "max_kosten": str(self.max_kosten) if self.max_kosten is not None else None,
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


def suggested_end(profile: RegionProfile, perspective: Perspective, start: date) -> date | None:
    """The longest term without approval: the region's maximum for the perspective."""
    rules = profile.term_rules
    months = (
        rules.development_max_months
        if perspective is Perspective.ONTWIKKELING
        else rules.stabilising_max_months
    )
    return _safe_term_end(start, months)


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


def _term(proposal: IndicationProposal, ctx: RuleContext, end: date) -> list[Finding]:
    rules = ctx.profile.term_rules
    limit = suggested_end(ctx.profile, proposal.perspective, proposal.start)
    if limit is None or end <= limit:
        return []
    if proposal.perspective is Perspective.ONTWIKKELING:
        months = rules.development_max_months
        text = (
            f"Ontwikkelingsgerichte hulp duurt in regio {ctx.profile.name} hoogstens {months} "
            f"maanden (tot en met {short_date(limit)}). "
        )
        if rules.development_tenzij:
            return [
                Finding(
                    "TERM_DEVELOPMENT_EXCEEDED",
                    Severity.APPROVAL,
                    text + "Langer kan alleen 'tenzij': met motivering en akkoord van de "
                    "teamleider.",
                    "eind",
                )
            ]
        return [_error("TERM_DEVELOPMENT_EXCEEDED", text + "Langer is niet toegestaan.", "eind")]
    return [
        _error(
            "TERM_STABILISING_EXCEEDED",
            f"Stabiliserende hulp duurt in regio {ctx.profile.name} hoogstens "
            f"{rules.stabilising_max_months} maanden (tot en met {short_date(limit)}).",
            "eind",
        )
    ]


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


def _follow_up(proposal: IndicationProposal, ctx: RuleContext, end: date) -> list[Finding]:
    before = proposal.predecessor
    if before is None:
        return []
    evaluation = before.evaluation
    overall = evaluation.overall if evaluation is not None else None
    if overall is None:
        return [
            _error(
                "EXTENSION_NEEDS_EVALUATION",
                "Een vervolg kan pas na een evaluatie van de vorige hulp: leg per doel de "
                "vooruitgang en het besluit vast.",
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


def _budget(ctx: RuleContext, cost: Decimal | None) -> list[Finding]:
    if ctx.provider_half_year_budget is None or cost is None:
        return []
    total = ctx.provider_committed + cost
    if total <= ctx.provider_half_year_budget:
        return []
    return [
        Finding(
            "BUDGET_SIGNAL",
            Severity.WARNING,
            f"Met deze indicatie komen de verplichtingen bij deze aanbieder op {money(total)}, "
            f"boven het halfjaarbudget van {money(ctx.provider_half_year_budget)}. Dit is "
            "een signaal voor de teamleider, geen reden om nodige hulp te weigeren.",
        )
    ]


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


def check_indication(proposal: IndicationProposal, context: RuleContext) -> CheckResult:
    """Check a proposal against the region's rules; never raises on odd input."""
    max_eind = suggested_end(context.profile, proposal.perspective, proposal.start)
    end = proposal.end or max_eind or proposal.start
    findings = _basic(proposal, context, end)
    findings += jw301_findings(proposal.volume, proposal.unit, proposal.frequency)
    cost: Decimal | None = None
    if end >= proposal.start:
        cost = max_cost(
            proposal.volume, proposal.tariff, proposal.unit, proposal.frequency, proposal.start, end
        )
        findings += _term(proposal, context, end)
        findings += _overlap(proposal, context, end)
        findings += _turns_18(proposal, context, end)
    findings += [f for f in context.provider_findings if f.code != "BUDGET_SIGNAL"]
    findings += _follow_up(proposal, context, end)
    findings += _retroactive(proposal, context)
    findings += _provider_initiated(proposal)
    provider_budget = [f for f in context.provider_findings if f.code == "BUDGET_SIGNAL"]
    findings += provider_budget or _budget(context, cost if cost and cost > 0 else None)
    findings = _motivated(proposal, findings)
    severities = {f.severity for f in findings}
    return CheckResult(
        ok=Severity.ERROR not in severities,
        approval_required=Severity.APPROVAL in severities,
        max_eind=max_eind,
        max_kosten=cost,
        findings=tuple(findings),
    )
