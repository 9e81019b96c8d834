"""The reads of provider eligibility and of checking a provider choice (issue 11).

The candidate contracts of a (region, segment, product) and their fingerprint come from
the covering index on ``contract(region_slug, segment, product_code, …)``; they are
:class:`~jeugdtoegang.storage.hot.Prepared` statements (compiled once, run on the
session's own DBAPI connection on SQLite). Rows come back as the domain's plain values
(:class:`ContractFacts`, :class:`FreeAccessFacts`), converted once here.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import String, any_, bindparam, func, literal, select, type_coerce, union_all
from sqlalchemy.orm import Session

from jeugdtoegang.domain.providers import ContractFacts, FreeAccessFacts, split_list
from jeugdtoegang.storage.hot import Prepared, RawReads, connection
from jeugdtoegang.storage.models.providers import Contract, FreeAccessProvision, Provider
from jeugdtoegang.storage.read_ahead import Reads, ServerOnly, take

_P = Provider.__table__.c
_C = Contract.__table__.c
_F = FreeAccessProvision.__table__.c

_COLUMNS = (
    _C.id,
    _C.provider_id,
    _P.agb,
    _P.name,
    _P.identity,
    _C.segment,
    _C.product_code,
    _C.unit,
    # money and dates come back as the driver gives them and are converted once, below
    type_coerce(_C.tariff, String),
    type_coerce(_C.valid_from, String),
    type_coerce(_C.valid_to, String),
    _C.municipalities,
    _C.preferred_wijken,
    _C.themes,
    _C.group_offer,
    _C.waiting_weeks,
    type_coerce(_C.budget_year, String),
    _C.status,
)
_JOINED = select(*_COLUMNS).join(Provider.__table__, _P.id == _C.provider_id)
_PRODUCT = (
    _C.region_slug == bindparam("region"),
    _C.segment == bindparam("segment"),
    _C.product_code == bindparam("product"),
)
#: the candidate contracts of a product (the covering index's range, joined to providers)
CANDIDATES = Prepared(_JOINED.where(*_PRODUCT))
#: a fingerprint of the product's contracts (count and summed versions, from the index):
#: any insert, update or delete changes it
FINGERPRINT = Prepared(
    select(func.count(), func.coalesce(func.sum(_C.version), 0)).where(*_PRODUCT)
)
#: a provider by its (unique) AGB with its contracts in the region, in one request: one
#: row without contract columns when it has none there, no row for an unknown AGB (the
#: same join order as the candidates': provider by AGB, then its contracts by index)
_BY_AGB = Prepared(
    select(*_COLUMNS)
    .select_from(
        Provider.__table__.outerjoin(
            Contract.__table__,
            (_C.provider_id == _P.id) & (_C.region_slug == bindparam("region")),
        )
    )
    .where(_P.agb == bindparam("agb"))
)
_PROVISIONS = select(
    _F.id,
    _F.municipality,
    _F.name,
    _F.themes,
    _F.group_offer,
    _F.contact,
    _F.valid_from,
    _F.valid_to,
).where(_F.municipality == bindparam("gemeente"))
PROVISIONS_FINGERPRINT = Prepared(
    select(func.count(), func.coalesce(func.sum(_F.version), 0)).where(
        _F.municipality == bindparam("gemeente")
    )
)
_BUDGET_COLUMNS = (_C.provider_id, type_coerce(_C.budget_year, String), _P.name)
_BUDGET_VALID = (
    _C.region_slug == bindparam("region"),
    _C.budget_year.is_not(None),
    _C.valid_from <= bindparam("last"),
    (_C.valid_to.is_(None)) | (_C.valid_to >= bindparam("first")),
)
_BUDGETS = (
    select(*_BUDGET_COLUMNS)
    .join(Provider.__table__, _P.id == _C.provider_id)
    .where(_C.provider_id.in_(bindparam("ids", expanding=True)), *_BUDGET_VALID)
)
_BUDGET_ONE = Prepared(
    select(*_BUDGET_COLUMNS)
    .join(Provider.__table__, _P.id == _C.provider_id)
    .where(_C.provider_id == bindparam("id"), *_BUDGET_VALID)
)
_ANY_START: Prepared | None = None


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _facts(row: Any) -> ContractFacts:
    return ContractFacts(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        row[6],
        row[7],
        Decimal(row[8]),
        _day(row[9]),  # type: ignore[arg-type]
        _day(row[10]),
        row[11],
        row[12],
        row[13],
        bool(row[14]),
        row[15],
        _money(row[16]),
        row[17],
    )


def _product(region: str, segment: str, product: str) -> dict[str, str]:
    return {"region": region, "segment": segment, "product": product}


def candidate_fingerprint(
    session: Session | RawReads, region: str, segment: str, product: str
) -> tuple[int, int]:
    """(count, summed versions) of the product's contracts: the index range only."""
    count, versions = FINGERPRINT.all(session, _product(region, segment, product))[0]
    return int(count), int(versions)


def candidate_contracts(
    session: Session, region: str, segment: str, product: str
) -> list[ContractFacts]:
    """Every contract of the product in the region, with its provider (one indexed range)."""
    rows = CANDIDATES.all(session, _product(region, segment, product))
    return [_facts(row) for row in rows]


def provider_contracts(
    session: Session, region: str, agb: str
) -> tuple[str | None, list[ContractFacts]]:
    """(provider name, its contracts in the region); (None, []) for an unknown AGB, the
    name alone for a provider without contracts here (by the unique AGB index)."""
    rows = take(session, ("contracts", region, agb))
    if rows is None:
        rows = _BY_AGB.all(session, {"agb": agb, "region": region})
    if not rows:
        return None, []
    if rows[0][0] is None:  # the provider, without a contract in the region
        return rows[0][3], []
    return rows[0][3], [_facts(r) for r in rows]


