"""Four-eyes review: the queue "Te beoordelen", approve or return, and the step history.

The queue is the union of the pending items of the areas (plans, indications,
decisions); each area keeps its own status and rules in ``approve_<thing>`` /
``return_<thing>``. This module adds what is common: the permission and four-eyes checks
(logged when refused) and the history of every step (:class:`ReviewStep`). The submission
step is recorded together with the decision on it (from the pending item's submitter and
time), so the history is complete whichever screen the item was submitted from.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.actor import SYSTEM_ACTOR
from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.domain.input_text import FREE_TEXT_MAX, text_errors
from jeugdtoegang.domain.text import person_shown
from jeugdtoegang.errors import FieldError, NotFoundError, ValidationError
from jeugdtoegang.services.authz import guard_household, guard_not_own, guarded, list_teams
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models.security import ReviewStep
from jeugdtoegang.storage.review_queue import QueueKey, queue_count, queue_keys
from jeugdtoegang.storage.review_steps import (
    display_names,
    last_action,
    steps_of_household,
    steps_of_item,
    steps_of_items_submitted_by,
)

SUBMITTED = "ingediend"
APPROVED = "goedgekeurd"
RETURNED = "teruggestuurd"
STEP_LABELS = {SUBMITTED: "Ingediend", APPROVED: "Goedgekeurd", RETURNED: "Teruggestuurd"}


@dataclass(frozen=True)
class _Area:
    object_type: str
    label: str
    module: str
    pending: str
    approve: str
    give_back: str


AREAS = (
    _Area("plan", "Perspectiefplan", "plans", "list_pending_plans", "approve_plan", "return_plan"),
    _Area(
        "indication",
        "Indicatie",
        "indications",
        "list_pending_indications",
        "approve_indication",
        "return_indication",
    ),
    _Area(
        "decision",
        "Beschikking",
        "decisions",
        "list_pending_decisions",
        "approve_decision",
        "return_decision",
    ),
)
_BY_TYPE = {area.object_type: area for area in AREAS}


@dataclass(frozen=True)
class ReviewItem:
    """One submitted item waiting for a team lead."""

    object_type: str
    type_label: str
    id: uuid.UUID
    household_id: uuid.UUID
    title: str
    submitted_by: str | None
    submitted_at: datetime | None
    findings: str
    motivations: str
    #: submitted by the current user: may not be approved by them
    own: bool
    #: the submitter's name (their login when the account is not known here)
    submitted_by_name: str | None = None

    @property
    def submitter(self) -> str:
        """Who submitted it, as people know them."""
        return person_shown(self.submitted_by_name, self.submitted_by)

    @property
    def key(self) -> QueueKey:
        """Where this item stands in the queue (for :func:`queue_page`)."""
        return QueueKey(self.submitted_at, self.object_type, self.id)


@dataclass(frozen=True)
class ReviewStepView:
    object_type: str
    object_id: uuid.UUID
    household_id: uuid.UUID | None
    action: str
    title: str | None
    comment: str | None
    by: str
    at: datetime
    #: the name of ``by`` (the login when the account is not known here)
    by_name: str | None = None

    @property
    def action_text(self) -> str:
        return STEP_LABELS.get(self.action, self.action)

    @property
    def who(self) -> str:
        """Who took the step, as people know them."""
        return person_shown(self.by_name, self.by)


def _function(area: _Area, name: str) -> Callable[..., Any] | None:
    try:
        module = importlib.import_module(f"jeugdtoegang.services.{area.module}")
    except ImportError:
        return None
    function = getattr(module, name, None)
    return function if callable(function) else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "\n".join(f"- {v}" if not str(v).startswith("-") else str(v) for v in value)
    return str(value)


def _item(
    ctx: AppContext, area: _Area, pending: Any, names: dict[str, str] | None = None
) -> ReviewItem:
    submitted_by = getattr(pending, "submitted_by", None)
    return ReviewItem(
        object_type=area.object_type,
        type_label=area.label,
        id=pending.id,
        household_id=pending.household_id,
        title=pending.title,
        submitted_by=submitted_by,
        submitted_at=getattr(pending, "submitted_at", None),
        findings=_text(getattr(pending, "findings", "")),
        motivations=_text(getattr(pending, "motivations", "")),
        own=bool(submitted_by) and submitted_by.casefold() == ctx.actor.username.casefold(),
        submitted_by_name=(names or {}).get(submitted_by or ""),
    )


def _named(ctx: AppContext, found: list[tuple[_Area, Any]]) -> list[ReviewItem]:
    """Review items with their submitters' names, read in one query."""
    with ctx.uow(readonly=True) as uow:
        names = display_names(uow.session, (getattr(p, "submitted_by", None) for _, p in found))
    return [_item(ctx, area, p, names) for area, p in found]


