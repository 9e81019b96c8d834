"""Team reports: the figures behind the dashboard and ``jeugdtoegang report NAME``.

Each report is one function registered under a stable name; it gets an open read session,
the context and a :class:`ReportFilter` (municipality, segment, period) and returns a
:class:`Report`: categories with one or more series of numbers, ready for a chart, a
table, CSV or JSON. A new chart is added by registering one more function here; the GUI
draws whatever is registered.

Reports hold counts and amounts only, never personal data: the functioneel beheerder may
see them too. Money figures reuse the existing functions (``committed_by_provider``,
``half_year``); stored maximum costs are never recomputed.

The report types (``Report``, ``ReportFilter``, ``Series``) live in ``report_model`` and
are re-exported here for the GUI, the CLI and the tests.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission, can, refusal
from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.indications import EvaluationDecision, IndicationStatus, Progress
from jeugdtoegang.errors import FieldError, ValidationError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.report_model import Report, ReportFilter, Series, csv_number
from jeugdtoegang.storage import report_queries as q

__all__ = [
    "REPORTS",
    "Report",
    "ReportFilter",
    "Series",
    "dashboard",
    "dashboard_csv",
    "run_report",
]
#: statuses that mean help was granted (counted as running help and commitments)
GRANTED = (IndicationStatus.GOEDGEKEURD.value, IndicationStatus.AFGEGEVEN.value)
LIVE = (
    IndicationStatus.CONCEPT.value,
    IndicationStatus.INGEDIEND.value,
    IndicationStatus.GOEDGEKEURD.value,
    IndicationStatus.AFGEGEVEN.value,
)


@dataclass(frozen=True)
class ReportSpec:
    key: str
    title: str
    compute: Callable[[Session, AppContext, ReportFilter], Report]
    #: shown only to roles that read dossiers (needs no personal data, but names people)
    names_people: bool = field(default=False)


REPORTS: dict[str, ReportSpec] = {}


def report(key: str, title: str, *, names_people: bool = False):  # type: ignore[no-untyped-def]
    """Register a report function under ``key`` (the CLI name and the dashboard order)."""

    def register(function):  # type: ignore[no-untyped-def]
        REPORTS[key] = ReportSpec(key, title, function, names_people)
        return function

    return register


def _require_reader(ctx: AppContext) -> None:
    if not any(
        can(ctx.actor, p) for p in (Permission.APPROVE, Permission.USERS_MANAGE, Permission.EXPORT)
    ):
        raise refusal(
            "Rapportages zijn voor de teamleider en de functioneel beheerder. "
            "Vraag uw teamleider om de cijfers.",
            "rapportage",
        )


def _gemeente_code(ctx: AppContext, flt: ReportFilter) -> str | None:
    if not flt.gemeente:
        return None
    for municipality in ctx.profile.municipalities:
        if municipality.name.casefold() == flt.gemeente.strip().casefold():
            return municipality.cbs_code
    names = ", ".join(m.name for m in ctx.profile.municipalities)
    raise ValidationError(
        FieldError("gemeente", f"Gemeente '{flt.gemeente}' hoort niet bij deze regio ({names}).")
    )


def validate_filter(ctx: AppContext, flt: ReportFilter) -> None:
    """Refuse an unknown municipality or segment, or a period that ends before it starts."""
    _gemeente_code(ctx, flt)
    if flt.segment and flt.segment not in ctx.profile.segment_ids:
        raise ValidationError(
            FieldError(
                "segment",
                f"Segment '{flt.segment}' bestaat niet in deze regio "
                f"(kies uit: {', '.join(ctx.profile.segment_ids)}).",
            )
        )
    if flt.start and flt.end and flt.end < flt.start:
        raise ValidationError(FieldError("tot", "De periode eindigt vóór het begin."))


def _scope(ctx: AppContext, flt: ReportFilter) -> q.IndicationScope:
    """The filter as plain values for the storage reads (period: term overlaps it)."""
    return q.IndicationScope(_gemeente_code(ctx, flt), flt.segment, flt.start, flt.end)


def _decimals(values: list[int] | list[Decimal]) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


@report("caseload", "Caseload per consulent")
def caseload(session: Session, ctx: AppContext, flt: ReportFilter) -> Report:
    """Open dossiers per responsible consultant (the creator when none is set)."""
    # the caseload is today's: the period does not apply
    rows = sorted(
        q.open_dossiers_per_responsible(session, _gemeente_code(ctx, flt), flt.segment, LIVE),
        key=lambda r: (-r[1], r[0]),
    )
    names = q.display_names(session, [r[0] for r in rows])
    return Report(
        "caseload",
        REPORTS["caseload"].title,
        "bar",
        "aantal",
        tuple(names.get(r[0]) or str(r[0]) for r in rows),  # the person's name, not a login
        (Series("Dossiers", _decimals([r[1] for r in rows])),),
        note="Open dossiers per verantwoordelijke consulent, stand van vandaag.",
    )


QUEUE_BUCKETS = (("0–2 dagen", 2), ("3–7 dagen", 7), ("8–14 dagen", 14), ("langer", None))


@report("queue-age", "Te beoordelen naar wachttijd")
def queue_age(session: Session, ctx: AppContext, flt: ReportFilter) -> Report:
    """Items waiting for the team lead, by how long they have waited.

    The same three sets as the review queue (submitted plans, indications and decision
    drafts), read as submission times only: the dashboard needs no item details.
    """
    moments = q.review_submission_moments(session)
    today = ctx.today()
    counts: Counter[str] = Counter()
    for moment in moments:
        waited = (today - moment.date()).days if moment else 0
        for label, limit in QUEUE_BUCKETS:
            if limit is None or waited <= limit:
                counts[label] += 1
                break
    labels = tuple(label for label, _ in QUEUE_BUCKETS)
    return Report(
        "queue-age",
        REPORTS["queue-age"].title,
        "bar",
        "aantal",
        labels,
        (Series("Items", _decimals([counts[label] for label in labels])),),
        note="Plannen, indicaties en beschikkingen die wachten op een teamleider.",
    )


def _month(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def _months_between(first: date, last: date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _period(ctx: AppContext, flt: ReportFilter) -> tuple[date, date]:
    today = ctx.today()
    end = flt.end or today
    start = flt.start or date(end.year - 1, end.month, 1) + timedelta(days=31)
    return date(start.year, start.month, 1), end


@report("tenzij", "Aandeel tenzij-verlengingen")
def tenzij_share(session: Session, ctx: AppContext, flt: ReportFilter) -> Report:
    """Per start month: development indications, and those longer than the term ("tenzij")."""
    start, end = _period(ctx, flt)
    rows = q.development_starts_with_tenzij(
        session, _scope(ctx, flt), (*GRANTED, IndicationStatus.BEEINDIGD.value), start, end
    )
    months = _months_between(start, end)
    total: Counter[str] = Counter()
    tenzij: Counter[str] = Counter()
    for start_date, is_longer in rows:
        month = _month(start_date)
        total[month] += 1
        if is_longer:
            tenzij[month] += 1
    share = [
        (Decimal(tenzij[m] * 100) / total[m]).quantize(Decimal("0.1")) if total[m] else Decimal(0)
        for m in months
    ]
    return Report(
        "tenzij",
        REPORTS["tenzij"].title,
        "bar",
        "procent",
        tuple(months),
        (Series("Tenzij (%)", tuple(share)),),
        note=(
            f"{sum(tenzij.values())} van {sum(total.values())} ontwikkelingsgerichte "
            "indicaties kregen een langere termijn (tenzij, met motivering)."
        ),
    )


@report("evaluations", "Evaluaties: te laat en binnenkort")
def evaluations(session: Session, ctx: AppContext, flt: ReportFilter) -> Report:
    """Issued help whose evaluation is overdue, due within 4 weeks, or within 4–8 weeks."""
    today = ctx.today()
    dues = q.open_evaluation_dues(session, _scope(ctx, flt), IndicationStatus.AFGEGEVEN.value)
    labels = ("Te laat", "Binnen 4 weken", "Over 4 tot 8 weken")
    counts: Counter[str] = Counter()
    for due in dues:
        if due < today:
            counts[labels[0]] += 1
        elif due <= today + timedelta(weeks=4):
            counts[labels[1]] += 1
        elif due <= today + timedelta(weeks=8):
            counts[labels[2]] += 1
    return Report(
        "evaluations",
        REPORTS["evaluations"].title,
        "bar",
        "aantal",
        labels,
        (Series("Evaluaties", _decimals([counts[label] for label in labels])),),
    )


@report("outcomes", "Uitkomst van evaluaties")
def outcomes(session: Session, ctx: AppContext, flt: ReportFilter) -> Report:
    """Evaluations in the period by decision, split by progress on the goals."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for decision, progress in q.evaluation_outcomes(session, _scope(ctx, flt)):
        counts[progress][decision] += 1
    decisions = tuple(EvaluationDecision)
    categories = tuple(d.label.split(" (")[0] for d in decisions)
    series = tuple(
        Series(p.label, _decimals([counts[p.value][d.value] for d in decisions])) for p in Progress
    )
    return Report(
        "outcomes",
        REPORTS["outcomes"].title,
        "stacked",
        "aantal",
        categories,
        series,
        note="Per besluit na de evaluatie, verdeeld naar vooruitgang op de doelen.",
    )