def _fingerprints_statement() -> Any:
    """The fingerprints of several products' contracts and of municipalities' provisions
    in one request (the same count and summed versions as FINGERPRINT and
    PROVISIONS_FINGERPRINT; a product or municipality without rows has no row).
    PostgreSQL only (:class:`ServerOnly`)."""
    from sqlalchemy.dialects.postgresql import ARRAY

    products = bindparam("products", type_=ARRAY(String))
    gemeenten = bindparam("gemeenten", type_=ARRAY(String))
    return union_all(
        select(
            literal("pool"), _C.product_code, func.count(), func.coalesce(func.sum(_C.version), 0)
        )
        .where(
            _C.region_slug == bindparam("region"),
            _C.segment == bindparam("segment"),
            _C.product_code == any_(products),
        )
        .group_by(_C.product_code),
        select(
            literal("provisions"),
            _F.municipality,
            func.count(),
            func.coalesce(func.sum(_F.version), 0),
        )
        .where(_F.municipality == any_(gemeenten))
        .group_by(_F.municipality),
    )


_FINGERPRINTS = ServerOnly(_fingerprints_statement)


def _fingerprint_params(
    region: str, segment: str, products: Sequence[str], gemeenten: Sequence[str]
) -> dict[str, Any]:
    return {
        "region": region,
        "segment": segment,
        "products": list(products),
        "gemeenten": list(gemeenten),
    }


def contract_reads(
    region: str,
    segment: str,
    products: Sequence[str],
    gemeenten: Sequence[str],
    agb: str | None,
) -> Reads:
    """:func:`server_fingerprints` of the products and of every municipality named (the
    one the need turns out to be in among them), and :func:`provider_contracts` of a
    chosen AGB, for :func:`~jeugdtoegang.storage.read_ahead.reads_ahead`: a check knows
    them before it knows the jeugdige's municipality."""
    reads: dict[Any, Any] = {
        ("fingerprints", region, segment, tuple(products)): (
            _FINGERPRINTS,
            _fingerprint_params(region, segment, products, gemeenten),
        )
    }
    if agb is not None:
        reads[("contracts", region, agb)] = (_BY_AGB, {"agb": agb, "region": region})
    return reads


def server_fingerprints(
    session: Session, region: str, segment: str, products: Sequence[str], gemeente: str | None
) -> dict[tuple[str, str], tuple[int, int]] | None:
    """{("pool", product) or ("provisions", gemeente): fingerprint} in one request on
    PostgreSQL (a missing product or municipality: no rows, (0, 0)); None elsewhere.
    Fingerprints read ahead (:func:`contract_reads`) may name more municipalities."""
    rows = take(session, ("fingerprints", region, segment, tuple(products)))
    if rows is None:
        conn = connection(session)
        server = _FINGERPRINTS.server_sql(conn.dialect)
        if server is None:
            return None
        gemeenten = [gemeente] if gemeente is not None else []
        rows = server.run_on(conn, _fingerprint_params(region, segment, products, gemeenten))
    found: dict[tuple[str, str], tuple[int, int]] = {("pool", code): (0, 0) for code in products}
    if gemeente is not None:
        found[("provisions", gemeente)] = (0, 0)
    for kind, key, count, versions in rows:
        found[(kind, key)] = (int(count), int(versions))
    return found


def provisions_fingerprint(session: Session | RawReads, gemeente: str) -> tuple[int, int]:
    """(count, summed versions) of the municipality's free-access provisions."""
    count, versions = PROVISIONS_FINGERPRINT.all(session, {"gemeente": gemeente})[0]
    return int(count), int(versions)


def provisions(session: Session, gemeente: str) -> list[FreeAccessFacts]:
    """The municipality's free-access provisions (voorliggende voorzieningen)."""
    rows = session.execute(_PROVISIONS, {"gemeente": gemeente}).all()
    return [
        FreeAccessFacts(r[0], r[1], r[2], split_list(r[3]), bool(r[4]), r[5], r[6], r[7])
        for r in rows
    ]


def any_care_start(session: Session) -> bool:
    """Whether any iJw start of care (JW305) was ever reported (one indexed probe)."""
    from jeugdtoegang.storage.models.ijw import IjwCareEvent

    global _ANY_START
    if _ANY_START is None:
        events = IjwCareEvent.__table__.c
        _ANY_START = Prepared(select(events.id).where(events.kind == "start").limit(1))
    return bool(_ANY_START.all(session, {}))


def budget_reads(region: str, provider_id: uuid.UUID, first: date, last: date) -> Reads:
    """:func:`budget_rows` of one provider (a choice being checked), for
    :func:`~jeugdtoegang.storage.read_ahead.reads_ahead`."""
    params = {"region": region, "first": first, "last": last, "id": provider_id}
    return {("budget", region, provider_id, first, last): (_BUDGET_ONE, params)}


def budget_rows(
    session: Session, region: str, provider_ids: Sequence[uuid.UUID], first: date, last: date
) -> list[tuple[uuid.UUID, str, str]]:
    """(provider id, year budget as text, provider name) of every budgeted contract of the
    providers valid in ``first..last``; one provider (a choice being checked) is a
    prepared hot read, more are one statement with an IN list."""
    params: dict[str, Any] = {"region": region, "first": first, "last": last}
    if len(provider_ids) == 1:
        ahead = take(session, ("budget", region, provider_ids[0], first, last))
        if ahead is not None:
            return ahead  # type: ignore[return-value]
        return _BUDGET_ONE.all(session, {**params, "id": provider_ids[0]})  # type: ignore[return-value]
    params["ids"] = list(provider_ids)
    return [tuple(row) for row in connection(session).execute(_BUDGETS, params).all()]  # type: ignore[misc]
