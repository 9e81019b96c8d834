"""Catalogue queries: browse and search providers, a provider's contracts and budget use.

The catalogue holds no personal data, so reads are not written to the audit log.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.dutch import money
from jeugdtoegang.domain.providers import ContractStatus, split_list
from jeugdtoegang.domain.text import fold
from jeugdtoegang.errors import NotFoundError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import provider_queries
from jeugdtoegang.storage.commitments import committed_by_month
from jeugdtoegang.storage.models.providers import Provider

#: Where the indications area provides the sum of max costs per provider (first found wins).
COMMITTED_SOURCES = (
    "jeugdtoegang.services.indications",
    "jeugdtoegang.services.indication_inputs",
)


@dataclass(frozen=True)
class ProviderRow:
    """One provider in the catalogue list."""

    id: uuid.UUID
    agb: str
    naam: str
    identity: str | None
    segments: tuple[str, ...]
    statuses: tuple[str, ...]
    contracts: int

    @property
    def status_text(self) -> str:
        return ", ".join(ContractStatus(s).label for s in self.statuses) or "geen lopend contract"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "agb": self.agb,
            "naam": self.naam,
            "identiteit": self.identity,
            "segmenten": list(self.segments),
            "statussen": list(self.statuses),
            "contracten": self.contracts,
        }


@dataclass(frozen=True)
class ContractView:
    id: uuid.UUID
    version: int
    segment: str
    product_code: str
    product_name: str
    vorm: str | None
    themes: tuple[str, ...]
    unit: str
    tariff: Decimal
    valid_from: date
    valid_to: date | None
    municipalities: str
    preferred_wijken: str
    group_offer: bool
    waiting_weeks: int | None
    budget_year: Decimal | None
    status: str

    def is_current(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


@dataclass(frozen=True)
class BudgetUse:
    """Budget of a provider for a year against the max costs of its indications."""

    year: int
    budget: Decimal | None
    committed: Decimal

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.committed

    @property
    def percent(self) -> int | None:
        if not self.budget:
            return None
        return int(self.committed * 100 / self.budget)

    @property
    def text(self) -> str:
        if self.budget is None:
            return f"Geen budget vastgelegd voor {self.year}; verplicht: {money(self.committed)}."
        return (
            f"Budget {self.year}: {money(self.budget)}; verplicht "
            f"{money(self.committed)} ({self.percent}%); "
            f"ruimte {money(self.remaining or Decimal(0))}."
        )


@dataclass(frozen=True)
class ProviderDetail:
    id: uuid.UUID
    version: int
    agb: str
    naam: str
    kvk: str | None
    contact: str
    identity: str | None
    contracts: tuple[ContractView, ...]
    budget: BudgetUse

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "agb": self.agb,
            "naam": self.naam,
            "kvk": self.kvk,
            "contact": self.contact,
            "identiteit": self.identity,
            "budget": {
                "jaar": self.budget.year,
                "budget": self.budget.budget,
                "verplicht": self.budget.committed,
            },
            "contracten": [
                {
                    "segment": c.segment,
                    "productcode": c.product_code,
                    "productnaam": c.product_name,
                    "tarief": c.tariff,
                    "eenheid": c.unit,
                    "geldig_van": c.valid_from,
                    "geldig_tot": c.valid_to,
                    "gemeenten": c.municipalities,
                    "status": c.status,
                }
                for c in self.contracts
            ],
        }


@dataclass(frozen=True)
class FreeAccessView:
    id: uuid.UUID
    municipality: str
    naam: str
    themes: tuple[str, ...]
    group_offer: bool
    contact: str


# -- committed amounts (seam to the indications area) ---------------------------------------


def _committed_function() -> Callable[..., dict[uuid.UUID, Decimal]] | None:
    for name in COMMITTED_SOURCES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        function = getattr(module, "committed_by_provider", None)
        if function is not None:
            return function  # type: ignore[no-any-return]
    return None


def committed_in_session(
    session: Session, provider_ids: Iterable[uuid.UUID], start: date, end: date
) -> dict[uuid.UUID, Decimal]:
    """Sum of the max costs of indications per provider in ``start..end`` (0 when none)."""
    ids = list(provider_ids)
    stored = committed_by_month(session, ids, start, end)  # whole months: the aggregate
    if stored is not None:
        return {provider_id: stored.get(provider_id, Decimal(0)) for provider_id in ids}
    function = _committed_function()
    found = function(session, ids, start, end) if function is not None and ids else {}
    return {provider_id: found.get(provider_id, Decimal(0)) for provider_id in ids}


def committed_amounts(
    ctx: AppContext, provider_ids: Iterable[uuid.UUID], period: tuple[date, date]
) -> dict[uuid.UUID, Decimal]:
    """Committed money per provider in the period (start, end), for budget signals."""
    with ctx.uow(readonly=True) as uow:
        return committed_in_session(uow.session, provider_ids, *period)


def year_period(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def provider_budget(
    session: Session, provider_id: uuid.UUID, region: str, year: int
) -> Decimal | None:
    """The provider's budget for a year: the sum over its contracts valid in that year."""
    amounts = provider_queries.contract_budgets(session, provider_id, region, *year_period(year))
    return sum(amounts, Decimal(0)) if amounts else None