@report("reindications", "Herindicaties per maand")
def reindications(session: Session, ctx: AppContext, flt: ReportFilter) -> Report:
    """New help per start month: first help and follow-ups (re-indications)."""
    start, end = _period(ctx, flt)
    rows = q.starts_with_predecessor(
        session, _scope(ctx, flt), (*GRANTED, IndicationStatus.BEEINDIGD.value), start, end
    )
    months = _months_between(start, end)
    first: Counter[str] = Counter()
    again: Counter[str] = Counter()
    for start_date, predecessor in rows:
        (again if predecessor else first)[_month(start_date)] += 1
    return Report(
        "reindications",
        REPORTS["reindications"].title,
        "stacked",
        "aantal",
        tuple(months),
        (
            Series("Eerste inzet", _decimals([first[m] for m in months])),
            Series("Herindicatie", _decimals([again[m] for m in months])),
        ),
    )


@report("waiting-times", "Gemeten wachttijd per aanbieder (JW305)")
def waiting_times(session: Session, ctx: AppContext, flt: ReportFilter) -> Report:
    """Measured waiting time per provider: median days from request to reported start.

    The days come from the providers' start messages (JW305) against the request or
    allocation date (:func:`ijw_inbound.waiting_days_by_provider`), summarised by the same
    rule as ``jeugdtoegang ijw waiting``; never the catalogue's estimate. Longest first;
    the filter narrows to a municipality, a segment and starts within the period.
    """
    from jeugdtoegang.services.ijw_inbound import summarise_waiting, waiting_days_by_provider

    measured = summarise_waiting(
        waiting_days_by_provider(
            session,
            gemeente_code=_gemeente_code(ctx, flt),
            segment=flt.segment,
            started_from=flt.start,
            started_until=flt.end,
        )
    )
    names = q.provider_names_by_agb(session, measured)
    rows = sorted(measured.values(), key=lambda w: (-w.median_days, w.provider_agb))[:15]
    starts = sum(w.starts for w in measured.values())
    return Report(
        "waiting-times",
        REPORTS["waiting-times"].title,
        "bar",
        "dagen",
        tuple(f"{names.get(w.provider_agb) or w.provider_agb} ({w.starts})" for w in rows),
        (
            Series("Mediaan", tuple(Decimal(str(w.median_days)) for w in rows)),
            Series("Gemiddeld", tuple(Decimal(str(round(w.mean_days, 1))) for w in rows)),
        ),
        note=(
            f"Dagen van aanvraag tot de start die de aanbieder meldde (JW305); {starts} "
            "gemelde starts. Tussen haakjes het aantal starts per aanbieder."
            if rows
            else ""
        ),
        empty_text="Nog geen startberichten (JW305) van aanbieders: geen gemeten wachttijd.",
    )


