"""The audit log (verwerkingenlogging): verify the chain, search, Logboek, retention.

Verification walks the log in ``seq`` order and recomputes every keyed hash; the first
broken link is reported with its reason:

* ``gewijzigd`` – an entry's contents do not match its hash (edited, or renumbered);
* ``ontbreekt`` – a number is missing (an entry was deleted);
* ``andere_sleutel`` – the entry was signed with another key (or the key is wrong);
* ``niet_ondertekend`` – an entry has no hash at all;
* ``afgekapt`` – the newest entries are gone: the audit counter or the anchor file (kept
  outside the database) names a later entry than the log holds.

The inzage export (AVG art. 15) lives in :mod:`jeugdtoegang.services.inzage`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import String, and_, select, true, type_coerce
from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission, can, refusal
from jeugdtoegang.errors import FieldError, NotFoundError, PermissionDeniedError, ValidationError
from jeugdtoegang.progress import CancelToken, Progress, ProgressTask, run_to_end
from jeugdtoegang.services.authz import guarded, log_refusal
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.audit_anchors import received_anchors
from jeugdtoegang.storage.audit_chain import (
    GENESIS,
    audit_key,
    canonical,
    chain_hash,
    id_text,
    key_id,
    read_anchor,
    replace_key,
)
from jeugdtoegang.storage.audit_writer import AUDIT_COUNTER, flush_pending
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.models.audit import AuditEntry, AuditSubject
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.meta import SequenceCounter

_A = AuditEntry.__table__.c
BATCH = 20_000
SEARCH_LIMIT = 1000

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


# --- verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of a chain verification (``broken_seq`` None when intact)."""

    ok: bool
    checked: int
    last_seq: int
    broken_seq: int | None = None
    reason: str | None = None
    message: str = ""
    anchor_seq: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _broken(checked: int, last: int, seq: int, reason: str, message: str, anchor: int | None):
    return VerifyResult(False, checked, last, seq, reason, message, anchor)


