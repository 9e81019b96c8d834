"""Authorisation at the service boundary: check, and log every refusal.

``guard(ctx, Permission.X)`` is :func:`jeugdtoegang.domain.authz.require` plus an audit
entry with outcome "geweigerd", written in its own short transaction (the refused
action's own transaction, if any, is rolled back and would take the entry with it).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from jeugdtoegang.domain.authz import Permission, forbid_self_approval, require, require_team
from jeugdtoegang.errors import PermissionDeniedError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.audit_writer import append_audit_entries
from jeugdtoegang.storage.uow import AccessRecord

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
    permission: Permission, *, object_type: str | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator for a use case ``f(ctx, ...)``: require ``permission`` first, and log
    every refusal raised inside (also a team or four-eyes check deep in the function)
    after the function's own transaction has been rolled back.

    The first argument after ``ctx``, when it is a UUID, is logged as the object id.
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            ctx = args[0]
            assert isinstance(ctx, AppContext)
            target = args[1] if len(args) > 1 and isinstance(args[1], uuid.UUID) else None
            try:
                require(ctx.actor, permission)
                return function(*args, **kwargs)
            except PermissionDeniedError as error:
                what = getattr(error, "permission", None) or permission.value
                log_refusal(
                    ctx,
                    error,
                    action=f"weigering:{what}",
                    object_type=object_type if target is not None else None,
                    object_id=target,
                )
                raise

        wrapper.__guarded__ = permission  # type: ignore[attr-defined]
        return wrapper

    return decorate