@report("budget", "Verplichtingen per aanbieder en halfjaarbudget")
def budget(session: Session, ctx: AppContext, flt: ReportFilter) -> Report:
    """Commitments this half-year per provider against half its yearly budget (the signal)."""
    from jeugdtoegang.domain.budget import half_year
    from jeugdtoegang.services.indication_inputs import committed_by_provider

    start, end = half_year(flt.end or ctx.today())
    # as the budget signal does: a provider's largest yearly budget among its contracts
    budgets: dict[Any, Decimal] = defaultdict(Decimal)
    names: dict[Any, str] = {}
    for provider_id, name, budget_year in q.contract_budgets(
        session, ctx.profile.slug, start, end, flt.segment
    ):
        budgets[provider_id] = max(budgets[provider_id], Decimal(budget_year))
        names[provider_id] = name
    committed = committed_by_provider(session, budgets, start, end)
    items = sorted(
        (
            (names[pid], committed.get(pid, Decimal(0)), year / 2)
            for pid, year in budgets.items()
            if year > 0
        ),
        key=lambda r: (-(r[1] / r[2]), r[0]),
    )[:15]
    over = sum(1 for _, used, limit in items if used > limit)
    return Report(
        "budget",
        REPORTS["budget"].title,
        "budget",
        "euro",
        tuple(r[0] for r in items),
        (
            Series("Verplichtingen", tuple(r[1] for r in items)),
            Series("Halfjaarbudget", tuple(r[2].quantize(Decimal("0.01")) for r in items)),
        ),
        note=(
            f"Halfjaar {short_date(start)} t/m {short_date(end)}; {over} "
            f"{'aanbieder' if over == 1 else 'aanbieders'} boven het halfjaarbudget "
            "(een sturingssignaal, nooit een reden om nodige hulp te weigeren)."
        ),
    )


