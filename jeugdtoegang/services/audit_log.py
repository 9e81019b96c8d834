"""Reading the audit log: entry views and labels, the administrator's search, a dossier's
Logboek page by page, and logging the use of the log itself.

Both lists page by key (``seq``), newest first: a page is the newest ``limit`` entries
older than the last one shown (``before``), never an OFFSET, so the tenth page costs what
the first costs, whatever the size of the log.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from dateutil.relativedelta import relativedelta

from jeugdtoegang.domain.authz import Permission, can, refusal
from jeugdtoegang.errors import NotFoundError
from jeugdtoegang.services.authz import guarded, log_refusal
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import audit_queries
from jeugdtoegang.storage.audit_writer import flush_pending

SEARCH_LIMIT = 1000
#: entries per page of a dossier's Logboek (the tab shows the newest page first)
PAGE_SIZE = 50

ACTION_LABELS = {
    "inzien": "Ingezien",
    "registreren": "Geregistreerd",
    "wijzigen": "Gewijzigd",
    "inloggen": "Inloggen",
    "ontgrendelen": "Scherm ontgrendeld",
    "wachtwoord_controleren": "Wachtwoord gecontroleerd",
    "wachtwoord_wijzigen": "Wachtwoord gewijzigd",
    "wachtwoord_resetten": "Wachtwoord gereset",
    "gebruiker_aanmaken": "Gebruiker aangemaakt",
    "gebruiker_wijzigen": "Gebruiker gewijzigd",
    "gebruiker_uitschakelen": "Gebruiker uitgeschakeld",
    "gebruiker_activeren": "Gebruiker geactiveerd",
    "bsn_tonen": "BSN getoond",
    "logboek_inzien": "Logboek ingezien",
    "logboek_zoeken": "Logboek doorzocht",
    "keten_controleren": "Logboek gecontroleerd",
    "inzage_export": "Inzage-export gemaakt",
    "goedgekeurd": "Goedgekeurd",
    "teruggestuurd": "Teruggestuurd",
    "zoeken": "Gezocht",
    "doorbraak": "Doorbraak (dossier van ander team)",
    "doorbraak_rapport": "Doorbraakrapport ingezien",
    "sleutel_vervangen": "Logsleutel vervangen",
    "anker_ontvangen": "Anker van werkplek ontvangen",
    "ankers_inzien": "Ankers ingezien",
}
OBJECT_LABELS = {
    "household": "dossier",
    "person": "persoon",
    "plan": "perspectiefplan",
    "indication": "indicatie",
    "decision": "beschikking",
    "letter": "brief",
    "user": "gebruiker",
}
OUTCOME_LABELS = {
    "ok": "uitgevoerd",
    "geweigerd": "geweigerd",
    "mislukt": "mislukt",
    "alarm": "ALARM",
}


def action_label(action: str) -> str:
    """A readable Dutch label for an action code."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    if action.startswith("weigering:"):
        what = action.split(":", 1)[1]
        if what in Permission._value2member_map_:
            return f"Geweigerd: {Permission(what).label}"
        return {
            "team": "Geweigerd: dossier van ander team",
            "eigen_indiening": ("Geweigerd: eigen indiening beoordelen"),
        }.get(what, "Geweigerd")
    return action.replace("_", " ").capitalize()