@guarded(Permission.APPROVE)
def list_queue(ctx: AppContext) -> list[ReviewItem]:
    """Everything waiting for review, oldest submission first (areas not built are skipped)."""
    found: list[tuple[_Area, Any]] = []
    for area in AREAS:
        pending = _function(area, area.pending)
        if pending is None:
            continue
        found.extend((area, p) for p in pending(ctx))
    items = _named(ctx, found)
    items.sort(key=lambda i: i.key.order())  # the order the pages follow (queue_page)
    return items


#: rows per page of the queue in the GUI
QUEUE_PAGE = 200


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue; ``last`` is the key to pass for the next page."""

    items: tuple[ReviewItem, ...]
    last: QueueKey | None
    more: bool


@guarded(Permission.APPROVE)
def queue_page(
    ctx: AppContext, limit: int = QUEUE_PAGE, after: QueueKey | None = None
) -> QueuePage:
    """The queue page after ``after`` (from the start when None), in :func:`list_queue`'s
    order; paged by key over the index ``(status, submitted_at, id)`` of each kind, so an
    item approved or added between pages never makes another repeat or go missing."""
    with ctx.uow(readonly=True) as uow:
        keys = queue_keys(uow.session, list_teams(ctx, Permission.APPROVE), limit + 1, after)
    more = len(keys) > limit
    keys = keys[:limit]
    waiting: list[tuple[_Area, Any]] = []
    for area in AREAS:
        ids = [k.id for k in keys if k.object_type == area.object_type]
        pending = _function(area, area.pending) if ids else None
        if pending is not None:
            waiting.extend((area, p) for p in pending(ctx, ids))
    found = {(i.object_type, i.id): i for i in _named(ctx, waiting)}
    items = tuple(found[(k.object_type, k.id)] for k in keys if (k.object_type, k.id) in found)
    return QueuePage(items, keys[-1] if keys else after, more)


@guarded(Permission.APPROVE)
def count_queue(ctx: AppContext) -> int:
    """How many items wait for review in the team lead's teams."""
    with ctx.uow(readonly=True) as uow:
        return queue_count(uow.session, list_teams(ctx, Permission.APPROVE))


@guarded(Permission.APPROVE)
def queue_item(ctx: AppContext, object_type: str, object_id: uuid.UUID) -> ReviewItem:
    """One waiting item (NotFoundError when it no longer waits)."""
    return _find(ctx, object_type, object_id)[1]


def _find(ctx: AppContext, object_type: str, object_id: uuid.UUID) -> tuple[_Area, ReviewItem]:
    area = _BY_TYPE.get(object_type)
    pending = _function(area, area.pending) if area else None
    if area is None or pending is None:
        raise NotFoundError(f"Onbekend soort item: {object_type}.")
    for candidate in pending(ctx, [object_id]):
        if candidate.id == object_id:
            return area, _named(ctx, [(area, candidate)])[0]
    raise NotFoundError("Dit item wacht niet (meer) op beoordeling; ververs de lijst.")


def _record(ctx: AppContext, item: ReviewItem, action: str, comment: str | None) -> None:
    with ctx.uow() as uow:
        session = uow.session
        recorded = last_action(session, item.object_type, item.id) == SUBMITTED
        if not recorded:
            session.add(
                ReviewStep(
                    object_type=item.object_type,
                    object_id=item.id,
                    household_id=item.household_id,
                    action=SUBMITTED,
                    title=item.title,
                    comment=None,
                    role="consulent",
                    created_by=item.submitted_by or "onbekend",
                    created_at=item.submitted_at,
                )
            )
            session.flush()
        session.add(
            ReviewStep(
                object_type=item.object_type,
                object_id=item.id,
                household_id=item.household_id,
                action=action,
                title=item.title,
                comment=comment,
                role=ctx.actor.primary_role.value,
            )
        )
        uow.commit()