# -- queries --------------------------------------------------------------------------------


def list_providers(
    ctx: AppContext,
    text: str = "",
    *,
    segment: str | None = None,
    status: str | None = None,
    after: tuple[str, str] | None = None,
    limit: int | None = None,
) -> list[ProviderRow]:
    """Providers of the region, filtered by name/AGB text, segment and status.

    Segments and statuses count only contracts that are current or start later. Filters
    run in SQL, so ``limit`` gives full pages; pass ``after`` = (search name, AGB) of the
    last row shown for the next page by key (index on ``search_name``).
    """
    today = ctx.today()
    wanted = fold(text)
    region = ctx.profile.slug
    with ctx.uow(readonly=True) as uow:
        providers = provider_queries.catalogue_page(
            uow.session,
            wanted,
            region,
            today,
            segment=segment,
            status=status,
            after=after,
            limit=limit,
        )
        # a page reads the contracts of its own providers only; the whole list reads all
        page_ids = [p[0] for p in providers] if limit is not None else None
        contracts = provider_queries.current_contract_kinds(uow.session, region, today, page_ids)
    per_provider: dict[uuid.UUID, list[tuple[str, str]]] = {}
    for provider_id, seg, stat in contracts:
        per_provider.setdefault(provider_id, []).append((seg, stat))
    order = {s: i for i, s in enumerate(ctx.profile.segment_ids)}
    rows = []
    for provider_id, agb, name, identity, search_name in providers:
        if wanted and wanted not in search_name and not agb.startswith(wanted):
            continue
        items = per_provider.get(provider_id, [])
        segments = tuple(sorted({s for s, _ in items}, key=lambda s: order.get(s, 99)))
        statuses = tuple(sorted({st for _, st in items}, key=lambda st: st != "actief"))
        if segment and segment not in segments:
            continue
        if status and status not in statuses:
            continue
        rows.append(ProviderRow(provider_id, agb, name, identity, segments, statuses, len(items)))
    return rows


def page_key(row: ProviderRow) -> tuple[str, str]:
    """The ``after`` key of a provider row for the next page of :func:`list_providers`."""
    return fold(row.naam), row.agb


def _contract_view(row: Any) -> ContractView:
    return ContractView(
        id=row.id,
        version=row.version,
        segment=row.segment,
        product_code=row.product_code,
        product_name=row.product_name,
        vorm=row.vorm,
        themes=split_list(row.themes),
        unit=row.unit,
        tariff=row.tariff,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        municipalities=row.municipalities,
        preferred_wijken=row.preferred_wijken,
        group_offer=row.group_offer,
        waiting_weeks=row.waiting_weeks,
        budget_year=row.budget_year,
        status=row.status,
    )


def get_provider(
    ctx: AppContext, provider_id: uuid.UUID, *, year: int | None = None
) -> ProviderDetail:
    """A provider with its contracts in the region and its budget use for the year."""
    year = year or ctx.today().year
    region = ctx.profile.slug
    with ctx.uow(readonly=True) as uow:
        provider = uow.get(Provider, provider_id)
        if provider is None:
            raise NotFoundError("Deze aanbieder bestaat niet (meer).")
        contracts = provider_queries.region_contracts(uow.session, provider_id, region)
        views = tuple(_contract_view(c) for c in contracts)
        budget = provider_budget(uow.session, provider_id, region, year)
        committed = committed_in_session(uow.session, [provider_id], *year_period(year))
        return ProviderDetail(
            id=provider.id,
            version=provider.version,
            agb=provider.agb,
            naam=provider.name,
            kvk=provider.kvk,
            contact=provider.contact,
            identity=provider.identity,
            contracts=views,
            budget=BudgetUse(year, budget, committed[provider_id]),
        )


def find_provider_id(ctx: AppContext, agb: str) -> uuid.UUID | None:
    with ctx.uow(readonly=True) as uow:
        return provider_queries.provider_id_by_agb(uow.session, agb.strip())


def list_free_access(ctx: AppContext, gemeente: str | None = None) -> list[FreeAccessView]:
    """Voorliggende voorzieningen, optionally of one municipality."""
    with ctx.uow(readonly=True) as uow:
        rows = provider_queries.free_access_rows(uow.session, gemeente)
    return [FreeAccessView(r[0], r[1], r[2], split_list(r[3]), r[4], r[5]) for r in rows]