@dataclass(frozen=True)
class AuditEntryView:
    seq: int
    at: datetime
    by: str
    role: str | None
    action: str
    object_type: str | None
    object_id: uuid.UUID | None
    person_ids: tuple[str, ...]
    purpose: str | None
    outcome: str

    @property
    def action_text(self) -> str:
        label = action_label(self.action)
        what = OBJECT_LABELS.get(self.object_type or "")
        if what and not label.startswith("Geweigerd") and self.object_type != "user":
            return f"{label} ({what})"
        return label

    @property
    def outcome_text(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        data["object_id"] = str(self.object_id) if self.object_id else None
        data["person_ids"] = list(self.person_ids)
        data["action_text"] = self.action_text
        return data


def _entry_view(row: Any) -> AuditEntryView:
    return AuditEntryView(
        seq=row.seq,
        at=row.created_at,
        by=row.created_by,
        role=row.role,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        person_ids=tuple(audit_queries.person_list(row.person_ids)),
        purpose=row.purpose,
        outcome=row.outcome,
    )


def log_use(
    ctx: AppContext,
    action: str,
    object_type: str | None = None,
    object_id: uuid.UUID | None = None,
    person_ids: Sequence[uuid.UUID] = (),
    purpose: str | None = None,
) -> None:
    """Log a use of the log itself (searching it is processing personal data too)."""
    with ctx.uow() as uow:
        uow.log_access(action, object_type, object_id, list(person_ids), purpose)
        uow.commit()


def require_audit(ctx: AppContext) -> None:
    """Refuse (logged) unless the actor may read the audit log."""
    if not can(ctx.actor, Permission.AUDIT_READ):
        error = refusal(
            "U heeft geen toestemming om het logboek (verwerkingenlogging) te raadplegen.",
            Permission.AUDIT_READ.value,
        )
        log_refusal(ctx, error, action="weigering:audit_read")
        raise error


@dataclass(frozen=True)
class AuditQuery:
    person_id: uuid.UUID | None = None
    username: str | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None
    outcome: str | None = None
    limit: int = SEARCH_LIMIT
    #: only entries older than this number (the next page after the last one shown)
    before: int | None = None


@guarded(Permission.AUDIT_READ)
def search_audit(ctx: AppContext, query: AuditQuery) -> list[AuditEntryView]:
    """Search the log (administrator): by person, user, action and period; newest first."""
    flush_pending(ctx.database)
    with ctx.uow(readonly=True) as uow:
        rows = audit_queries.search_entries(
            uow.session,
            person_id=query.person_id,
            username=query.username.strip() if query.username else None,
            action=query.action.strip() if query.action else None,
            outcome=query.outcome or None,
            since=_day_start(query.since) if query.since else None,
            until=_day_start(query.until + relativedelta(days=1)) if query.until else None,
            before=query.before,
            limit=query.limit,
        )
        views = [_entry_view(r) for r in rows]
        described = ", ".join(
            f"{k}={v}" for k, v in asdict(query).items() if v not in (None, "", SEARCH_LIMIT)
        )
    log_use(
        ctx,
        "logboek_zoeken",
        person_ids=[query.person_id] if query.person_id else (),
        purpose=described or "alles",
    )
    return views


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


@dataclass(frozen=True)
class LogPage:
    """One page of a dossier's Logboek, newest first; ``more``: older entries exist."""

    entries: tuple[AuditEntryView, ...]
    more: bool

    @property
    def next_before(self) -> int | None:
        """The key of the next (older) page: the number of the oldest entry shown."""
        return self.entries[-1].seq if self.entries and self.more else None


def dossier_log_page(
    ctx: AppContext, household_id: uuid.UUID, limit: int = PAGE_SIZE, before: int | None = None
) -> LogPage:
    """A page of the Logboek of one dossier: the newest ``limit`` logged actions on it or
    on its members, older than entry ``before`` when given. Each page read is logged."""
    if not (can(ctx.actor, Permission.DOSSIER_READ) or can(ctx.actor, Permission.AUDIT_READ)):
        error = refusal(
            "U heeft geen toestemming om het logboek van dit dossier in te zien.",
            Permission.DOSSIER_READ.value,
        )
        log_refusal(ctx, error, action="weigering:dossier_read", object_type="household",
                    object_id=household_id)  # fmt: skip
        raise error
    flush_pending(ctx.database)
    with ctx.uow(readonly=True) as uow:
        members = audit_queries.dossier_members(uow.session, household_id)
        if members is None:
            raise NotFoundError("Dit dossier bestaat niet (meer).")
        rows = audit_queries.dossier_entries(uow.session, household_id, members, limit + 1,
                                             before)  # fmt: skip
        purpose = "logboek dossier" if before is None else f"logboek dossier, voor regel {before}"
        uow.log_access("logboek_inzien", "household", household_id, members, purpose)
    return LogPage(tuple(_entry_view(r) for r in rows[:limit]), len(rows) > limit)


def dossier_log(
    ctx: AppContext, household_id: uuid.UUID, limit: int = 2000, before: int | None = None
) -> list[AuditEntryView]:
    """The Logboek of one dossier as one list: the newest ``limit`` entries (CLI, inzage)."""
    return list(dossier_log_page(ctx, household_id, limit, before).entries)
