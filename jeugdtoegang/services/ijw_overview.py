"""What the iJw exchange shows: providers' requests, the actual start and end of care,
waiting times per provider and the signals that come from the messages.
"""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission, require
from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.domain.terms import add_weeks
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import ijw_queries as q


@dataclass(frozen=True)
class RequestRow:
    id: uuid.UUID
    kind: str
    household_id: uuid.UUID
    person_id: uuid.UUID
    provider_agb: str
    reference: str
    product_code: str | None
    indication_id: uuid.UUID | None
    received_on: date
    answer_due: date
    status: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "bericht": self.kind,
            "household_id": str(self.household_id),
            "aanbieder_agb": self.provider_agb,
            "referentie": self.reference,
            "productcode": self.product_code,
            "indicatie_id": str(self.indication_id) if self.indication_id else None,
            "ontvangen": self.received_on.isoformat(),
            "antwoord_voor": self.answer_due.isoformat(),
            "status": self.status,
        }


def list_requests(ctx: AppContext, status: str | None = None) -> list[RequestRow]:
    require(ctx.actor, Permission.DOSSIER_READ)
    with ctx.uow(readonly=True) as uow:
        rows = q.provider_requests(uow.session, status)
        uow.log_access("inzien", "ijw_request", None, [r.person_id for r in rows], "verzoeken")
        return [
            RequestRow(
                r.id,
                r.kind,
                r.household_id,
                r.person_id,
                r.provider_agb,
                r.reference,
                r.product_code,
                r.indication_id,
                r.received_on,
                r.answer_due,
                r.status,
            )
            for r in rows
        ]


@dataclass(frozen=True)
class ActualTerm:
    started: date | None
    stopped: date | None
    stop_reason: str | None


def actual_term(ctx: AppContext, indication_id: uuid.UUID) -> ActualTerm:
    """The start and end of care as the provider reported them (JW305/JW307)."""
    require(ctx.actor, Permission.DOSSIER_READ)
    with ctx.uow(readonly=True) as uow:
        rows = q.care_events_of_indication(uow.session, indication_id)
        person = q.indication_person(uow.session, indication_id)
        uow.log_access(
            "inzien",
            "indication",
            indication_id,
            [person] if person else [],
            "start en stop van de zorg (iJw)",
        )
    by_kind = {r.kind: r for r in rows}
    stop = by_kind.get("stop")
    return ActualTerm(
        by_kind["start"].day if "start" in by_kind else None,
        stop.day if stop else None,
        stop.reason_code if stop else None,
    )


@dataclass(frozen=True)
class WaitingTime:
    """Real waiting time at one provider: days from request to the reported start."""

    provider_agb: str
    starts: int
    median_days: float
    mean_days: float

    @property
    def median_weeks(self) -> float:
        return round(self.median_days / 7, 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "aanbieder_agb": self.provider_agb,
            "starts": self.starts,
            "mediaan_dagen": self.median_days,
            "gemiddeld_dagen": round(self.mean_days, 1),
            "mediaan_weken": self.median_weeks,
        }


def waiting_days_by_provider(
    session: Session,
    agbs: set[str] | None = None,
    *,
    gemeente_code: str | None = None,
    segment: str | None = None,
    started_from: date | None = None,
    started_until: date | None = None,
) -> dict[str, list[int]]:
    """Per provider AGB the days from request to start of every reported start (JW305).

    The request date is the provider's JW315 the allocation answered, else the date the
    help was asked for, else the allocation date. Optionally narrowed to one municipality,
    one segment and starts in a period (the dashboard's filter).
    """
    rows = q.reported_starts(
        session,
        agbs,
        gemeente_code=gemeente_code,
        segment=segment,
        started_from=started_from,
        started_until=started_until,
    )
    asked = q.answered_jw315_dates(session)
    result: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        requested = (
            asked.get(r.id) or r.requested_on or (r.allocated_at.date() if r.allocated_at else None)
        )
        if requested is not None:
            result[r.provider_agb].append(max((r.day - requested).days, 0))
    return result


def measured_waiting_weeks(session: Session, agbs: set[str]) -> dict[str, int]:
    """Median measured waiting time in whole weeks (rounded up) per provider, if known."""
    if not agbs:
        return {}
    days = waiting_days_by_provider(session, agbs)
    return {agb: -(-int(statistics.median(v)) // 7) for agb, v in days.items() if v}


def waiting_times(ctx: AppContext) -> dict[str, WaitingTime]:
    """Real waiting times per provider (request → reported start), for picker and dashboard."""
    require(ctx.actor, Permission.DOSSIER_READ)
    with ctx.uow(readonly=True) as uow:
        days = waiting_days_by_provider(uow.session)
    return summarise_waiting(days)


def summarise_waiting(days: dict[str, list[int]]) -> dict[str, WaitingTime]:
    """Median and mean per provider of measured waiting days (one rule for CLI and charts)."""
    return {
        agb: WaitingTime(
            agb, len(values), float(statistics.median(values)), statistics.fmean(values)
        )
        for agb, values in days.items()
        if values
    }


@dataclass(frozen=True)
class IjwSignalRow:
    kind: str  # "verzoek" or "geen_start"
    household_id: uuid.UUID
    person_id: uuid.UUID
    indication_id: uuid.UUID | None
    due: date
    detail: str


def ijw_signal_rows(session: Session, day: date, norm_weeks: int) -> list[IjwSignalRow]:
    """Open JW315/JW317 requests and sent allocations without a start within the norm."""
    found: list[IjwSignalRow] = []
    for r in q.open_provider_requests(session):
        found.append(
            IjwSignalRow(
                "verzoek",
                r.household_id,
                r.person_id,
                r.indication_id,
                r.answer_due,
                f"Aanbieder {r.provider_agb} vroeg op {r.received_on:%d-%m-%Y} om "
                f"{'een toewijzing' if r.kind == 'JW315' else 'een wijziging'} ({r.kind}); "
                f"antwoord vóór {r.answer_due:%d-%m-%Y} met een toewijzing of een JW319.",
            )
        )
    limit = add_weeks(day, -norm_weeks)  # started on or before: the norm has passed
    for r in q.sent_allocations_without_start(
        session, IndicationStatus.AFGEGEVEN.value, limit, day
    ):
        found.append(
            IjwSignalRow(
                "geen_start",
                r.household_id,
                r.person_id,
                r.id,
                add_weeks(r.start_date, norm_weeks),
                f"{r.provider_name or 'De aanbieder'} meldde geen start van "
                f"{r.product_name or 'de hulp'} (JW305) binnen {norm_weeks} weken na "
                f"{r.start_date:%d-%m-%Y}. Vraag na of de hulp is begonnen.",
            )
        )
    return found
