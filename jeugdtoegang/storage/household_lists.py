"""Reads of household lists: the rows of the search pick list and the dossier list.

A row is a household with its current members' names: one Core query (household
left-joined with its current members). For a list of ids it is prepared once per length
and run on the session's DBAPI connection (``hot``): the ORM's per-statement machinery
costs more than the query itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Select,
    String,
    and_,
    bindparam,
    cast,
    func,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.orm import Session

from jeugdtoegang.storage.access import team_condition
from jeugdtoegang.storage.hot import Prepared, RawReads
from jeugdtoegang.storage.household_sort import sort_key_of
from jeugdtoegang.storage.models.households import Household, Person

_H = Household.__table__.c
_P = Person.__table__.c

_ROW_COLUMNS = (
    # as text (SQLite: its 32 hex digits; PostgreSQL: cast, not loaded as a UUID object)
    cast(_H.id, String),
    _H.dossier_number,
    _H.name,
    _H.street,
    _H.house_number,
    _H.postcode,
    _H.city,
    _H.gemeente,
    _H.wijk,
    _H.team,
    # as stored (SQLite: 32 hex digits): a UUID object per member costs more than its row;
    # the read log takes the text as it is
    type_coerce(_P.id, String),
    _P.first_name,
    _P.tussenvoegsel,
    _P.surname,
    _P.sort_key,
)
_ROW_FROM = Household.__table__.outerjoin(
    Person.__table__, and_(_P.household_id == _H.id, _P.ended_on.is_(None))
)
#: the row query for n household ids, prepared once per n (a pick list has at most 25)
_ROWS_BY_COUNT: dict[int, Prepared] = {}
#: longer id lists (a dossier-list page: 200) are padded to the next power of two up to
#: this length, so their few statements are prepared once too (compiling a 200-id select
#: cost more than running it: a fifth of scrolling the list to its end)
_PADDED_UP_TO = 1024


def _padded(count: int) -> int:
    """The number of id parameters for ``count`` ids (repeating the last id is harmless)."""
    if count <= 100 or count > _PADDED_UP_TO:
        return count
    return 1 << (count - 1).bit_length()


def _rows_query(count: int) -> Prepared:
    found = _ROWS_BY_COUNT.get(count)
    if found is None:
        binds = [bindparam(f"h{i}", type_=_H.id.type) for i in range(count)]
        found = Prepared(
            select(*_ROW_COLUMNS)
            .select_from(_ROW_FROM)
            .where(_H.id.in_(binds))
            .order_by(_H.id)  # members are put in order below: no temporary sort in SQLite
        )
        if count <= _PADDED_UP_TO:
            _ROWS_BY_COUNT[count] = found
    return found


def household_member_rows(
    session: Session | RawReads, household_ids: list[uuid.UUID] | Select[Any]
) -> Iterable[Any]:
    """One row per current member (or one without member) of these households, ordered by
    household id: the household's id as text and list columns, then the member's id as
    text, name parts and sort key."""
    if isinstance(household_ids, list):
        size, last = _padded(len(household_ids)), len(household_ids) - 1
        params = {f"h{i}": household_ids[min(i, last)] for i in range(size)}
        return _rows_query(size).all(session, params)
    assert isinstance(session, Session)
    query = (
        select(*_ROW_COLUMNS).select_from(_ROW_FROM).where(_H.id.in_(household_ids)).order_by(_H.id)
    )
    return session.connection().execute(query)


def count_in_teams(session: Session, teams: frozenset[str] | None) -> int:
    """How many households the teams hold (None: all)."""
    condition = team_condition(_H.team, teams)
    return int(
        session.execute(select(func.count()).select_from(Household).where(condition)).scalar_one()
    )


def page_ids(
    session: Session,
    teams: frozenset[str] | None,
    limit: int,
    *,
    offset: int = 0,
    after: tuple[str, str] | None = None,
    before: tuple[str, str] | None = None,
    from_end: bool = False,
) -> list[uuid.UUID]:
    """Ids of one page of the teams' dossier list (by name, case and accents ignored,
    then dossier number), in list order.

    The order is (``sort_key``, dossier number): the name folded
    (:mod:`jeugdtoegang.storage.household_sort`), so "Çelik" is among the C's and
    "de Vries" beside "De Vries"; the dossier number (unique) orders equal keys. Every
    variant reads the index ``ix_household_sort_dossier`` from one end or from a key,
    taking the team and the id from its entries, so a page near either end costs what
    the first page does:

    - ``after`` = (name, dossier number) of a row: the ``limit`` rows following it;
    - ``before``: the ``limit`` rows preceding that row (read backwards, then reversed);
    - ``from_end``: read from the last row backwards, skipping ``offset`` rows;
    - otherwise from the first row forwards, skipping ``offset`` rows.

    ``offset`` skips rows one by one: only a jump into the middle of the list uses it.
    """
    backward = before is not None or from_end
    query = select(_H.id).where(team_condition(_H.team, teams)).limit(limit)
    if backward:
        query = query.order_by(_H.sort_key.desc(), _H.dossier_number.desc())
    else:
        query = query.order_by(_H.sort_key, _H.dossier_number)
    position = tuple_(_H.sort_key, _H.dossier_number)
    if after is not None:
        query = query.where(position > tuple_(*_list_key(after)))
    elif before is not None:
        query = query.where(position < tuple_(*_list_key(before)))
    elif offset:
        query = query.offset(offset)
    ids = [row[0] for row in session.execute(query)]
    if backward:
        ids.reverse()
    return ids


def _list_key(row: tuple[str, str]) -> tuple[str, str]:
    """(sort key, dossier number) of a row given as (name, dossier number)."""
    name, dossier_number = row
    return sort_key_of(name), dossier_number
