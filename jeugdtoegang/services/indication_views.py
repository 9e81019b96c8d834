"""Read views of indications for the GUI and the CLI, and the JW301 mapping.

Frozen dataclasses, never ORM objects. :func:`to_jw301` produces the fields of an iJw
JW301 toewijzing from a stored indication without loss.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from jeugdtoegang.domain.findings import Finding, Severity
from jeugdtoegang.domain.ijw_codes import (
    AllocationTerms,
    cause_of,
    change_reason,
    omvang_or_budget,
)
from jeugdtoegang.domain.indications import (
    ChangeReason,
    EvaluationDecision,
    Frequency,
    IndicationStatus,
    Initiator,
    Perspective,
    Progress,
    RequestStatus,
    Unit,
)
from jeugdtoegang.domain.wording import amount_of_help
from jeugdtoegang.storage.models.indications import Evaluation, Indication, ProviderRequest
from jeugdtoegang.storage.snapshot import to_json_value


@dataclass(frozen=True)
class EvaluationView:
    id: uuid.UUID
    indication_id: uuid.UUID
    goal_progress: dict[str, Progress]
    progress: Progress
    decision: EvaluationDecision
    notes: str
    evaluated_by: str
    evaluated_on: date


@dataclass(frozen=True)
class ProviderRequestView:
    id: uuid.UUID
    indication_id: uuid.UUID
    household_id: uuid.UUID
    kind: str
    requested_end: date | None
    requested_volume: Decimal | None
    reason: str
    received_on: date
    answer_due: date
    status: RequestStatus
    answer: str | None
    assessed_by: str | None


@dataclass(frozen=True)
class IndicationView:
    """One indication with everything the dossier tab, review and JW301 need."""

    id: uuid.UUID
    version: int
    household_id: uuid.UUID
    person_id: uuid.UUID
    person_name: str
    gemeente_code: str
    goal_ids: tuple[str, ...]
    segment: str
    product_code: str
    product_name: str
    product_category: str
    provider_id: uuid.UUID | None
    provider_agb: str | None
    provider_name: str
    maatwerk_name: str | None
    maatwerk_agb: str | None
    perspective: Perspective
    start: date
    end: date
    volume: Decimal
    unit: Unit
    frequency: Frequency
    tariff: Decimal | None
    max_cost: Decimal | None
    budget_cents: int | None
    initiator: Initiator
    predecessor_id: uuid.UUID | None
    status: IndicationStatus
    allocation_number: int | None
    allocated_at: datetime | None
    change_reason: ChangeReason | None
    motivations: dict[str, str]
    findings: tuple[Finding, ...]
    submitted_by: str | None
    submitted_at: datetime | None
    approved_by: str | None
    approved_at: datetime | None
    review_comment: str | None
    requested_on: date | None
    evaluation_due: date | None
    evaluation: EvaluationView | None
    open_requests: int = 0
    #: where the term is counted from (the start of the chain of help it continues)
    term_start: date | None = None
    referral_date: date | None = None
    identity_wish: str | None = None
    chosen_by_family: bool = False
    partner_agreement: str | None = None

    @property
    def unit_code(self) -> str:
        return self.unit.code

    @property
    def frequency_code(self) -> str:
        return self.frequency.code

    @property
    def referrer_code(self) -> str:
        return self.initiator.referrer_code

    @property
    def provider_label(self) -> str:
        if self.maatwerk_name:
            return f"{self.maatwerk_name} (maatwerk)"
        return self.provider_name or (self.provider_agb or "")

    @property
    def volume_text(self) -> str:
        return amount_of_help(self.volume, self.unit, self.frequency)

    def to_json(self) -> dict[str, Any]:
        data = {k: to_json_value(v) for k, v in asdict(self).items()}
        data["goal_ids"] = list(self.goal_ids)
        data["findings"] = [
            {"code": f.code, "severity": f.severity.value, "message": f.message}
            for f in self.findings
        ]
        data["evaluation"] = (
            {k: to_json_value(v) for k, v in asdict(self.evaluation).items()}
            if self.evaluation
            else None
        )
        return data


@dataclass(frozen=True)
class PendingIndicationView:
    """An indication waiting for a team lead (review seam)."""

    id: uuid.UUID
    household_id: uuid.UUID
    title: str
    submitted_by: str | None
    submitted_at: datetime | None
    findings: str
    motivations: str


def evaluation_view(row: Evaluation) -> EvaluationView:
    return EvaluationView(
        id=row.id,
        indication_id=row.indication_id,
        goal_progress={k: Progress(v) for k, v in (row.goal_progress or {}).items()},
        progress=Progress(row.progress),
        decision=EvaluationDecision(row.decision),
        notes=row.notes,
        evaluated_by=row.evaluated_by,
        evaluated_on=row.evaluated_on,
    )


def request_view(row: ProviderRequest) -> ProviderRequestView:
    return ProviderRequestView(
        id=row.id,
        indication_id=row.indication_id,
        household_id=row.household_id,
        kind=row.kind,
        requested_end=row.requested_end,
        requested_volume=row.requested_volume,
        reason=row.reason,
        received_on=row.received_on,
        answer_due=row.answer_due,
        status=RequestStatus(row.status),
        answer=row.answer,
        assessed_by=row.assessed_by,
    )


def findings_from_json(data: list[Any] | None) -> tuple[Finding, ...]:
    return tuple(
        Finding(item["code"], Severity(item["severity"]), item["message"], item.get("field"))
        for item in data or []
    )


def findings_to_json(findings: tuple[Finding, ...] | list[Finding]) -> list[dict[str, Any]]:
    return [
        {"code": f.code, "severity": f.severity.value, "message": f.message, "field": f.field}
        for f in findings
    ]


class IndicationColumns(SimpleNamespace):
    """An indication's columns as attributes, for a row written without the ORM (a new
    concept, see ``storage.indication_writes``): :func:`indication_view` reads either."""


def indication_view(
    row: Indication | IndicationColumns,
    person_name: str = "",
    evaluation: Evaluation | None = None,
    open_requests: int = 0,
) -> IndicationView:
    return IndicationView(
        id=row.id,
        version=row.version,
        household_id=row.household_id,
        person_id=row.person_id,
        person_name=person_name,
        gemeente_code=row.gemeente_code,
        goal_ids=tuple(row.goal_ids or ()),
        segment=row.segment,
        product_code=row.product_code,
        product_name=row.product_name,
        product_category=row.product_category,
        provider_id=row.provider_id,
        provider_agb=row.provider_agb,
        provider_name=row.provider_name,
        maatwerk_name=row.maatwerk_name,
        maatwerk_agb=row.maatwerk_agb,
        perspective=Perspective(row.perspective),
        start=row.start_date,
        end=row.end_date,
        volume=row.volume,
        unit=Unit(row.unit),
        frequency=Frequency(row.frequency),
        tariff=row.tariff,
        max_cost=row.max_cost,
        budget_cents=row.budget_cents,
        initiator=Initiator(row.initiator),
        predecessor_id=row.predecessor_id,
        status=IndicationStatus(row.status),
        allocation_number=row.allocation_number,
        allocated_at=row.allocated_at,
        change_reason=ChangeReason(row.change_reason) if row.change_reason else None,
        motivations=dict(row.motivations or {}),
        findings=findings_from_json(row.findings),
        submitted_by=row.submitted_by,
        submitted_at=row.submitted_at,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        review_comment=row.review_comment,
        requested_on=row.requested_on,
        evaluation_due=row.evaluation_due,
        evaluation=evaluation_view(evaluation) if evaluation is not None else None,
        open_requests=open_requests,
        term_start=row.term_start,
        referral_date=row.referral_date,
        identity_wish=row.identity_wish,
        chosen_by_family=bool(row.chosen_by_family),
        partner_agreement=row.partner_agreement,
    )


def _local(moment: datetime | None) -> datetime | None:
    """iJw dates and times are Dutch local time; stored timestamps are UTC."""
    if moment is None:
        return None
    try:
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo("Europe/Amsterdam"))
    except Exception:  # no time zone data on this system: keep UTC
        return moment


def to_jw301(indication: IndicationView, previous: AllocationTerms | None = None) -> dict[str, Any]:
    """The iJw JW301 toewijzing fields of an indication (without loss).

    ``omvang`` carries volume, unit code (WJ756) and frequency code (WMO757), or
    ``budget`` the whole budget in eurocent: never both (CD077/CD078, see
    :func:`jeugdtoegang.domain.ijw_codes.omvang_or_budget`). ``reden_wijziging`` (JZ002)
    follows from what changed since ``previous``, the terms the provider last received;
    without it the allocation is initial and carries no reason (IV066).
    """
    terms = allocation_terms(indication)
    omvang, budget = omvang_or_budget(
        indication.volume, indication.unit, indication.frequency, indication.budget_cents
    )
    reason = change_reason(previous, terms, cause_of(indication.change_reason))
    allocated = _local(indication.allocated_at)
    return {
        "toewijzingnummer": indication.allocation_number,
        "gemeente": indication.gemeente_code,
        "productcategorie": indication.product_category,
        "productcode": indication.product_code,
        "aanbieder_agb": indication.maatwerk_agb or indication.provider_agb,
        "toewijzingsdatum": allocated.date().isoformat() if allocated else None,
        "toewijzingstijd": allocated.strftime("%H:%M:%S") if allocated else None,
        "ingangsdatum": indication.start.isoformat(),
        "einddatum": indication.end.isoformat(),
        "reden_wijziging": reason.value if reason else None,
        "omvang": (
            {"volume": omvang.volume, "eenheid": omvang.eenheid, "frequentie": omvang.frequentie}
            if omvang
            else None
        ),
        "budget": budget,
        "verwijzer": indication.referrer_code,
    }


def allocation_terms(indication: IndicationView) -> AllocationTerms:
    """The JW301 terms of an indication, to compare with what a provider received."""
    return AllocationTerms(
        start=indication.start,
        end=indication.end,
        volume=indication.volume,
        unit_code=indication.unit_code,
        frequency_code=indication.frequency_code,
        budget_cents=indication.budget_cents,
    )