def run_report(ctx: AppContext, key: str, flt: ReportFilter | None = None) -> Report:
    """One report by name (refused with a Dutch message for an unknown name or filter)."""
    _require_reader(ctx)
    spec = REPORTS.get(key)
    if spec is None:
        raise ValidationError(
            FieldError("naam", f"Onbekende rapportage '{key}'. Kies uit: {', '.join(REPORTS)}.")
        )
    flt = flt or ReportFilter()
    validate_filter(ctx, flt)
    with ctx.uow(readonly=True) as uow:
        result = spec.compute(uow.session, ctx, flt)
    return _with_filter(result, flt)


def dashboard(ctx: AppContext, flt: ReportFilter | None = None) -> list[Report]:
    """Every registered report in one read transaction (the dashboard's one query round)."""
    _require_reader(ctx)
    flt = flt or ReportFilter()
    validate_filter(ctx, flt)
    with ctx.uow(readonly=True) as uow:
        return [_with_filter(s.compute(uow.session, ctx, flt), flt) for s in REPORTS.values()]


def _with_filter(result: Report, flt: ReportFilter) -> Report:
    from dataclasses import replace

    return replace(result, filter_text=flt.describe())


def dashboard_csv(results: list[Report]) -> str:
    """All charts of the dashboard as one long table (one row per value), ';'-separated."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["rapportage", "filter", "categorie", "reeks", "waarde"])
    for result in results:
        for index, category in enumerate(result.categories):
            for series in result.series:
                writer.writerow(
                    [
                        result.title,
                        result.filter_text,
                        category,
                        series.label,
                        csv_number(series.values[index]),
                    ]
                )
    return out.getvalue()
