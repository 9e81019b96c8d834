"""What the rule check of a proposed indication takes and gives: the proposal as the
consultant describes it, the facts the caller gathers (:class:`RuleContext`) and the
:class:`CheckResult`. Plain values only; the rules live in ``indication_rules``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from jeugdtoegang.domain.findings import Finding
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
from jeugdtoegang.domain.term_chain import ChainLink
from jeugdtoegang.regions import RegionProfile

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
