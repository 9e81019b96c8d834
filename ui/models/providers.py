"""Table models of the provider catalogue, the selection and the import preview."""

from __future__ import annotations

from typing import Any

from jeugdtoegang.domain.dutch import money, short_date
from jeugdtoegang.domain.providers import (
    ContractStatus,
    ExcludedProvider,
    RankedProvider,
    VoorliggendOffer,
)
from jeugdtoegang.errors import FieldError
from jeugdtoegang.services.providers import ContractView, ProviderRow
from ui.models.rows import RowsModel


def _weeks(weeks: int | None) -> str:
    if weeks is None:
        return "onbekend"
    return f"{weeks} {'week' if weeks == 1 else 'weken'}"


def _period(c: ContractView) -> str:
    end = short_date(c.valid_to) if c.valid_to else "onbepaald"
    return f"{short_date(c.valid_from)} t/m {end}"


def _places(text: str) -> str:
    return "alle gemeenten" if text == "*" else text.replace("|", ", ")


def provider_model(parent: Any = None) -> RowsModel[ProviderRow]:
    return RowsModel(
        [
            ("AGB", lambda r: r.agb),
            ("Naam", lambda r: r.naam),
            ("Segmenten", lambda r: ", ".join(r.segments)),
            ("Status", lambda r: r.status_text),
            ("Identiteit", lambda r: r.identity or ""),
            ("Contracten", lambda r: r.contracts),
        ],
        parent,
    )


def contract_model(parent: Any = None) -> RowsModel[ContractView]:
    return RowsModel(
        [
            ("Segment", lambda c: c.segment),
            ("Product", lambda c: f"{c.product_code} {c.product_name}"),
            ("Tarief", lambda c: f"{money(c.tariff)} per {c.unit}"),
            ("Geldig", _period),
            ("Gemeenten", lambda c: _places(c.municipalities)),
            ("Preferent in", lambda c: _places(c.preferred_wijken) if c.preferred_wijken else ""),
            ("Groep", lambda c: "ja" if c.group_offer else ""),
            ("Wachttijd", lambda c: _weeks(c.waiting_weeks)),
            ("Status", lambda c: ContractStatus(c.status).label),
        ],
        parent,
    )


def ranked_model(parent: Any = None) -> RowsModel[RankedProvider]:
    return RowsModel(
        [
            ("Nr.", lambda p: p.rank),
            ("Aanbieder", lambda p: p.naam),
            ("AGB", lambda p: p.agb),
            ("Wachttijd", lambda p: _weeks(p.waiting_weeks)),
            ("Tarief", lambda p: f"{money(p.tariff)} per {p.unit}"),
            ("Waarom", lambda p: " ".join(p.reasons[1:])),
        ],
        parent,
    )


def excluded_model(parent: Any = None) -> RowsModel[ExcludedProvider]:
    return RowsModel(
        [
            ("Aanbieder", lambda p: p.naam),
            ("AGB", lambda p: p.agb),
            ("Waarom niet", lambda p: " ".join(p.reasons)),
        ],
        parent,
    )


def voorliggend_model(parent: Any = None) -> RowsModel[VoorliggendOffer]:
    return RowsModel(
        [
            ("Voorziening", lambda v: v.naam),
            ("Soort", lambda v: "groep" if v.group_offer else "individueel"),
            ("Thema's", lambda v: ", ".join(v.themes)),
        ],
        parent,
    )


def error_model(parent: Any = None) -> RowsModel[FieldError]:
    return RowsModel(
        [
            ("Rij", lambda e: e.row if e.row is not None else ""),
            ("Kolom", lambda e: e.field),
            ("Melding", lambda e: e.message),
        ],
        parent,
    )
