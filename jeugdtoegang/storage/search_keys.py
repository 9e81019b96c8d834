"""Maintaining and reading :class:`SearchKey` (the search keys of persons and dossiers).

Every path that writes persons or households keeps the keys in the same transaction:
the session hook (local edits), :func:`jeugdtoegang.storage.bulk.bulk_insert` (demo
data) and the sync writer (records taken over or resolved). Keeping means: the keys of
the touched dossiers are deleted and written again from their rows, so a rename, a
correction, a person who leaves, a dossier moved to another team or a new dossier
number all end up right, whichever path wrote them.

A one-word search reads one index range of ``search_key`` (team scope, key prefix) with a
LIMIT. Two or more words walk the distinct keys in the longest word's range (one seek
each, a "loose index scan" in a recursive CTE) and seek (key, other prefix) for each: the
cost follows the matches, not the thousands of persons sharing a common surname.
Further words are the same seek on the same person's rows (its primary key).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

from sqlalchemy import String, bindparam, cast, delete, func, insert, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, attributes

from jeugdtoegang.domain.text import name_words, prefix_upper_bound
from jeugdtoegang.storage.hot import Prepared, RawReads
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.search import SearchKey

_K = SearchKey.__table__
_P = Person.__table__
_H = Household.__table__
_CHUNK = 500
#: the key of a dossier row: "#" and the serial of its number ("#00009")
DOSSIER_MARK = "#"
#: name words of a person that get keys (6 words: 30 pairs); a longer name is found by these
MAX_WORDS = 6
_PERSON_FIELDS = ("search_surname", "search_first", "ended_on", "household_id")
_HOUSEHOLD_FIELDS = ("team", "dossier_number")


def team_key(team: str | None) -> str:
    """A dossier's team as the index holds it (case-folded; "" for region-wide), the
    same folding :func:`jeugdtoegang.domain.authz.in_scope` uses."""
    return (team or "").strip().casefold()


def dossier_key(dossier_number: str) -> tuple[str, str]:
    """(key, other) of a dossier number: ("#00009", "6ee") for "2026-6EE-00009"."""
    parts = dossier_number.split("-")
    serial = parts[-1] if parts else dossier_number
    code = parts[1].lower() if len(parts) >= 3 else ""
    return f"{DOSSIER_MARK}{serial}", code


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _bind(bind: Session | Connection) -> Connection:
    return bind.connection() if isinstance(bind, Session) else bind


def refresh(
    bind: Session | Connection,
    household_ids: Iterable[uuid.UUID],
    owner_ids: Iterable[uuid.UUID] = (),
) -> None:
    """Write the keys of these dossiers again from their rows (and drop the keys of
    ``owner_ids``: persons deleted or moved to a dossier not in ``household_ids``)."""
    conn = _bind(bind)
    households = sorted(set(household_ids), key=str)
    owners = sorted(set(owner_ids), key=str)
    for part in _chunks(households):
        conn.execute(delete(_K).where(_K.c.household_id.in_(part)))
    for part in _chunks(owners):
        conn.execute(delete(_K).where(_K.c.owner_id.in_(part)))
    rows: list[dict[str, Any]] = []
    for part in _chunks(households):
        teams: dict[Any, str] = {}
        for household_id, number, team in conn.execute(
            select(_H.c.id, _H.c.dossier_number, _H.c.team).where(_H.c.id.in_(part))
        ):
            teams[household_id] = team_key(team)
            key, other = dossier_key(number)
            rows.append(_row(household_id, key, other, teams[household_id], household_id))
        for person_id, household_id, surname, first in conn.execute(
            select(_P.c.id, _P.c.household_id, _P.c.search_surname, _P.c.search_first).where(
                _P.c.household_id.in_(part), _P.c.ended_on.is_(None)
            )
        ):
            team = teams.get(household_id, "")
            for key, other in word_pairs(f"{first or ''} {surname or ''}"):
                rows.append(_row(person_id, key, other, team, household_id))
    for part in _chunks(rows):
        conn.execute(insert(_K), list(part))


def word_pairs(name: str) -> list[tuple[str, str]]:
    """(key, other) of a person's name: every ordered pair of its words; one word alone
    is (word, "")."""
    words = list(dict.fromkeys(w[:150] for w in name_words(name)))[:MAX_WORDS]
    if len(words) == 1:
        return [(words[0], "")]
    return [(key, other) for key in words for other in words if other != key]


def _row(owner: uuid.UUID, key: str, other: str, team: str, household: uuid.UUID) -> dict[str, Any]:
    return {
        "owner_id": owner,
        "key": (key or "")[:150],
        "other": (other or "")[:150],
        "team_key": team[:200],
        "household_id": household,
    }


def rebuild(bind: Session | Connection) -> None:
    """Recompute every key from the persons and dossiers (migration, repair, tests)."""
    conn = _bind(bind)
    conn.execute(delete(_K))
    refresh(conn, [row[0] for row in conn.execute(select(_H.c.id))])


def _changed(obj: Any, fields: Sequence[str]) -> bool:
    return any(attributes.get_history(obj, name).has_changes() for name in fields)


def _after_flush(session: Session, _context: Any) -> None:
    households: set[uuid.UUID] = set()
    owners: set[uuid.UUID] = set()
    for obj in chain(session.new, session.deleted):
        if isinstance(obj, Person):
            households.add(obj.household_id)
            owners.add(obj.id)
        elif isinstance(obj, Household):
            households.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, Person) and _changed(obj, _PERSON_FIELDS):
            history = attributes.get_history(obj, "household_id")
            households.update(h for h in chain(history.deleted, [obj.household_id]) if h)
            owners.add(obj.id)
        elif isinstance(obj, Household) and _changed(obj, _HOUSEHOLD_FIELDS):
            households.add(obj.id)
    households.discard(None)  # type: ignore[arg-type]
    if households or owners:
        refresh(session, households, owners)


def install_search_key_hooks(target: Any) -> None:
    from sqlalchemy import event

    event.listen(target, "after_flush", _after_flush)


def keep_after_sync(
    bind: Session | Connection, written: Iterable[tuple[str, uuid.UUID, dict[str, Any] | None]]
) -> None:
    """Keys follow persons and dossiers written by sync: (table, record id, new state)."""
    households: set[uuid.UUID] = set()
    owners: set[uuid.UUID] = set()
    for table, record_id, data in written:
        if table == "household":
            households.add(record_id)
        elif table == "person":
            owners.add(record_id)
            if data and data.get("household_id"):
                households.add(uuid.UUID(str(data["household_id"])))
    if households or owners:
        refresh(bind, households, owners)


# --- reading ---------------------------------------------------------------------------

_queries: dict[tuple[str, tuple[str, ...] | None], Prepared] = {}


def _statement(shape: str, teams: tuple[str, ...] | None) -> Prepared:
    """The prepared query of a shape ("key": a key prefix; "exact", "exact+other"; "words2"
    … "words6": that many words) for these teams (None: any team); one per shape and team
    list."""
    found = _queries.get((shape, teams))
    if found is not None:
        return found
    if shape.startswith("words"):
        query = _words_query(int(shape.removeprefix("words")), teams)
    else:
        # the id as text (SQLite: as stored; PostgreSQL: cast): only the few dossiers kept
        # are parsed as UUIDs
        query = select(cast(_K.c.household_id, String))
        if teams is not None:
            query = query.where(_K.c.team_key.in_(teams))
        if shape.startswith("exact"):
            query = query.where(_K.c.key == bindparam("key"))
        else:
            query = query.where(_K.c.key >= bindparam("low"), _K.c.key < bindparam("high"))
        if shape == "exact+other":
            query = query.where(_K.c.other == bindparam("other"))
        query = query.limit(bindparam("n"))
    if len(_queries) > 256:
        _queries.clear()
    found = _queries[(shape, teams)] = Prepared(query)
    return found


def _words_query(count: int, teams: tuple[str, ...] | None) -> Any:
    """Dossiers of persons with a pair (key in [low, high), other in [w1, w1 high)) and,
    for each further word i, a pair (the same key, other in [wi, wi high)).

    The distinct keys in [low, high) are walked one seek at a time (a recursive CTE: the
    smallest key, then the smallest key after it, …); for each, the matching pairs are
    one index range on (key, other). Reading the whole key range instead costs a row per
    person with that name (thousands for a common surname) to find the few matches.
    """
    low, high = bindparam("low"), bindparam("high")
    walk_key = _K.alias("walk_key")
    keys = select(func.min(_K.c.key).label("v")).where(_K.c.key >= low, _K.c.key < high)
    keys_cte = keys.cte("distinct_key", recursive=True)
    following = (
        select(func.min(walk_key.c.key))
        .where(walk_key.c.key > keys_cte.c.v, walk_key.c.key < high)
        .scalar_subquery()
    )
    keys_cte = keys_cte.union_all(select(following).where(keys_cte.c.v.is_not(None)))
    pair = _K.alias("pair")
    query = (
        select(cast(pair.c.household_id, String))
        .select_from(keys_cte.join(pair, pair.c.key == keys_cte.c.v))
        .where(pair.c.other >= bindparam("w1"), pair.c.other < bindparam("w1_high"))
    )
    if teams is not None:
        query = query.where(pair.c.team_key.in_(teams))
    for index in range(2, count):
        more = _K.alias(f"pair{index}")
        query = query.where(
            select(more.c.owner_id)
            .where(
                more.c.owner_id == pair.c.owner_id,
                more.c.key == pair.c.key,
                more.c.other >= bindparam(f"w{index}"),
                more.c.other < bindparam(f"w{index}_high"),
            )
            .exists()
        )
    return query.limit(bindparam("n"))


def _scope(teams: frozenset[str] | None) -> tuple[str, ...] | None:
    """The team keys a user sees: the own teams and region-wide dossiers ("")."""
    return None if teams is None else tuple(sorted({"", *teams}))


def _distinct(
    session: Session | RawReads, prepared: Prepared, params: dict[str, Any], limit: int
) -> list[uuid.UUID]:
    """Up to ``limit`` distinct dossiers from an index range, in index order (a dossier
    has a row per matching member: read a few rows more, and more again if needed)."""
    fetch = limit * 4
    while True:
        rows = prepared.all(session, {**params, "n": fetch})
        ids = list(dict.fromkeys(row[0] for row in rows))
        if len(ids) >= limit or len(rows) < fetch:
            return [_uuid(value) for value in ids[:limit]]
        fetch *= 4


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def find_by_names(
    session: Session | RawReads, words: Sequence[str], teams: frozenset[str] | None, limit: int
) -> list[uuid.UUID]:
    """Dossiers with a current member for whom every (folded) word is a prefix of another
    word of the name (first name or a part of the surname), in the user's teams (None:
    all); at most ``limit``. At most :data:`MAX_WORDS` words are used (the longest)."""
    words = list(dict.fromkeys(w for w in words if w and not w.startswith(DOSSIER_MARK)))
    if not words:
        return []
    scope = _scope(teams)
    # the longest word is the narrowest range
    ordered = sorted(words, key=len, reverse=True)[:MAX_WORDS]
    first = ordered[0]
    params = {"low": first, "high": prefix_upper_bound(first)}
    if len(ordered) == 1:
        return _distinct(session, _statement("key", scope), params, limit)
    for index, word in enumerate(ordered[1:], start=1):
        params[f"w{index}"] = word
        params[f"w{index}_high"] = prefix_upper_bound(word)
    return _distinct(session, _statement(f"words{len(ordered)}", scope), params, limit)


def find_by_dossier_serial(
    session: Session | RawReads,
    serial: str,
    code: str | None,
    teams: frozenset[str] | None,
    limit: int,
) -> list[uuid.UUID]:
    """Dossiers whose number ends in ``serial`` (as written, "00009"), with ``code``
    ("6ee") before it when given, in the user's teams."""
    scope = _scope(teams)
    key = f"{DOSSIER_MARK}{serial}"
    if code:
        params = {"key": key, "other": code.lower(), "n": limit}
        return [_uuid(r[0]) for r in _statement("exact+other", scope).all(session, params)]
    rows = _statement("exact", scope).all(session, {"key": key, "n": limit})
    return [_uuid(r[0]) for r in rows]


