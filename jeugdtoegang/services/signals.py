"""Signals for consultants and team leads: what needs attention on a given day.

Evaluations due (within the profile's window) or overdue, terms ending, jeugdigen turning
18 without an 18+ perspective, provider budgets passed, providers' requests to answer
(5 working days) and requests nearing the Awb decision term (8 weeks).

Set-based: one query per kind of signal over an indexed date window (end dates, birth
dates, request dates, open requests) or the maintained budget aggregate; nothing reads
every household or person.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission, require
from jeugdtoegang.domain.budget import half_year
from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.domain.requests import decision_term
from jeugdtoegang.domain.terms import births_turning_18_within, eighteenth_birthday
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_inputs import has_18plus_perspective
from jeugdtoegang.storage import signal_queries as q
from jeugdtoegang.storage.caseload_queries import dossier_numbers
from jeugdtoegang.storage.snapshot import to_json_value

#: how close to the Awb deadline a request without a decision starts to signal
AWB_WARNING_DAYS = 14


class SignalKind(StrEnum):
    EVALUATIE = "evaluatie"
    EVALUATIE_TE_LAAT = "evaluatie_te_laat"
    OVERBRUGGING = "overbrugging"
    TERMIJN_EINDIGT = "termijn_eindigt"
    TERMIJN_VERLOPEN = "termijn_verlopen"
    WORDT_18 = "wordt_18"
    BUDGET = "budget"
    VERZOEK_AANBIEDER = "verzoek_aanbieder"
    AWB_TERMIJN = "awb_termijn"
    AANVRAAG_TERMIJN = "aanvraag_termijn"
    IJW_VERZOEK = "ijw_verzoek"
    GEEN_START = "geen_start"

    @property
    def label(self) -> str:
        return {
            "evaluatie": "Evaluatie nodig",
            "evaluatie_te_laat": "Evaluatie te laat",
            "overbrugging": "Wachttijd: overbruggingszorg",
            "termijn_eindigt": "Termijn loopt af",
            "termijn_verlopen": "Termijn verlopen",
            "wordt_18": "Wordt 18",
            "budget": "Budget aanbieder",
            "verzoek_aanbieder": "Verzoek aanbieder",
            "awb_termijn": "Beslistermijn",
            "aanvraag_termijn": "Beslistermijn aanvraag",
            "ijw_verzoek": "Verzoek aanbieder (iJw)",
            "geen_start": "Hulp niet gestart",
        }[self.value]


class SignalSeverity(StrEnum):
    INFO = "info"
    AANDACHT = "aandacht"
    URGENT = "urgent"

    @property
    def label(self) -> str:
        return {"info": "Info", "aandacht": "Aandacht", "urgent": "Urgent"}[self.value]

    @property
    def rank(self) -> int:
        return {"urgent": 0, "aandacht": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Signal:
    kind: SignalKind
    severity: SignalSeverity
    household_id: uuid.UUID | None
    person_id: uuid.UUID | None
    title: str
    due_date: date | None
    detail: str
    dossier_number: str = ""
    indication_id: uuid.UUID | None = None
    provider_id: uuid.UUID | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: to_json_value(v) for k, v in asdict(self).items()}


def _name(first: str, tussen: str, surname: str) -> str:
    return " ".join(p for p in (first, tussen, surname) if p)


def _term_signals(session: Session, day: date, window_weeks: int) -> list[Signal]:
    horizon = day + timedelta(weeks=window_weeks)
    rows = q.terms_ending(session, IndicationStatus.AFGEGEVEN.value, horizon)
    signals = []
    for r in rows:
        name = _name(r.first_name, r.tussenvoegsel, r.surname)
        product = r.product_name or r.product_code
        common = {
            "household_id": r.household_id,
            "person_id": r.person_id,
            "due_date": r.end_date,
            "dossier_number": r.dossier_number,
            "indication_id": r.id,
        }
        needs_evaluation = r.evaluated_on is None and (
            r.perspective == "ontwikkeling" or r.evaluation_due is not None
        )
        if needs_evaluation and r.end_date < day:
            signals.append(
                Signal(
                    SignalKind.EVALUATIE_TE_LAAT,
                    SignalSeverity.URGENT,
                    title=f"Evaluatie te laat: {product}",
                    detail=f"{name}: de termijn eindigde op {short_date(r.end_date)} zonder "
                    "evaluatie. Evalueer en besluit over afschalen, afbouwen of beëindigen.",
                    **common,
                )
            )
        elif needs_evaluation:
            signals.append(
                Signal(
                    SignalKind.EVALUATIE,
                    SignalSeverity.AANDACHT,
                    title=f"Evaluatie nodig: {product}",
                    detail=f"{name}: evalueer vóór {short_date(r.end_date)} (einde termijn).",
                    **common,
                )
            )
        elif r.end_date < day:
            signals.append(
                Signal(
                    SignalKind.TERMIJN_VERLOPEN,
                    SignalSeverity.AANDACHT,
                    title=f"Termijn verlopen: {product}",
                    detail=f"{name}: de termijn eindigde op {short_date(r.end_date)}. "
                    "Beëindig de indicatie of zet een vervolg in.",
                    **common,
                )
            )
        else:
            signals.append(
                Signal(
                    SignalKind.TERMIJN_EINDIGT,
                    SignalSeverity.INFO,
                    title=f"Termijn loopt af: {product}",
                    detail=f"{name}: de termijn eindigt op {short_date(r.end_date)}.",
                    **common,
                )
            )
    return signals


def _interim_evaluations(session: Session, day: date, window_weeks: int) -> list[Signal]:
    """Stabilising help and placements are evaluated at the profile's interval (issue 11),
    long before their end: signal when that evaluation date comes near or has passed."""
    horizon = day + timedelta(weeks=window_weeks)
    rows = q.interim_evaluations_due(session, IndicationStatus.AFGEGEVEN.value, horizon)
    signals = []
    for r in rows:
        late = r.evaluation_due < day
        signals.append(
            Signal(
                SignalKind.EVALUATIE_TE_LAAT if late else SignalKind.EVALUATIE,
                SignalSeverity.URGENT if late else SignalSeverity.AANDACHT,
                r.household_id,
                r.person_id,
                f"{'Evaluatie te laat' if late else 'Evaluatie nodig'}: "
                f"{r.product_name or r.product_code}",
                r.evaluation_due,
                f"{_name(r.first_name, r.tussenvoegsel, r.surname)}: tussentijdse evaluatie "
                f"van langdurige hulp, uiterlijk {short_date(r.evaluation_due)}. Doet de hulp "
                "wat bedoeld was?",
                r.dossier_number,
                r.id,
            )
        )
    return signals


def _bridging(session: Session, day: date) -> list[Signal]:
    """Granted help that has not started and waits longer than the region's norm (a
    BRIDGING_CARE finding): the team lead sees it (seeds 000 §3c, 004: overbruggingszorg)."""
    rows = q.waiting_for_bridging_care(
        session, [IndicationStatus.GOEDGEKEURD.value, IndicationStatus.AFGEGEVEN.value], day
    )
    return [
        Signal(
            SignalKind.OVERBRUGGING,
            SignalSeverity.AANDACHT,
            r.household_id,
            r.person_id,
            f"Wachttijd: {r.product_name or r.product_code} bij {r.provider_name}",
            r.start_date,
            f"{_name(r.first_name, r.tussenvoegsel, r.surname)} wacht langer dan de norm. "
            "Is er overbruggingszorg tot de hulp start?",
            r.dossier_number,
            r.id,
        )
        for r in rows
    ]


def _turning_18(session: Session, day: date, months: int) -> list[Signal]:
    earliest, latest = births_turning_18_within(day, months)
    rows = q.young_people_born_between(session, earliest, latest)
    covered = has_18plus_perspective(session, [r.household_id for r in rows], [r.id for r in rows])
    signals = []
    for r in rows:
        if r.id in covered:
            continue
        birthday = eighteenth_birthday(r.birth_date)
        name = _name(r.first_name, r.tussenvoegsel, r.surname)
        signals.append(
            Signal(
                SignalKind.WORDT_18,
                SignalSeverity.URGENT
                if birthday <= day + relativedelta(months=3)
                else SignalSeverity.AANDACHT,
                r.household_id,
                r.id,
                f"{name} wordt 18: perspectief 18+ ontbreekt",
                birthday,
                f"{name} wordt 18 op {short_date(birthday)}. Leg in het perspectiefplan vast hoe "
                "wonen, school of werk, inkomen en zorg na 18 geregeld worden.",
                r.dossier_number,
            )
        )
    return signals


def _budget(session: Session, ctx: AppContext, day: date) -> list[Signal]:
    from jeugdtoegang.services.eligibility import budget_figures

    start, end = half_year(day)
    ids = q.providers_with_budget(session, ctx.profile.slug, start, end)
    signals = []
    for provider_id, figure in budget_figures(session, ctx.profile.slug, ids, day).items():
        if not figure.over:
            continue
        signals.append(
            Signal(
                SignalKind.BUDGET,
                SignalSeverity.AANDACHT,
                None,
                None,
                f"Budget {figure.provider_name} overschreden",
                end,
                figure.text(),
                provider_id=provider_id,
            )
        )
    return signals


def _requests(session: Session, day: date) -> list[Signal]:
    rows = q.open_provider_requests(session)
    signals = []
    for r in rows:
        if r.answer_due < day:
            severity = SignalSeverity.URGENT
        elif r.answer_due <= day + timedelta(days=2):
            severity = SignalSeverity.AANDACHT
        else:
            severity = SignalSeverity.INFO
        signals.append(
            Signal(
                SignalKind.VERZOEK_AANBIEDER,
                severity,
                r.household_id,
                r.person_id,
                f"Verzoek aanbieder beantwoorden: {r.product_name}",
                r.answer_due,
                f"{r.provider_name or 'De aanbieder'} vroeg op {short_date(r.received_on)} om "
                f"{r.kind}. Beoordeel het verzoek en antwoord vóór {short_date(r.answer_due)} "
                "(5 werkdagen).",
                r.dossier_number,
                r.indication_id,
            )
        )
    return signals


def _awb(session: Session, day: date, weeks: int) -> list[Signal]:
    latest_request = day - timedelta(weeks=weeks) + timedelta(days=AWB_WARNING_DAYS)
    open_statuses = [
        IndicationStatus.CONCEPT.value,
        IndicationStatus.INGEDIEND.value,
        IndicationStatus.GOEDGEKEURD.value,
    ]
    rows = q.requested_help_undecided(session, open_statuses, latest_request)
    signals = []
    for r in rows:
        deadline = decision_term(r.requested_on, day, weeks=weeks).due  # Awb 4:13, once
        signals.append(
            Signal(
                SignalKind.AWB_TERMIJN,
                SignalSeverity.URGENT if deadline <= day else SignalSeverity.AANDACHT,
                r.household_id,
                r.person_id,
                f"Beslistermijn {'verstreken' if deadline < day else 'loopt af'}: {r.product_name}",
                deadline,
                f"Aangevraagd op {short_date(r.requested_on)}; beslissen binnen {weeks} weken "
                f"(Awb 4:13), uiterlijk {short_date(deadline)}, of de aanvrager laten weten "
                "wanneer wel.",
                r.dossier_number,
                r.id,
            )
        )
    return signals


def _aanvragen(session: Session, day: date, weeks: int) -> list[Signal]:
    """Open aanvragen whose Awb term (with opschorting and verdaging) ends within
    ``AWB_WARNING_DAYS`` or has passed; the term itself is the domain's (Awb 4:13-4:15)."""
    from jeugdtoegang.services.requests import term_of

    # an open aanvraag received before this date can be near its term (extensions and
    # suspensions only move the term later, so nothing later can be near it)
    latest = day - timedelta(weeks=weeks) + timedelta(days=AWB_WARNING_DAYS)
    rows = q.open_aanvragen_received_by(session, latest)
    signals = []
    for aanvraag, dossier_number in rows:
        term = term_of(aanvraag, day, weeks)
        left = term.days_left(day)
        if term.suspended_now or left > AWB_WARNING_DAYS:
            continue
        overdue = term.overdue(day)
        signals.append(
            Signal(
                SignalKind.AANVRAAG_TERMIJN,
                SignalSeverity.URGENT if overdue or left <= 0 else SignalSeverity.AANDACHT,
                aanvraag.household_id,
                aanvraag.person_id,
                "Beslistermijn aanvraag verstreken"
                if overdue
                else f"Beslistermijn aanvraag: nog {left} {'dag' if left == 1 else 'dagen'}",
                term.due,
                f"Aanvraag ontvangen op {short_date(aanvraag.received_on)}; beslissen uiterlijk "
                f"{short_date(term.due)} (Awb 4:13), of op tijd verdagen (Awb 4:14).",
                dossier_number,
            )
        )
    return signals


