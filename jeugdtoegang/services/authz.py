"""Authorisation at the service boundary: check, and log every refusal.

``guard(ctx, Permission.X)`` is :func:`jeugdtoegang.domain.authz.require` plus an audit
entry with outcome "geweigerd", written in its own short transaction (the refused
action's own transaction, if any, is rolled back and would take the entry with it).
"""

from __future__ import annotations

import functools
import inspect
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ParamSpec, TypeVar

from jeugdtoegang.domain.actor import Role
from jeugdtoegang.domain.authz import (
    DOORBRAAK_HOURS,
    DOORBRAAK_MIN_REASON,
    DOORBRAAK_PERMISSIONS,
    Permission,
    Scope,
    actor_teams,
    forbid_self_approval,
    in_scope,
    require,
    require_scope,
    require_team,
    scope_of,
    visible_teams,
)
from jeugdtoegang.domain.input_text import text_errors
from jeugdtoegang.errors import FieldError, NotFoundError, PermissionDeniedError, ValidationError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.access import (
    DOORBRAAK_ACTION,
    doorbraak_entries,
    doorbraak_open,
    dossier_by_number,
    household_of,
    household_teams,
    member_ids,
    members_of,
)
from jeugdtoegang.storage.audit_writer import append_audit_entries
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.uow import AccessRecord, UnitOfWork

REFUSED = "geweigerd"
P = ParamSpec("P")
R = TypeVar("R")


def log_refusal(
    ctx: AppContext,
    error: PermissionDeniedError,
    *,
    action: str | None = None,
    object_type: str | None = None,
    object_id: uuid.UUID | None = None,
    person_ids: Sequence[uuid.UUID] = (),
) -> None:
    """Write one "geweigerd" audit entry for a refused action (own transaction)."""
    if getattr(error, "audited", False):
        return
    what = getattr(error, "permission", None) or "onbekend"
    record = AccessRecord(
        action=(action or f"weigering:{what}")[:40],
        object_type=object_type,
        object_id=object_id,
        person_ids=tuple(person_ids),
        purpose=error.message[:500],
        outcome=REFUSED,
    )
    with ctx.database.write_sessions() as session:
        session.info["actor"] = ctx.actor
        append_audit_entries(session, ctx.actor, [record])
        session.commit()
    error.audited = True  # type: ignore[attr-defined]


@contextmanager
def refusals_logged(
    ctx: AppContext,
    *,
    action: str | None = None,
    object_type: str | None = None,
    object_id: uuid.UUID | None = None,
) -> Iterator[None]:
    """Log any PermissionDeniedError raised inside the block, then let it propagate."""
    try:
        yield
    except PermissionDeniedError as error:
        log_refusal(ctx, error, action=action, object_type=object_type, object_id=object_id)
        raise


def guard(
    ctx: AppContext,
    permission: Permission,
    *,
    object_type: str | None = None,
    object_id: uuid.UUID | None = None,
) -> None:
    """Refuse (and log the refusal) unless the current user has ``permission``."""
    with refusals_logged(
        ctx, action=f"weigering:{permission.value}", object_type=object_type, object_id=object_id
    ):
        require(ctx.actor, permission)


def guard_team(
    ctx: AppContext, household_team: str | None, household_id: uuid.UUID | None = None
) -> None:
    """Refuse (and log) an edit of another team's dossier."""
    with refusals_logged(
        ctx, action="weigering:team", object_type="household", object_id=household_id
    ):
        require_team(ctx.actor, household_team)


def guard_not_own(
    ctx: AppContext,
    submitted_by: str | None,
    *,
    object_type: str | None = None,
    object_id: uuid.UUID | None = None,
) -> None:
    """Refuse (and log) a review of one's own submission."""
    with refusals_logged(
        ctx, action="weigering:eigen_indiening", object_type=object_type, object_id=object_id
    ):
        forbid_self_approval(ctx.actor, submitted_by)