def verify_chain_task(
    target: AppContext | Database, key: bytes | None = None, cancel: CancelToken | None = None
) -> ProgressTask[VerifyResult]:
    """Verify the chain as a progress generator (GUI); see :func:`verify_chain`."""
    if isinstance(target, AppContext):
        _require_audit(target)
        database = target.database
    else:
        database = target
    secret = key if key is not None else audit_key()
    our_key = key_id(secret)
    flush_pending(database)  # reads are logged through a queue: include them
    database_id = database.database_id
    anchor = read_anchor(database_id)
    anchor_seq = anchor.seq if anchor is not None else None
    raw = String()
    columns = (
        _A.seq, type_coerce(_A.id, raw), type_coerce(_A.created_at, raw), _A.created_by, _A.role,
        _A.action, _A.object_type, type_coerce(_A.object_id, raw), type_coerce(_A.person_ids, raw),
        _A.purpose, _A.outcome, _A.key_id, _A.chain_hash,
    )  # fmt: skip
    loads = json.loads
    with database.read_sessions() as session:
        counter = session.execute(
            select(SequenceCounter.last_seq).where(SequenceCounter.name == AUDIT_COUNTER)
        ).scalar()
        total = int(counter or 0)
        previous, expected, checked, last = GENESIS, 1, 0, 0
        hashes_at_anchor: str | None = None
        shown: dict[int, set[str]] = {}
        while True:
            rows = session.execute(
                select(*columns).where(_A.seq >= expected).order_by(_A.seq).limit(BATCH)
            ).all()
            if not rows:
                break
            for (
                seq,
                eid,
                at,
                by,
                role,
                action,
                otype,
                oid,
                persons,
                purpose,
                outcome,
                kid,
                h,
            ) in rows:
                if seq != expected:
                    return _broken(
                        checked, last, expected, "ontbreekt",
                        f"Regel {expected} ontbreekt: er is een logregel verwijderd.", anchor_seq,
                    )  # fmt: skip
                if h is None:
                    return _broken(
                        checked, last, seq, "niet_ondertekend",
                        f"Regel {seq} heeft geen controlegetal.", anchor_seq,
                    )  # fmt: skip
                if kid != our_key:
                    replaced = _key_replaced_at(session, seq)
                    note = (
                        f" Bij regel {replaced} is de sleutel bewust vervangen (alarm): de "
                        "regels daarvoor zijn met de verloren sleutel niet meer te controleren."
                        if replaced
                        else " Controleer of de juiste logsleutel is ingesteld."
                    )
                    return _broken(
                        checked, last, seq, "andere_sleutel",
                        f"Regel {seq} is met een andere sleutel ondertekend.{note}", anchor_seq,
                    )  # fmt: skip
                people = loads(persons) if isinstance(persons, str) else persons
                entry = canonical(
                    seq, eid, at, by, role, action, otype, oid, people or (), purpose,
                    outcome, kid,
                )  # fmt: skip
                if chain_hash(secret, previous, entry) != h:
                    return _broken(
                        checked, last, seq, "gewijzigd",
                        f"Regel {seq} is gewijzigd (of een eerdere regel is verwijderd en de "
                        "rest hernummerd).", anchor_seq,
                    )  # fmt: skip
                if anchor_seq == seq:
                    hashes_at_anchor = h
                if people:
                    shown[seq] = {id_text(p) for p in people}
                previous, expected, last = h, seq + 1, seq
                checked += 1
            broken_index = _index_mismatch(session, rows[0][0], last, shown)
            if broken_index is not None:
                return _broken(
                    checked, last, broken_index, "index",
                    f"De personenindex bij regel {broken_index} wijkt af van de regel zelf "
                    "(personen toegevoegd of weggehaald): de inzage zou niet kloppen.",
                    anchor_seq,
                )  # fmt: skip
            shown.clear()
            if cancel is not None:
                cancel.raise_if_cancelled()
            yield Progress(checked, max(total, checked), "Logboek controleren")
        stray = _index_mismatch(session, last + 1, None, {})  # reported after the tail
    if total > last:
        return _broken(
            checked, last, last + 1, "afgekapt",
            f"De laatste regels ontbreken: de teller staat op {total}, het logboek eindigt "
            f"bij {last}.", anchor_seq,
        )  # fmt: skip
    if anchor is not None and anchor_seq is not None:
        if anchor_seq > last:
            return _broken(
                checked, last, last + 1, "afgekapt",
                f"De laatste regels ontbreken: het ankerbestand noemt regel {anchor_seq}, het "
                f"logboek eindigt bij {last}.", anchor_seq,
            )  # fmt: skip
        if anchor_seq >= 1 and hashes_at_anchor != anchor.chain_hash:
            return _broken(
                checked, last, anchor_seq, "gewijzigd",
                f"Regel {anchor_seq} wijkt af van het ankerbestand: het logboek is "
                "herschreven.", anchor_seq,
            )  # fmt: skip
    if stray is not None:
        return _broken(
            checked, last, stray, "index",
            f"De personenindex noemt regel {stray}, die niet in het logboek staat.",
            anchor_seq,
        )  # fmt: skip
    if anchor is None and last > 0 and database.dialect == "sqlite":
        # a local database writes its anchor after every commit: a missing one was removed
        return _broken(
            checked, last, last, "anker_ontbreekt",
            "Het ankerbestand van dit logboek ontbreekt op deze computer, terwijl het "
            "logboek regels heeft: het is verwijderd. Vergelijk met het anker op kantoor "
            "('jeugdtoegang audit ankers').", anchor_seq,
        )  # fmt: skip
    note = "" if anchor is not None else " (geen ankerbestand op deze computer)"
    return VerifyResult(True, checked, last, None, None, f"Logboek intact: {checked} regels{note}.",
                        anchor_seq)  # fmt: skip


def _key_replaced_at(session: Any, after: int) -> int | None:
    return session.execute(
        select(_A.seq).where(_A.action == KEY_REPLACED, _A.seq >= after).order_by(_A.seq).limit(1)
    ).scalar()


KEY_REPLACED = "sleutel_vervangen"


@guarded(Permission.AUDIT_READ)
def replace_audit_key(ctx: AppContext, reason: str) -> tuple[str | None, str]:
    """The administrator deliberately starts a new log key after the old one was lost.

    Logged as an alarm entry (outcome "alarm") naming the old and new key ids and the
    reason; verification then reports where the key changed.
    """
    text = " ".join((reason or "").split())
    if len(text) < 10:
        raise ValidationError(FieldError("reden", "Schrijf op waarom de sleutel wordt vervangen."))
    old_id, new_id = replace_key()
    with ctx.uow() as uow:
        uow.log_access(KEY_REPLACED, None, None, (), f"oude sleutel {old_id or 'onbekend'}, "
                       f"nieuwe sleutel {new_id}: {text}"[:500], "alarm")  # fmt: skip
        uow.commit()
    return old_id, new_id