@guarded(Permission.APPROVE, object_type="review")
def approve_item(
    ctx: AppContext, object_type: str, object_id: uuid.UUID, comment: str | None = None
) -> ReviewItem:
    """Approve a submitted item (never one's own); the step is kept in the history."""
    _check_comment(comment)
    area, item = _find(ctx, object_type, object_id)
    guard_not_own(ctx, item.submitted_by, object_type=object_type, object_id=object_id)
    approve = _function(area, area.approve)
    assert approve is not None
    approve(ctx, object_id, (comment or "").strip() or None)
    _record(ctx, item, APPROVED, (comment or "").strip() or None)
    return item


@guarded(Permission.APPROVE, object_type="review")
def return_item(
    ctx: AppContext, object_type: str, object_id: uuid.UUID, comment: str
) -> ReviewItem:
    """Send an item back to the consultant with a comment (required)."""
    _check_comment(comment)
    if not comment or not comment.strip():
        raise ValidationError(
            FieldError("comment", "Schrijf op wat er moet veranderen voordat u terugstuurt.")
        )
    area, item = _find(ctx, object_type, object_id)
    guard_not_own(ctx, item.submitted_by, object_type=object_type, object_id=object_id)
    give_back = _function(area, area.give_back)
    assert give_back is not None
    give_back(ctx, object_id, comment.strip())
    _record(ctx, item, RETURNED, comment.strip())
    return item


def _check_comment(comment: str | None) -> None:
    errors = text_errors("comment", comment, max_length=FREE_TEXT_MAX, multiline=True)
    if errors:
        raise ValidationError(errors)


def _step_views(session: Session, rows: Iterable[ReviewStep]) -> list[ReviewStepView]:
    steps = list(rows)
    names = display_names(session, (r.created_by for r in steps))
    return [
        ReviewStepView(
            object_type=row.object_type,
            object_id=row.object_id,
            household_id=row.household_id,
            action=row.action,
            title=row.title,
            comment=row.comment,
            by=row.created_by,
            at=row.created_at,
            by_name=names.get(row.created_by),
        )
        for row in steps
    ]


@guarded(Permission.DOSSIER_READ)
def history(ctx: AppContext, object_type: str, object_id: uuid.UUID) -> list[ReviewStepView]:
    """Every review step of one item, oldest first."""
    guard_household(ctx, Permission.DOSSIER_READ, object_type, object_id)
    with ctx.uow(readonly=True) as uow:
        return _step_views(uow.session, steps_of_item(uow.session, object_type, object_id))


@guarded(Permission.DOSSIER_READ, target="household")
def household_history(ctx: AppContext, household_id: uuid.UUID) -> list[ReviewStepView]:
    """Every review step of a dossier's plans, indications and decisions, oldest first."""
    with ctx.uow(readonly=True) as uow:
        return _step_views(uow.session, steps_of_household(uow.session, household_id))


@guarded(Permission.DOSSIER_READ)
def returned_to_me(ctx: AppContext) -> list[ReviewStepView]:
    """Items I submitted that were sent back and not resubmitted yet, with the comments.

    Reads only the history of items I submitted (not the whole history), and asks the
    areas only whether those items are pending again."""
    with ctx.uow(readonly=True) as uow:
        rows = steps_of_items_submitted_by(uow.session, ctx.actor.username, SUBMITTED)
        latest: dict[tuple[str, uuid.UUID], ReviewStep] = {}
        submitter: dict[tuple[str, uuid.UUID], str] = {}
        for row in rows:
            key = (row.object_type, row.object_id)
            latest[key] = row
            if row.action == SUBMITTED:
                submitter[key] = row.created_by
        me = ctx.actor.username.casefold()
        returned = {
            key: step
            for key, step in latest.items()
            if step.action == RETURNED and submitter.get(key, "").casefold() == me
        }
        # which of them are pending again (asked as the system, since a consultant may
        # not list the review queue itself)
        internal = ctx.with_actor(SYSTEM_ACTOR)
        pending: set[tuple[str, uuid.UUID]] = set()
        for area in AREAS:
            ids = [object_id for kind, object_id in returned if kind == area.object_type]
            function = _function(area, area.pending) if ids else None
            if function is not None:
                pending |= {(area.object_type, p.id) for p in function(internal, ids)}
        return _step_views(
            uow.session, (step for key, step in returned.items() if key not in pending)
        )


def latest_return_comment(ctx: AppContext, object_type: str, object_id: uuid.UUID) -> str | None:
    """The comment of the last "teruggestuurd" step (shown to the consultant), if any."""
    steps = history(ctx, object_type, object_id)
    for step in reversed(steps):
        if step.action == RETURNED:
            return step.comment
        if step.action == APPROVED:
            return None
    return None