# --- the other kinds of search: one unique or indexed column, team scope in the query ----

_others: dict[tuple[str, str, tuple[str, ...] | None], Prepared] = {}


def _team_scope(column: Any, scope: tuple[str, ...] | None) -> Any:
    """A dossier's team is in scope: region-wide (no team) or one of the user's teams."""
    return or_(column.is_(None), func.lower(column).in_(scope))


def _other(shape: str, column: str, scope: tuple[str, ...] | None) -> Prepared:
    found = _others.get((shape, column, scope))
    if found is not None:
        return found
    if shape == "bsn":
        query = (
            select(_P.c.household_id)
            .join(_H, _H.c.id == _P.c.household_id)
            .where(_P.c.bsn == bindparam("value"))
        )
    elif shape == "equal":
        query = select(_H.c.id).where(_H.c[column] == bindparam("value"))
    else:
        query = select(_H.c.id).where(
            _H.c[column] >= bindparam("value"), _H.c[column] < bindparam("high")
        )
    if scope is not None:
        query = query.where(_team_scope(_H.c.team, scope))
    query = query.limit(bindparam("n"))
    if len(_others) > 256:
        _others.clear()
    found = _others[(shape, column, scope)] = Prepared(query)
    return found


def _own_teams(teams: frozenset[str] | None) -> tuple[str, ...] | None:
    return None if teams is None else tuple(sorted(teams))


def find_by_bsn(
    session: Session | RawReads, bsn: str, teams: frozenset[str] | None
) -> list[uuid.UUID]:
    """The dossier of the person with this BSN, when in the user's teams."""
    rows = _other("bsn", "bsn", _own_teams(teams)).all(session, {"value": bsn, "n": 1})
    return [row[0] for row in rows]


def find_household_column(
    session: Session | RawReads, column: str, value: str, teams: frozenset[str] | None, limit: int
) -> list[uuid.UUID]:
    """Dossiers whose ``column`` (dossier_number, postcode) equals ``value``."""
    rows = _other("equal", column, _own_teams(teams)).all(session, {"value": value, "n": limit})
    return [row[0] for row in rows]


def find_household_prefix(
    session: Session | RawReads, column: str, prefix: str, teams: frozenset[str] | None, limit: int
) -> list[uuid.UUID]:
    """Dossiers whose ``column`` (dossier_number, postcode) starts with ``prefix``."""
    params = {"value": prefix, "high": prefix_upper_bound(prefix), "n": limit}
    return [row[0] for row in _other("prefix", column, _own_teams(teams)).all(session, params)]
