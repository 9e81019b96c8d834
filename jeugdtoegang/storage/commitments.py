"""Maintaining and reading :class:`ProviderCommitment` (budget commitments per month).

Every path that writes indications keeps the aggregate in the same transaction: the
session hook (local edits, from the attribute history), :func:`bulk_insert` (demo data)
and the sync writer (from the record's previous change-log state). A budget figure for a
year or half year then reads at most 12 rows per provider, however many indications exist.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import any_, bindparam, delete, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, attributes

from jeugdtoegang.domain.commitments import MICRO, commitment_of, month_shares, whole_months
from jeugdtoegang.domain.costs import to_cents
from jeugdtoegang.storage.models.commitments import ProviderCommitment
from jeugdtoegang.storage.models.indications import Indication
from jeugdtoegang.storage.read_ahead import Reads, ServerOnly, kept_reads

_T = ProviderCommitment.__table__
_I = Indication.__table__
#: the columns of an indication that decide its commitment
FIELDS = ("status", "provider_id", "start_date", "end_date", "max_cost")

Delta = dict[tuple[uuid.UUID, date], int]


def _add(deltas: Delta, state: dict[str, Any] | None, sign: int) -> None:
    commitment = commitment_of(state)
    if commitment is None:
        return
    for month, amount in month_shares(commitment).items():
        deltas[(commitment.provider_id, month)] += sign * amount


def deltas_for(pairs: Iterable[tuple[dict[str, Any] | None, dict[str, Any] | None]]) -> Delta:
    """Net change per (provider, month) for (old state, new state) pairs of indications."""
    deltas: Delta = defaultdict(int)
    for old, new in pairs:
        _add(deltas, old, -1)
        _add(deltas, new, +1)
    return {key: value for key, value in deltas.items() if value}


def apply_deltas(bind: Session | Connection, deltas: Delta) -> None:
    """Add the deltas to the stored month amounts (upsert, in a fixed order: no deadlocks)."""
    if not deltas:
        return
    dialect = bind.get_bind().dialect.name if isinstance(bind, Session) else bind.dialect.name
    if dialect == "postgresql":  # imported on first use: not on the GUI's start-up path
        from sqlalchemy.dialects.postgresql import insert as make
    else:
        from sqlalchemy.dialects.sqlite import insert as make
    rows = [
        {"provider_id": provider, "month": month, "amount_micro": amount}
        for (provider, month), amount in sorted(
            deltas.items(), key=lambda i: (str(i[0][0]), i[0][1])
        )
    ]
    statement = make(_T)
    statement = statement.on_conflict_do_update(
        index_elements=["provider_id", "month"],
        set_={"amount_micro": _T.c.amount_micro + statement.excluded.amount_micro},
    )
    for row in rows:  # one by one keeps the lock order on PostgreSQL
        bind.execute(statement, row)


def _old_state(obj: Indication) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for name in FIELDS:
        history = attributes.get_history(obj, name)
        if history.deleted:
            state[name] = history.deleted[0]
        elif history.unchanged:
            state[name] = history.unchanged[0]
        else:
            state[name] = getattr(obj, name)
    return state


def _new_state(obj: Indication) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in FIELDS}


def _after_flush(session: Session, _context: Any) -> None:
    if session.info.get("sync_apply"):
        return  # the sync writer maintains the aggregate itself
    pairs = []
    for obj in session.new:
        if isinstance(obj, Indication):
            pairs.append((None, _new_state(obj)))
    for obj in session.dirty:
        if isinstance(obj, Indication) and session.is_modified(obj, include_collections=False):
            pairs.append((_old_state(obj), _new_state(obj)))
    for obj in session.deleted:
        if isinstance(obj, Indication):
            pairs.append((_old_state(obj), None))
    if pairs:
        apply_deltas(session, deltas_for(pairs))


def install_commitment_hooks(target: Any) -> None:
    from sqlalchemy import event

    event.listen(target, "after_flush", _after_flush)


def previous_states(
    session: Session, record_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any] | None]:
    """The last logged state of each indication (what it was before a sync write)."""
    from jeugdtoegang.storage.models.changelog import ChangeLogEntry

    log = ChangeLogEntry.__table__
    found: dict[uuid.UUID, dict[str, Any] | None] = {}
    for start in range(0, len(record_ids), 500):
        part = list(record_ids[start : start + 500])
        rows = session.execute(
            select(log.c.record_id, log.c.data)
            .where(log.c.table_name == "indication", log.c.record_id.in_(part))
            .order_by(log.c.seq)
        )
        for record_id, data in rows:
            found[record_id] = data
    return found


def rebuild(bind: Session | Connection) -> None:
    """Recompute the whole aggregate from the indications (migration, repair, tests)."""
    bind.execute(delete(_T))
    rows = bind.execute(select(*(_I.c[name] for name in FIELDS)))
    states = [dict(zip(FIELDS, row, strict=True)) for row in rows]
    apply_deltas(bind, deltas_for((None, state) for state in states))


_SUM = (
    select(_T.c.provider_id, func.sum(_T.c.amount_micro))
    .where(
        _T.c.provider_id.in_(bindparam("ids", expanding=True)),
        _T.c.month >= bindparam("first"),
        _T.c.month <= bindparam("last"),
    )
    .group_by(_T.c.provider_id)
)
_SQLITE_SUM = (
    "SELECT provider_id, sum(amount_micro) FROM provider_commitment WHERE provider_id IN ({}) "
    "AND month >= ? AND month <= ? GROUP BY provider_id"
)


def committed_by_month(
    session: Session, provider_ids: Iterable[uuid.UUID], start: date, end: date
) -> dict[uuid.UUID, Decimal] | None:
    """Committed money per provider in start..end from the aggregate (None: not whole months)."""
    ids = list(set(provider_ids))
    if not whole_months(start, end):
        return None
    if not ids:
        return {}
    last = end.replace(day=1)
    from jeugdtoegang.storage.hot import connection as hot_connection
    from jeugdtoegang.storage.hot import run

    connection = hot_connection(session)
    if connection.dialect.name == "sqlite":
        asked = {i.hex: i for i in ids}  # a row's id is one of these texts: no UUID parsed
        found = _sqlite_sums(lambda sql, args: run(connection, sql, args), asked, start, last)
        return {asked[provider]: amount for provider, amount in found.items()}
    ahead = _read_ahead_sums(session, ids, start, last)
    if ahead is not None:
        return ahead
    params = {"ids": ids, "first": start, "last": last}
    server = _server_sum(connection.dialect)
    if server is not None:
        rows = server.run_on(connection, params)
    else:
        rows = connection.execute(_SUM, params).all()
    return {provider: to_cents(Decimal(int(total)) / MICRO) for provider, total in rows}


def commitment_reads(provider_ids: Collection[uuid.UUID], start: date, end: date) -> Reads:
    """:func:`committed_by_month` of these providers in a period of whole months, for
    :func:`~jeugdtoegang.storage.read_ahead.reads_ahead`: every later ask in the block for
    providers among them is answered from this one read."""
    ids = frozenset(provider_ids)
    if not ids or not whole_months(start, end):
        return {}
    last = end.replace(day=1)
    params = {"ids": list(ids), "first": start, "last": last}
    return {("commitments", start, last, ids): (_SUM_SERVER, params)}


def _read_ahead_sums(
    session: Session, ids: list[uuid.UUID], start: date, last: date
) -> dict[uuid.UUID, Decimal] | None:
    """The sums of ``ids`` from a read ahead that asked for all of them, or None. Kept
    for the whole block (a check asks twice: the group offers' ranking, the chosen
    provider's budget figure)."""
    for key, rows in kept_reads(session).items():
        if (
            isinstance(key, tuple)
            and len(key) == 4
            and key[0] == "commitments"
            and key[1] == start
            and key[2] == last
            and key[3].issuperset(ids)
        ):
            wanted = set(ids)
            return {
                provider: to_cents(Decimal(int(total)) / MICRO)
                for provider, total in rows
                if provider in wanted
            }
    return None


def _sum_statement() -> Any:
    """PostgreSQL: the sums of :data:`_SUM` for an array of ids (one compiled statement
    for any number of providers, run on the DBAPI connection: see ``storage.hot.ServerSQL``).
    Built on first use: the SQLite workstation never imports the PostgreSQL dialect."""
    from sqlalchemy.dialects.postgresql import ARRAY

    array = bindparam("ids", type_=ARRAY(_T.c.provider_id.type))
    return (
        select(_T.c.provider_id, func.sum(_T.c.amount_micro))
        .where(
            _T.c.provider_id == any_(array),
            _T.c.month >= bindparam("first"),
            _T.c.month <= bindparam("last"),
        )
        .group_by(_T.c.provider_id)
    )


_SUM_SERVER = ServerOnly(_sum_statement)


def _server_sum(dialect: Any) -> Any:
    """:func:`_sum_statement` as psycopg runs it; None elsewhere."""
    return _SUM_SERVER.server_sql(dialect)


def committed_by_hex_id(
    execute: Callable[[str, Sequence[Any]], list[tuple[Any, ...]]],
    provider_ids: Collection[str],
    period: tuple[date, date],
) -> dict[str, Decimal]:
    """:func:`committed_by_month` for a period of whole months (a year, half year) on
    SQLite, through the caller's own read transaction (``execute(sql, args)``: a read
    without a Session, see ``storage.quick_reads``), for ids as SQLite stores them (32 hex
    digits) and keyed by them; providers without commitments are left out."""
    start, end = period
    if not whole_months(start, end):
        raise ValueError("committed_by_hex_id needs whole months")
    if not provider_ids:
        return {}
    return _sqlite_sums(execute, provider_ids, start, end.replace(day=1))


def _sqlite_sums(
    execute: Callable[[str, Sequence[Any]], list[tuple[Any, ...]]],
    ids: Collection[str],
    start: date,
    last: date,
) -> dict[str, Decimal]:
    # the same query as _SUM, without SQLAlchemy's per-call rendering of an expanding IN
    # list (10x the query itself for a page of providers); ids and days as SQLite stores
    # them (32 hex digits, ISO dates)
    sql = _SQLITE_SUM.format(",".join("?" * len(ids)))
    rows = execute(sql, (*ids, start.isoformat(), last.isoformat()))
    return {provider: to_cents(Decimal(int(total)) / MICRO) for provider, total in rows}