def _index_mismatch(
    session: Any, low: int, high: int | None, shown: dict[int, set[str]]
) -> int | None:
    """The first entry in [low, high] whose person index differs from its (hashed)
    ``person_ids``; the index used by inzage and the Logboek is covered by the chain."""
    query = select(AuditSubject.entry_seq, type_coerce(AuditSubject.person_id, String())).where(
        AuditSubject.entry_seq >= low
    )
    if high is not None:
        query = query.where(AuditSubject.entry_seq <= high)
    indexed: dict[int, set[str]] = {}
    for seq, person in session.execute(query):
        indexed.setdefault(seq, set()).add(id_text(person))
    for seq in sorted(set(indexed) | set(shown)):
        if indexed.get(seq, set()) != shown.get(seq, set()):
            return int(seq)
    return None


def verify_chain(target: AppContext | Database, key: bytes | None = None) -> VerifyResult:
    """Verify the whole chain; with a context, the check needs AUDIT_READ and is logged."""
    result = run_to_end(verify_chain_task(target, key))
    if isinstance(target, AppContext):
        log_use(target, "keten_controleren", purpose=result.message[:200])
    return result


def latest_anchor(ctx: AppContext) -> dict[str, Any]:
    """The newest entry's number and chain hash, for sync bundles (no personal data)."""
    flush_pending(ctx.database)
    with ctx.uow(readonly=True) as uow:
        row = uow.session.execute(
            select(_A.seq, _A.chain_hash, _A.key_id).order_by(_A.seq.desc()).limit(1)
        ).first()
    return {
        "database_id": str(ctx.database.database_id),
        "seq": int(row.seq) if row else 0,
        "chain_hash": row.chain_hash if row else GENESIS,
        "key_id": row.key_id if row else None,
    }


# --- anchors kept elsewhere (the office) ----------------------------------------------------


@dataclass(frozen=True)
class AnchorView:
    """One anchor a workstation sent (kept by the importing database)."""

    source_database_id: str
    source_name: str | None
    seq: int
    chain_hash: str
    key_id: str | None
    received_at: datetime
    status: str
    note: str | None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["received_at"] = self.received_at.isoformat()
        return data


def received_anchor_report(ctx: AppContext) -> list[AnchorView]:
    """Every anchor received from workstations, newest first, alarms marked (printable
    for the team lead; no personal data)."""
    if not (can(ctx.actor, Permission.AUDIT_READ) or can(ctx.actor, Permission.APPROVE)):
        _require_audit(ctx)
    with ctx.uow(readonly=True) as uow:
        rows = [
            AnchorView(
                str(r.source_database_id),
                r.source_name,
                r.seq,
                r.chain_hash,
                r.key_id,
                r.received_at,
                r.status,
                r.note,
            )
            for r in received_anchors(uow.session)
        ]
    log_use(ctx, "ankers_inzien", purpose=f"{len(rows)} ankers")
    return rows


def verify_against_anchors(ctx: AppContext, anchors: Sequence[dict[str, Any]]) -> VerifyResult:
    """Verify the chain, then compare it with anchors the office kept for this database.

    Each kept anchor (seq, chain hash) of this database must still be in the log with the
    same hash: a log cut off, rewritten or deleted as a whole (with its anchor file) is
    found this way, because the user of this computer cannot reach the office's copy.
    """
    result = verify_chain(ctx)
    own = str(ctx.database.database_id)
    mine = [a for a in anchors if str(a.get("source_database_id")) == own]
    with ctx.uow(readonly=True) as uow:
        for anchor in sorted(mine, key=lambda a: int(a["seq"])):
            seq = int(anchor["seq"])
            if seq == 0:
                continue
            stored = uow.session.execute(select(_A.chain_hash).where(_A.seq == seq)).scalar()
            if stored is None:
                return _broken(
                    result.checked, result.last_seq, seq, "afgekapt",
                    f"Het kantoor heeft een anker bij regel {seq}, maar die regel staat niet "
                    "meer in dit logboek: er zijn regels verwijderd.", result.anchor_seq,
                )  # fmt: skip
            if stored != anchor.get("chain_hash"):
                return _broken(
                    result.checked, result.last_seq, seq, "gewijzigd",
                    f"Regel {seq} wijkt af van het anker op kantoor: het logboek is "
                    "herschreven.", result.anchor_seq,
                )  # fmt: skip
    if result.ok and mine:
        return VerifyResult(True, result.checked, result.last_seq, None, None,
                            f"{result.message} {len(mine)} ankers van kantoor kloppen.",
                            result.anchor_seq)  # fmt: skip
    return result