def _ijw(session: Session, day: date, norm_weeks: int) -> list[Signal]:
    """JW315/JW317 requests to answer and allocations without a JW305 within the norm."""
    from jeugdtoegang.services.ijw_inbound import ijw_signal_rows

    rows = ijw_signal_rows(session, day, norm_weeks)
    wanted = list({row.household_id for row in rows})
    dossiers = dossier_numbers(session, wanted)
    signals = []
    for row in rows:
        if row.due < day:
            severity = SignalSeverity.URGENT
        elif row.due <= day + timedelta(days=2):
            severity = SignalSeverity.AANDACHT
        else:
            severity = SignalSeverity.INFO
        request = row.kind == "verzoek"
        signals.append(
            Signal(
                SignalKind.IJW_VERZOEK if request else SignalKind.GEEN_START,
                severity,
                row.household_id,
                row.person_id,
                "Verzoek aanbieder beantwoorden (iJw)" if request else "Hulp niet gestart",
                row.due,
                row.detail,
                dossiers.get(row.household_id, ""),
                row.indication_id,
            )
        )
    return signals


def compute_signals(ctx: AppContext, day: date | None = None) -> list[Signal]:
    """All signals on ``day`` (default: today), most urgent and earliest first."""
    require(ctx.actor, Permission.DOSSIER_READ)
    day = day or ctx.today()
    profile = ctx.profile
    with ctx.uow(readonly=True) as uow:
        session = uow.session
        signals = _term_signals(session, day, profile.term_rules.evaluation_window_weeks)
        signals += _interim_evaluations(session, day, profile.term_rules.evaluation_window_weeks)
        signals += _turning_18(session, day, profile.settings.turns_18_horizon_months)
        signals += _budget(session, ctx, day)
        if profile.policies.bridging_care:
            signals += _bridging(session, day)
        signals += _requests(session, day)
        signals += _awb(session, day, profile.settings.awb_decision_weeks)
        signals += _aanvragen(session, day, profile.settings.awb_decision_weeks)
        signals += _ijw(session, day, profile.settings.start_norm_weeks)
        uow.log_access("inzien", "signals", None, [], f"signalen {day.isoformat()}")
    return sorted(
        signals, key=lambda s: (s.severity.rank, s.due_date or date.max, s.dossier_number)
    )
