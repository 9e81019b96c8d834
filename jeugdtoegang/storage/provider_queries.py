"""The reads behind the provider catalogue (``services/providers.py``).

Each function takes an open session and plain values (a region, a day, a filter) and
returns rows with named columns (or ORM objects); the service keeps the use case (the
folded search text, ordering of segments and statuses, the Dutch texts, budget use).
The catalogue holds no personal data, so none of these reads is access-logged.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, exists, or_, select, tuple_
from sqlalchemy.orm import Session

from jeugdtoegang.storage.models.providers import Contract, FreeAccessProvision, Provider

_P = Provider.__table__.c
_C = Contract.__table__.c
_F = FreeAccessProvision.__table__.c

#: How many provider ids one ``IN`` list of :func:`current_contract_kinds` holds at most.
ID_CHUNK = 500


def contract_budgets(
    session: Session, provider_id: uuid.UUID, region: str, start: date, end: date
) -> list[Decimal]:
    """The yearly budgets of the provider's contracts in the region valid in ``start..end``
    (contracts without a budget left out)."""
    return list(
        session.execute(
            select(_C.budget_year).where(
                _C.provider_id == provider_id,
                _C.region_slug == region,
                _C.valid_from <= end,
                (_C.valid_to.is_(None)) | (_C.valid_to >= start),
                _C.budget_year.is_not(None),
            )
        ).scalars()
    )


def _current(region: str, today: date) -> ColumnElement[bool]:
    """A contract of the region that is current on ``today`` or starts later."""
    return and_(_C.region_slug == region, or_(_C.valid_to.is_(None), _C.valid_to >= today))


def catalogue_page(
    session: Session,
    wanted: str,
    region: str,
    today: date,
    *,
    segment: str | None = None,
    status: str | None = None,
    after: tuple[str, str] | None = None,
    limit: int | None = None,
) -> Sequence[Row[Any]]:
    """Providers whose search name contains ``wanted`` (folded) or whose AGB starts with it,
    with a current contract of ``segment`` / ``status`` when given, ordered by (search name,
    AGB), after the key ``after``, at most ``limit``.

    Columns: id, agb, name, identity, search_name.
    """
    current = _current(region, today)
    query = select(_P.id, _P.agb, _P.name, _P.identity, _P.search_name).order_by(
        _P.search_name, _P.agb
    )
    if wanted:
        query = query.where(
            or_(_P.search_name.contains(wanted, autoescape=True), _P.agb.startswith(wanted))
        )
    for column, value in ((_C.segment, segment), (_C.status, status)):
        if value:
            query = query.where(exists().where(_C.provider_id == _P.id, current, column == value))
    if after is not None:
        query = query.where(tuple_(_P.search_name, _P.agb) > tuple_(*after))
    if limit is not None:
        query = query.limit(limit)
    return session.execute(query).all()


def current_contract_kinds(
    session: Session, region: str, today: date, provider_ids: Sequence[uuid.UUID] | None
) -> list[Row[Any]]:
    """(provider id, segment, status) of every current contract in the region: of these
    providers (in ``IN`` lists of :data:`ID_CHUNK`), or of all providers when ``None``."""
    query = select(_C.provider_id, _C.segment, _C.status).where(_current(region, today))
    if provider_ids is None:
        return list(session.execute(query))
    return [
        row
        for start in range(0, len(provider_ids), ID_CHUNK)
        for row in session.execute(
            query.where(_C.provider_id.in_(provider_ids[start : start + ID_CHUNK]))
        )
    ]


def region_contracts(session: Session, provider_id: uuid.UUID, region: str) -> list[Contract]:
    """The provider's contracts in the region, by segment, product code and start."""
    return list(
        session.execute(
            select(Contract)
            .where(Contract.provider_id == provider_id, Contract.region_slug == region)
            .order_by(Contract.segment, Contract.product_code, Contract.valid_from)
        ).scalars()
    )


def provider_id_by_agb(session: Session, agb: str) -> uuid.UUID | None:
    """The id of the provider with this AGB code, if any."""
    return session.execute(select(_P.id).where(_P.agb == agb)).scalar_one_or_none()


def free_access_rows(session: Session, municipality: str | None) -> Sequence[Row[Any]]:
    """Free access provisions (of one municipality when given), by municipality and name.

    Columns: id, municipality, name, themes, group_offer, contact.
    """
    query = select(_F.id, _F.municipality, _F.name, _F.themes, _F.group_offer, _F.contact)
    if municipality:
        query = query.where(_F.municipality == municipality)
    return session.execute(query.order_by(_F.municipality, _F.name)).all()