def guarded(
    permission: Permission,
    *,
    object_type: str | None = None,
    target: str | None = None,
    scope_read_inside: bool = False,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator for a use case ``f(ctx, ...)``: require ``permission`` first, and log
    every refusal raised inside (also a team or four-eyes check deep in the function)
    after the function's own transaction has been rolled back.

    The first argument after ``ctx``, when it is a UUID, is logged as the object id.
    With ``target`` ("household", "plan", "decision", "indication", "person") that UUID
    names a record of a dossier, and the permission matrix's team scope is applied to
    that dossier (:func:`guard_household`) before the use case runs.

    ``scope_read_inside`` (``target="household"`` only): the use case reads the dossier's
    team with its own first read and calls :func:`require_dossier_scope` with it before
    it uses or shows anything, instead of the separate team lookup here (one statement
    fewer for opening or saving a dossier; the same refusals, logged the same way).
    """
    assert not scope_read_inside or target == "household"

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        names = list(inspect.signature(function).parameters)
        first = names[1] if len(names) > 1 else None

        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            ctx = args[0]
            assert isinstance(ctx, AppContext)
            value = args[1] if len(args) > 1 else kwargs.get(first) if first else None
            target_id = value if isinstance(value, uuid.UUID) else None
            try:
                require(ctx.actor, permission)
                if target is not None and target_id is not None and not scope_read_inside:
                    _check_scope(ctx, permission, target, target_id)
                return function(*args, **kwargs)
            except PermissionDeniedError as error:
                what = getattr(error, "permission", None) or permission.value
                log_refusal(
                    ctx,
                    error,
                    action=f"weigering:{what}",
                    object_type=object_type if target_id is not None else None,
                    object_id=target_id,
                )
                raise

        wrapper.__guarded__ = permission  # type: ignore[attr-defined]
        wrapper.__guarded_target__ = target  # type: ignore[attr-defined]
        return wrapper

    return decorate


# --- need-to-know: team scope and doorbraak -----------------------------------------------


def _doorbraak_since() -> object:
    return utcnow() - timedelta(hours=DOORBRAAK_HOURS)


def _check_scope(
    ctx: AppContext, permission: Permission, target: str, object_id: uuid.UUID
) -> None:
    """Raise (unlogged; the caller logs) unless the dossier of the record is in scope."""
    if in_scope(ctx.actor, permission, None) and not actor_teams(ctx.actor):
        return  # not team-bound (no accounts yet, or the system): no lookup needed
    if scope_of(ctx.actor, permission) is Scope.ALL:
        return
    # one indexed lookup (two only when a doorbraak is asked): no transaction around it
    with ctx.database.single_reads() as session:
        found = household_of(session, target, object_id)
    if found is None:
        return  # the use case itself says "bestaat niet"
    household_id, team = found
    require_dossier_scope(ctx, permission, household_id, team)


def require_dossier_scope(
    ctx: AppContext, permission: Permission, household_id: uuid.UUID, team: str | None
) -> None:
    """Raise (unlogged; :func:`guarded` logs) unless the dossier ``household_id`` of
    ``team`` (read by the use case itself) is in the user's scope: what the team lookup
    of :func:`guarded` decides, without reading the team again."""
    if in_scope(ctx.actor, permission, team):
        return
    open_ = False
    if permission in DOORBRAAK_PERMISSIONS:
        with ctx.database.single_reads() as session:
            open_ = doorbraak_open(
                session,
                ctx.actor.username,
                household_id,
                _doorbraak_since(),  # type: ignore[arg-type]
            )
    require_scope(ctx.actor, permission, team, doorbraak=open_)


def guard_household(
    ctx: AppContext, permission: Permission, target: str, object_id: uuid.UUID
) -> None:
    """Refuse (and log) unless the user may use ``permission`` on the dossier that the
    record ``target``/``object_id`` belongs to (the matrix's scope, or a doorbraak)."""
    with refusals_logged(
        ctx, action=f"weigering:{permission.value}", object_type=target, object_id=object_id
    ):
        require(ctx.actor, permission)
        _check_scope(ctx, permission, target, object_id)


def may_see(ctx: AppContext, permission: Permission, team: str | None) -> bool:
    """For filtering lists: whether a dossier of ``team`` is shown to this user."""
    return in_scope(ctx.actor, permission, team)


def list_teams(ctx: AppContext, permission: Permission) -> frozenset[str] | None:
    """Teams whose dossiers appear in this user's lists (None: all)."""
    return visible_teams(ctx.actor, permission)


def declare_doorbraak(ctx: AppContext, household_id: uuid.UUID, reason: str) -> None:
    """Open another team's dossier for reading for DOORBRAAK_HOURS, with a stated reason.

    The doorbraak itself is an audit entry (action "doorbraak", the dossier's members as
    subjects, the reason as purpose), written durably before anything is shown; the team
    lead sees it in :func:`doorbraak_report`.
    """
    with refusals_logged(
        ctx, action="weigering:doorbraak", object_type="household", object_id=household_id
    ):
        require(ctx.actor, Permission.DOSSIER_READ)
    problems = text_errors("reden", reason, max_length=2000, multiline=True)
    if problems:
        raise ValidationError(problems)
    text = " ".join((reason or "").split())
    if len(text) < DOORBRAAK_MIN_REASON:
        raise ValidationError(
            FieldError(
                "reden",
                f"Schrijf op waarom u dit dossier dringend nodig heeft (minstens "
                f"{DOORBRAAK_MIN_REASON} tekens).",
            )
        )
    with ctx.uow() as uow:
        found = household_of(uow.session, "household", household_id)
        if found is None:
            raise NotFoundError("Dit dossier bestaat niet (meer).")
        people = member_ids(uow.session, household_id)
        uow.log_access(DOORBRAAK_ACTION, "household", household_id, people, text[:500])
        uow.commit()


def find_dossier(ctx: AppContext, number: str) -> uuid.UUID:
    """The id of a dossier by its number (shows nothing of it; for a doorbraak)."""
    with refusals_logged(ctx, action="weigering:doorbraak"):
        require(ctx.actor, Permission.DOSSIER_READ)
    text = (number or "").strip()
    try:
        return uuid.UUID(text)
    except ValueError:
        pass
    with ctx.database.read_sessions() as session:
        found = dossier_by_number(session, text.upper())
    if found is None:
        raise NotFoundError(f"Er is geen dossier met nummer '{text[:40]}'.")
    return found


@dataclass(frozen=True)
class DoorbraakRow:
    """One doorbraak in the team lead's report."""

    seq: int
    at: datetime
    by: str
    household_id: uuid.UUID
    dossier_number: str
    team: str | None
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "by": self.by,
            "household_id": str(self.household_id),
            "dossier_number": self.dossier_number,
            "team": self.team,
            "reason": self.reason,
        }


def doorbraak_report(ctx: AppContext, days: int = 30) -> list[DoorbraakRow]:
    """Doorbraken on the team lead's team's dossiers in the last ``days`` days."""
    with refusals_logged(ctx, action=f"weigering:{Permission.APPROVE.value}"):
        require(ctx.actor, Permission.APPROVE)
    since = utcnow() - timedelta(days=days)
    with ctx.uow(readonly=True) as uow:
        rows = [
            DoorbraakRow(
                r.seq,
                r.created_at,
                r.created_by,
                r.object_id,
                r.dossier_number,
                r.team,
                r.purpose or "",
            )
            for r in doorbraak_entries(uow.session, since)
            if in_scope(ctx.actor, Permission.APPROVE, r.team)
        ]
        uow.log_access("doorbraak_rapport", None, None, [], f"{len(rows)} doorbraken")
    return rows


T = TypeVar("T")


def _in_order(ids: Iterable[uuid.UUID | str]) -> list[uuid.UUID | str]:
    """The distinct person ids by their number: UUIDs, or their text as read (SQLite: 32
    hex digits, which sort as their numbers do, without a UUID object each)."""
    values = list(ids)
    if all(type(value) is str for value in values):
        return sorted(set(values))
    if all(type(value) is uuid.UUID for value in values):
        # keyed by the number: hashing an int is a C call, hashing a UUID a Python one
        by_number = {value.int: value for value in values}
        return [by_number[number] for number in sorted(by_number)]
    return sorted(
        set(values), key=lambda v: v.int if isinstance(v, uuid.UUID) else uuid.UUID(v).int
    )


def _in_scope_rows(
    ctx: AppContext,
    permission: Permission,
    items: Sequence[T],
    household: Callable[[T], uuid.UUID | None],
    team: Callable[[T], str | None],
) -> list[T]:
    """The rows whose dossier is in the user's scope (asked once per team, not per row)."""
    allowed: dict[str | None, bool] = {}
    visible = []
    for item in items:
        if household(item) is not None:
            item_team = team(item)
            ok = allowed.get(item_team)
            if ok is None:
                ok = allowed[item_team] = in_scope(ctx.actor, permission, item_team)
            if not ok:
                continue
        visible.append(item)
    return visible


def shown(
    ctx: AppContext,
    permission: Permission,
    items: Sequence[T],
    purpose: str,
    *,
    household: Callable[[T], uuid.UUID | None] = lambda item: item.household_id,  # type: ignore[attr-defined]
    action: str = "inzien",
    team: Callable[[T], str | None] | None = None,
    people: Callable[[T], Iterable[uuid.UUID | str]] | None = None,
) -> list[T]:
    """The items of a list that this user may see (team scope), and one audit entry that
    names every person of the dossiers shown (NEN 7513: lists and search results are
    reads too). Internal calls as the system actor are not logged: nobody sees them.

    Rows that were read with their dossier's ``team`` and members' ids (``people``) are
    scoped and logged without reading them again.
    """
    if team is not None and people is not None:
        return _shown_from_rows(ctx, permission, items, purpose, household, action, team, people)
    ids = {h for h in (household(i) for i in items) if h is not None}
    with ctx.uow(readonly=True) as uow:
        teams = household_teams(uow.session, ids)
        visible = [
            item
            for item in items
            if household(item) is None
            or in_scope(ctx.actor, permission, teams.get(household(item)))  # type: ignore[arg-type]
        ]
        if visible and Role.SYSTEEM not in ctx.actor.roles:
            people = members_of(uow.session, {h for h in map(household, visible) if h})
            uow.log_access(action, "household", None, people, f"{purpose} ({len(visible)})")
    return visible


def _shown_from_rows(
    ctx: AppContext,
    permission: Permission,
    items: Sequence[T],
    purpose: str,
    household: Callable[[T], uuid.UUID | None],
    action: str,
    team: Callable[[T], str | None],
    people: Callable[[T], Iterable[uuid.UUID | str]],
) -> list[T]:
    """:func:`shown` for rows that carry their team and members (no queries)."""
    visible = _in_scope_rows(ctx, permission, items, household, team)
    if visible and Role.SYSTEEM not in ctx.actor.roles:
        person_ids = _in_order([p for item in visible for p in people(item)])
        with ctx.uow(readonly=True) as uow:
            uow.log_access(action, "household", None, person_ids, f"{purpose} ({len(visible)})")
    return visible


def shown_in(
    uow: UnitOfWork,
    ctx: AppContext,
    permission: Permission,
    items: Sequence[T],
    purpose: str,
    *,
    household: Callable[[T], uuid.UUID | None],
    action: str,
    team: Callable[[T], str | None],
    people: Callable[[T], Iterable[uuid.UUID | str]],
) -> list[T]:
    """:func:`shown` for rows read in ``uow`` with their team and members: the entry is
    recorded in that unit of work (a read-only one journals it durably when it ends,
    before the caller gets the rows), so the search needs no second unit of work."""
    visible = _in_scope_rows(ctx, permission, items, household, team)
    if visible and Role.SYSTEEM not in ctx.actor.roles:
        person_ids = _in_order([p for item in visible for p in people(item)])
        uow.log_access(action, "household", None, person_ids, f"{purpose} ({len(visible)})")
    return visible


def comment_reference(comment: str | None) -> str:
    """What the audit log says about a free-text comment: that there is one and where it
    is kept, never the text (it may hold a BSN or health details; NEN 7513 logs the act)."""
    if comment and comment.strip():
        return "beoordeling met opmerking (tekst staat bij het dossier, niet in het logboek)"
    return "beoordeling zonder opmerking"
