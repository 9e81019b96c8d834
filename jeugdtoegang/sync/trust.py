"""Checks a verified bundle must pass before one row is written: who, what, and how.

* the signer is an enrolled, active workstation (or, once, the office whose fingerprint
  a beheerder confirmed when this database joined);
* every change is authorised by :mod:`jeugdtoegang.domain.sync_rules` against the
  accounts as this database knows them (for the office, the authority for accounts, as
  they are after its bundle);
* every row passes :mod:`jeugdtoegang.sync.validate`.

All problems are collected and reported together (the first few), and nothing is
applied: all-or-nothing.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jeugdtoegang.domain.actor import Role
from jeugdtoegang.domain.sync_rules import Account, ChangeFacts, refusal_reason
from jeugdtoegang.storage.models.security import User
from jeugdtoegang.storage.models.sync_trust import SyncWorkstation
from jeugdtoegang.sync.bundle import Change
from jeugdtoegang.sync.errors import SyncError
from jeugdtoegang.sync.records import chunks
from jeugdtoegang.sync.tables import syncable_tables
from jeugdtoegang.sync.validate import row_problems

SHOWN = 5
_REVIEWED = ("plan", "indication", "decision")


def _account(data: dict[str, Any]) -> Account | None:
    try:
        roles = frozenset(Role(r) for r in data.get("roles") or () if r in Role._value2member_map_)
        created = data.get("created_at")
        updated = data.get("updated_at")
        return Account(
            username=str(data["username"]),
            roles=roles,
            active=bool(data.get("active", True)),
            team=data.get("team"),
            created_at=datetime.fromisoformat(created) if isinstance(created, str) else created,
            updated_at=datetime.fromisoformat(updated) if isinstance(updated, str) else updated,
        )
    except (KeyError, ValueError, TypeError):
        return None


def local_accounts(session: Session) -> dict[str, Account]:
    table = User.__table__
    found = {}
    for row in session.execute(select(table)).mappings():
        account = _account(dict(row))
        if account is not None:
            found[account.username.casefold()] = account
    return found


def has_accounts(session: Session) -> bool:
    return bool(session.execute(select(func.count()).select_from(User.__table__)).scalar())


def active_administrators(session: Session) -> int:
    return sum(
        1 for a in local_accounts(session).values() if a.active and Role.BEHEERDER in a.roles
    )


def enrolled_workstation(session: Session, database_id: uuid.UUID) -> SyncWorkstation | None:
    return session.execute(
        select(SyncWorkstation).where(SyncWorkstation.database_id == database_id)
    ).scalar_one_or_none()


def _submitters(session: Session, changes: list[Change]) -> dict[str, str | None]:
    """object id → who submitted it, for the objects the bundle's review steps name
    (from the bundle, newest, or this database)."""
    found: dict[str, str | None] = {}
    wanted = {
        uuid.UUID(str(c.data["object_id"]))
        for c in changes
        if c.table == "review_step" and c.data and c.data.get("object_id")
    }
    for name in _REVIEWED if wanted else ():
        table = syncable_tables().get(name)
        if table is None or "submitted_by" not in table.columns:
            continue
        for part in chunks(list(wanted)):
            for record_id, submitted_by in session.execute(
                select(table.c.id, table.c.submitted_by).where(table.c.id.in_(part))
            ):
                found[str(record_id)] = submitted_by
    for change in changes:
        if change.table in _REVIEWED and change.data and change.data.get("submitted_by"):
            found[change.id] = change.data["submitted_by"]
    return found


def check_changes(
    session: Session,
    changes: list[Change],
    *,
    authority: bool,
    municipalities: frozenset[str] | None,
    workstation_roles: frozenset[Role] | None = None,
) -> list[str]:
    """Every reason to refuse (empty: the bundle may be applied).

    ``workstation_roles``: the roles whose work the signing workstation may carry (None:
    all); an author's roles count only as far as the workstation allows them.
    """
    accounts = local_accounts(session)
    if authority:
        # the office is the authority for accounts: its bundle's accounts count
        for change in changes:
            if change.table == "app_user" and change.data is not None:
                account = _account(change.data)
                if account is not None:
                    accounts[account.username.casefold()] = account
    if workstation_roles is not None:
        accounts = {
            name: dataclasses.replace(account, roles=account.roles & workstation_roles)
            for name, account in accounts.items()
        }
    submitters = _submitters(session, changes)
    tables = syncable_tables()
    locals_: dict[tuple[str, str], dict[str, Any] | None] = {}
    by_table: dict[str, list[str]] = {}
    for change in changes:
        by_table.setdefault(change.table, []).append(change.id)
    for name, ids in by_table.items():
        table = tables.get(name)
        if table is None:
            continue
        for part in chunks([uuid.UUID(i) for i in ids]):
            for row in session.execute(select(table).where(table.c.id.in_(part))).mappings():
                locals_[(name, str(row["id"]))] = {k: _plain(v) for k, v in row.items()}
    teams = _dossier_teams(session, changes, locals_)
    problems: list[str] = []
    for change in changes:
        where = f"{change.table} {change.id[:8]} (wijziging {change.seq})"
        if change.data is not None:
            for problem in row_problems(change.table, change.data, municipalities):
                problems.append(f"{where}: {problem}")
        facts = ChangeFacts(
            table=change.table,
            author=change.updated_by,
            at=datetime.fromisoformat(change.updated_at),
            old=locals_.get((change.table, change.id)),
            new=change.data,
            teams=_teams_of(change, locals_.get((change.table, change.id)), teams),
        )
        reason = refusal_reason(
            facts,
            lambda name: accounts.get(name.casefold()),
            submitters.get,
            authority_author_ok=authority,
        )
        if reason is not None:
            problems.append(f"{where}: {reason}")
    return problems


def _dossier_teams(
    session: Session, changes: list[Change], locals_: dict[tuple[str, str], Any]
) -> dict[str, str | None]:
    """Household id → team, from this database and from the households in the bundle."""
    from jeugdtoegang.storage.models.households import Household

    wanted: set[str] = set()
    for change in changes:
        for state in (change.data, locals_.get((change.table, change.id))):
            if state and state.get("household_id"):
                wanted.add(str(state["household_id"]))
    found: dict[str, str | None] = {}
    ids = [uuid.UUID(i) for i in wanted if _is_uuid(i)]
    for part in chunks(ids):
        for household_id, team in session.execute(
            select(Household.id, Household.team).where(Household.id.in_(part))
        ):
            found[str(household_id)] = team
    for change in changes:  # a household new in the bundle (or moved) counts as it arrives
        if change.table == "household" and change.data is not None:
            found.setdefault(change.id, change.data.get("team"))
    return found


def _teams_of(
    change: Change, old: dict[str, Any] | None, teams: dict[str, str | None]
) -> tuple[str | None, ...]:
    """The teams of the dossier this change touches, before and after it."""
    found: list[str | None] = []
    for state in (old, change.data):
        if not state:
            continue
        if change.table == "household":
            found.append(state.get("team"))
        elif state.get("household_id"):
            found.append(teams.get(str(state["household_id"])))
    return tuple(dict.fromkeys(found))


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _plain(value: Any) -> Any:
    from jeugdtoegang.storage.snapshot import to_json_value

    return to_json_value(value)


def refuse(problems: list[str]) -> SyncError:
    shown = "; ".join(problems[:SHOWN])
    more = f" (en nog {len(problems) - SHOWN} andere)" if len(problems) > SHOWN else ""
    return SyncError(
        f"De bundel is geweigerd: {len(problems)} wijziging(en) zijn niet toegestaan of "
        f"ongeldig: {shown}{more}. Er is niets overgenomen."
    )
