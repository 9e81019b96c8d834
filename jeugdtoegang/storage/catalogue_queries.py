"""The reads behind the catalogue import (``services/catalogue_import.py``).

The import compares every file row with what is stored; these reads fetch only the
columns that comparison needs, one statement per table (contracts per region).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.models.providers import Contract, FreeAccessProvision, Provider


def stored_providers(session: Session) -> dict[str, Row[Any]]:
    """AGB → (id, agb, name, kvk, contact, identity) of every stored provider."""
    p = Provider.__table__.c
    return {
        r.agb: r
        for r in session.execute(select(p.id, p.agb, p.name, p.kvk, p.contact, p.identity)).all()
    }


def stored_contracts(
    session: Session, region: str, fields: Sequence[str]
) -> dict[tuple[Any, ...], Row[Any]]:
    """(provider id, segment, product code, valid from) → the compared ``fields`` (and the
    key and id) of a region's stored contracts."""
    c = Contract.__table__.c
    return {
        (r.provider_id, r.segment, r.product_code, r.valid_from): r
        for r in session.execute(
            select(
                c.id,
                c.provider_id,
                c.segment,
                c.product_code,
                c.valid_from,
                *(c[name] for name in fields),
            ).where(c.region_slug == region)
        ).all()
    }


def contracts_by_ids(session: Session, ids: Sequence[uuid.UUID]) -> list[Contract]:
    """The contracts with these ids (one ``IN`` statement)."""
    return list(session.execute(select(Contract).where(Contract.id.in_(ids))).scalars())


def stored_provisions(session: Session, fields: Sequence[str]) -> dict[tuple[str, str], Row[Any]]:
    """(municipality, folded name) → the compared ``fields`` (and id) of every stored free
    access provision."""
    f = FreeAccessProvision.__table__.c
    return {
        (r.municipality, r.name.casefold()): r
        for r in session.execute(
            select(f.id, f.municipality, f.name, *(f[n] for n in fields))
        ).all()
    }