# --- reading the log -----------------------------------------------------------------------


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
    persons = row.person_ids
    if isinstance(persons, str):  # some drivers hand JSON back as text
        persons = json.loads(persons)
    return AuditEntryView(
        seq=row.seq,
        at=row.created_at,
        by=row.created_by,
        role=row.role,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        person_ids=tuple(persons or ()),
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


def _require_audit(ctx: AppContext) -> None:
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


@guarded(Permission.AUDIT_READ)
def search_audit(ctx: AppContext, query: AuditQuery) -> list[AuditEntryView]:
    """Search the log (administrator): by person, user, action and period; newest first."""
    conditions = []
    if query.person_id is not None:
        conditions.append(
            _A.seq.in_(
                select(AuditSubject.entry_seq).where(AuditSubject.person_id == query.person_id)
            )
        )
    if query.username:
        conditions.append(_A.created_by == query.username.strip())
    if query.action:
        conditions.append(_A.action == query.action.strip())
    if query.outcome:
        conditions.append(_A.outcome == query.outcome)
    if query.since:
        conditions.append(_A.created_at >= _day_start(query.since))
    if query.until:
        conditions.append(_A.created_at < _day_start(query.until + relativedelta(days=1)))
    flush_pending(ctx.database)
    with ctx.uow(readonly=True) as uow:
        rows = uow.session.execute(
            select(AuditEntry.__table__)
            .where(and_(true(), *conditions))
            .order_by(_A.seq.desc())
            .limit(query.limit)
        ).all()
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


def dossier_log(
    ctx: AppContext, household_id: uuid.UUID, limit: int = 2000
) -> list[AuditEntryView]:
    """The Logboek of one dossier: every logged action on it or on its members."""
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
        if uow.get(Household, household_id) is None:
            raise NotFoundError("Dit dossier bestaat niet (meer).")
        members = list(
            uow.session.execute(
                select(Person.id).where(Person.household_id == household_id)
            ).scalars()
        )
        rows = _dossier_entries(uow.session, household_id, members, limit)
        uow.log_access("logboek_inzien", "household", household_id, members, "logboek dossier")
    return [_entry_view(r) for r in rows]


#: object types whose entries carry a household id as ``object_id``
DOSSIER_OBJECT_TYPES = ("household", "plan")


def _dossier_entries(
    session: Session, household_id: uuid.UUID, members: list[uuid.UUID], limit: int
) -> list[Any]:
    """The newest ``limit`` entries on the dossier or its members, through indexes only.

    Each source is read newest first from its own index (object type + id; person +
    sequence) with its own limit, so the cost follows the dossier, not the log's size.
    """
    on_dossier = session.execute(
        select(_A.seq)
        .where(_A.object_type.in_(DOSSIER_OBJECT_TYPES), _A.object_id == household_id)
        .order_by(_A.seq.desc())
        .limit(limit)
    ).scalars()
    about_members = (
        session.execute(
            select(AuditSubject.entry_seq)
            .where(AuditSubject.person_id.in_(members))
            .order_by(AuditSubject.entry_seq.desc())
            .limit(limit)
        ).scalars()
        if members
        else []
    )
    wanted = sorted({*on_dossier, *about_members}, reverse=True)[:limit]
    rows: list[Any] = []
    for start in range(0, len(wanted), 500):
        rows += session.execute(
            select(AuditEntry.__table__).where(_A.seq.in_(wanted[start : start + 500]))
        ).all()
    rows.sort(key=lambda row: row.seq, reverse=True)
    return rows


# --- retention -----------------------------------------------------------------------------


def retention_years(ctx: AppContext) -> int:
    """The dossier and log retention term of the region (Jeugdwet art. 7.3.8; a setting)."""
    return int(ctx.profile.settings.retention_years)


def retention_cutoff(ctx: AppContext) -> date:
    """Log entries and dossier records made before this date are past their retention
    term (nothing is deleted automatically; this date is shown to the administrator)."""
    return ctx.today() - relativedelta(years=retention_years(ctx))


def retention_until(ctx: AppContext, made_on: date) -> date:
    """Until when something made on ``made_on`` must be kept."""
    return made_on + relativedelta(years=retention_years(ctx))


__all__ = [
    "AuditEntryView",
    "AuditQuery",
    "PermissionDeniedError",
    "VerifyResult",
    "action_label",
    "dossier_log",
    "latest_anchor",
    "retention_cutoff",
    "retention_until",
    "retention_years",
    "search_audit",
    "verify_chain",
    "verify_chain_task",
]
