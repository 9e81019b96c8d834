"""The audit log (verwerkingenlogging): verify the chain, search, Logboek, retention.

Verification checks the registry of chains (numbers 1..n without a gap, each genesis
linked to the one before), then walks the log once in ``seq`` order, following every
chain at the same time (within a chain ``seq`` increases with ``chain_seq``), and
recomputes every keyed hash; the first broken link is reported with its reason:

* ``gewijzigd`` – an entry's contents do not match its hash (edited, or renumbered);
* ``ontbreekt`` – a number within a chain is missing (an entry was deleted);
* ``andere_sleutel`` – the entry was signed with another key (or the key is wrong);
* ``niet_ondertekend`` – an entry has no hash at all;
* ``keten_ontbreekt`` – a chain was removed (a gap in the registry, entries of an
  unregistered chain, or an anchor of a chain the registry no longer has);
* ``afgekapt`` – the newest entries of a chain are gone: the chain's head in the registry
  or its anchor file (kept outside the database) names a later entry than the log holds.

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
    chain_genesis,
    chain_hash,
    id_text,
    key_id,
    local_anchors,
    replace_key,
    seq_text,
)
from jeugdtoegang.storage.audit_writer import flush_pending
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.models.audit import AuditChain, AuditEntry, AuditSubject
from jeugdtoegang.storage.models.households import Household, Person

_A = AuditEntry.__table__.c
_C = AuditChain.__table__.c
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
    """The outcome of a chain verification (``broken_seq`` None when intact).

    ``broken_seq`` and ``last_seq`` are global numbers (as the Logboek shows them);
    ``chain``/``chain_seq`` say where in which chain the break is; ``anchor_seq`` is the
    broken chain's (else chain 1's) anchor, as a number within that chain.
    """

    ok: bool
    checked: int
    last_seq: int
    broken_seq: int | None = None
    reason: str | None = None
    message: str = ""
    anchor_seq: int | None = None
    chains: int = 0
    chain: int | None = None
    chain_seq: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _ChainState:
    number: int
    head_seq: int
    head_hash: str
    expected: int = 1
    previous: str = GENESIS
    last_global: int = 0
    anchor_hash: str | None = None  # the hash found at the anchor's entry


def verify_chain_task(
    target: AppContext | Database, key: bytes | None = None, cancel: CancelToken | None = None
) -> ProgressTask[VerifyResult]:
    """Verify every chain as a progress generator (GUI); see :func:`verify_chain`."""
    if isinstance(target, AppContext):
        _require_audit(target)
        database = target.database
    else:
        database = target
    secret = key if key is not None else audit_key()
    our_key = key_id(secret)
    flush_pending(database)  # reads are logged through a queue: include them
    database_id = database.database_id
    anchors = local_anchors(database_id)
    raw = String()
    columns = (
        _A.seq, _A.chain_id, _A.chain_seq, type_coerce(_A.id, raw),
        type_coerce(_A.created_at, raw), _A.created_by, _A.role, _A.action, _A.object_type,
        type_coerce(_A.object_id, raw), type_coerce(_A.person_ids, raw), _A.purpose,
        _A.outcome, _A.key_id, _A.chain_hash,
    )  # fmt: skip
    loads = json.loads
    checked, last = 0, 0
    chains: dict[int, _ChainState] = {}

    def anchor_of(number: int | None) -> int | None:
        anchor = anchors.get(number or 1)
        return anchor.seq if anchor is not None else None

    def broken(seq: int, reason: str, message: str, state: _ChainState | None,
               chain_seq: int | None = None) -> VerifyResult:  # fmt: skip
        number = state.number if state is not None else None
        return VerifyResult(False, checked, last, seq, reason, message, anchor_of(number),
                            len(chains), number, chain_seq)  # fmt: skip

    with database.read_sessions() as session:
        registry = session.execute(
            select(
                _C.number, _C.genesis, type_coerce(_C.created_at, raw), _C.created_by,
                _C.head_seq, _C.head_hash,
            ).order_by(_C.number)
        ).all()  # fmt: skip
        previous_genesis = GENESIS
        for number, genesis, created_at, created_by, head_seq, head_hash in registry:
            if number != len(chains) + 1:
                missing = len(chains) + 1
                return broken(
                    0, "keten_ontbreekt",
                    f"Keten {missing} ontbreekt: een hele keten van het logboek is "
                    "verwijderd (het register van ketens heeft een gat).", None,
                )  # fmt: skip
            if chain_genesis(secret, previous_genesis, number, created_at, created_by) != genesis:
                replaced = _key_replaced_at(session, 0)
                if replaced:
                    return broken(
                        0, "andere_sleutel",
                        f"Keten {number} is met een andere sleutel begonnen. Bij regel "
                        f"{replaced} is de sleutel bewust vervangen (alarm): wat daarvoor met "
                        "de verloren sleutel is ondertekend, is niet meer te controleren.", None,
                    )  # fmt: skip
                return broken(
                    0, "keten_gewijzigd",
                    f"Het begin van keten {number} klopt niet: het register van ketens is "
                    "gewijzigd (of er wordt met een andere sleutel gecontroleerd).", None,
                )  # fmt: skip
            previous_genesis = genesis
            chains[number] = _ChainState(number, int(head_seq), head_hash, 1, genesis)
        for number in sorted(anchors):
            if number not in chains and anchors[number].seq > 0:
                return broken(
                    0, "keten_ontbreekt",
                    f"Het ankerbestand van keten {number} noemt regel {anchors[number].seq}, "
                    "maar die keten staat niet meer in het logboek: hij is verwijderd.", None,
                )  # fmt: skip
        total = sum(state.head_seq for state in chains.values())
        shown: dict[int, set[str]] = {}
        after = 0
        while True:
            rows = session.execute(
                select(*columns).where(_A.seq > after).order_by(_A.seq).limit(BATCH)
            ).all()
            if not rows:
                break
            for (seq, number, chain_seq, eid, at, by, role, action, otype, oid, persons,
                 purpose, outcome, kid, h) in rows:  # fmt: skip
                state = chains.get(number) if number is not None else None
                if state is None:
                    return broken(
                        seq, "keten_ontbreekt",
                        f"Regel {seq} hoort bij keten {number}, die niet in het register van "
                        "ketens staat: de keten is verwijderd of de regel is ingevoegd.", None,
                    )  # fmt: skip
                if chain_seq != state.expected:
                    if chain_seq is not None and chain_seq > state.expected:
                        where = state.last_global + 1
                        return broken(
                            where, "ontbreekt",
                            f"Regel {where} ontbreekt (nummer {state.expected} van keten "
                            f"{number}): er is een logregel verwijderd.", state, state.expected,
                        )  # fmt: skip
                    return broken(
                        seq, "gewijzigd",
                        f"Regel {seq} is gewijzigd (het nummer in keten {number} klopt niet).",
                        state, chain_seq,
                    )  # fmt: skip
                if h is None:
                    return broken(
                        seq, "niet_ondertekend", f"Regel {seq} heeft geen controlegetal.",
                        state, chain_seq,
                    )  # fmt: skip
                if kid != our_key:
                    replaced = _key_replaced_at(session, seq)
                    note = (
                        f" Bij regel {replaced} is de sleutel bewust vervangen (alarm): de "
                        "regels daarvoor zijn met de verloren sleutel niet meer te controleren."
                        if replaced
                        else " Controleer of de juiste logsleutel is ingesteld."
                    )
                    return broken(
                        seq, "andere_sleutel",
                        f"Regel {seq} is met een andere sleutel ondertekend.{note}",
                        state, chain_seq,
                    )  # fmt: skip
                people = loads(persons) if isinstance(persons, str) else persons
                entry = canonical(
                    seq_text(chain_seq, seq), eid, at, by, role, action, otype, oid,
                    people or (), purpose, outcome, kid,
                )  # fmt: skip
                if chain_hash(secret, state.previous, entry) != h:
                    return broken(
                        seq, "gewijzigd",
                        f"Regel {seq} is gewijzigd (of een eerdere regel is verwijderd en de "
                        "rest hernummerd).", state, chain_seq,
                    )  # fmt: skip
                anchor = anchors.get(number)
                if anchor is not None and anchor.seq == chain_seq:
                    state.anchor_hash = h
                if people:
                    shown[seq] = {id_text(p) for p in people}
                state.previous, state.expected, state.last_global = h, chain_seq + 1, seq
                last = seq
                checked += 1
            broken_index = _index_mismatch(session, after + 1, last, shown)
            if broken_index is not None:
                return broken(
                    broken_index, "index",
                    f"De personenindex bij regel {broken_index} wijkt af van de regel zelf "
                    "(personen toegevoegd of weggehaald): de inzage zou niet kloppen.", None,
                )  # fmt: skip
            shown.clear()
            after = last
            if cancel is not None:
                cancel.raise_if_cancelled()
            yield Progress(checked, max(total, checked), "Logboek controleren")
        stray = _index_mismatch(session, last + 1, None, {})  # reported after the tails
    for state in chains.values():
        end = state.expected - 1
        if state.head_seq > end:
            return broken(
                state.last_global + 1, "afgekapt",
                f"De laatste regels van keten {state.number} ontbreken: het register noemt "
                f"nummer {state.head_seq}, de keten eindigt bij {end}.", state, end + 1,
            )  # fmt: skip
        if state.head_seq == end and end > 0 and state.head_hash != state.previous:
            return broken(
                state.last_global, "gewijzigd",
                f"Het einde van keten {state.number} wijkt af van het register van ketens: "
                "het logboek is herschreven.", state, end,
            )  # fmt: skip
        anchor = anchors.get(state.number)
        if anchor is None:
            continue
        if anchor.seq > end:
            return broken(
                state.last_global + 1, "afgekapt",
                f"De laatste regels ontbreken: het ankerbestand noemt nummer {anchor.seq} van "
                f"keten {state.number}, die keten eindigt bij {end}.", state, end + 1,
            )  # fmt: skip
        if anchor.seq >= 1 and state.anchor_hash != anchor.chain_hash:
            return broken(
                _global_of(database, state.number, anchor.seq) or state.last_global,
                "gewijzigd",
                f"Nummer {anchor.seq} van keten {state.number} wijkt af van het ankerbestand: "
                "het logboek is herschreven.", state, anchor.seq,
            )  # fmt: skip
    if stray is not None:
        return broken(
            stray, "index", f"De personenindex noemt regel {stray}, die niet in het logboek staat.",
            None,
        )  # fmt: skip
    if database.dialect == "sqlite":
        # a local database writes a chain's anchor after every commit: a missing one was removed
        for state in chains.values():
            if state.expected > 1 and state.number not in anchors:
                return broken(
                    state.last_global, "anker_ontbreekt",
                    f"Het ankerbestand van keten {state.number} van dit logboek ontbreekt op "
                    "deze computer, terwijl de keten regels heeft: het is verwijderd. "
                    "Vergelijk met het anker op kantoor ('jeugdtoegang audit ankers').",
                    state, state.expected - 1,
                )  # fmt: skip
    note = "" if anchors else " (geen ankerbestand op deze computer)"
    in_chains = f" in {len(chains)} ketens" if len(chains) > 1 else ""
    return VerifyResult(True, checked, last, None, None,
                        f"Logboek intact: {checked} regels{in_chains}{note}.", anchor_of(1),
                        len(chains))  # fmt: skip


def _global_of(database: Database, chain: int, chain_seq: int) -> int | None:
    with database.read_sessions() as session:
        return session.execute(
            select(_A.seq).where(_A.chain_id == chain, _A.chain_seq == chain_seq)
        ).scalar()


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
    """Each chain's newest entry (number in the chain, hash), for sync bundles (no personal
    data); ``seq``/``chain_hash`` at the top name the newest entry of all."""
    flush_pending(ctx.database)
    with ctx.uow(readonly=True) as uow:
        row = uow.session.execute(
            select(_A.seq, _A.chain_hash, _A.key_id, _A.chain_id, _A.chain_seq)
            .order_by(_A.seq.desc())
            .limit(1)
        ).first()
        heads = uow.session.execute(
            select(_C.number, _C.head_seq, _C.head_hash, _A.seq)
            .select_from(AuditChain.__table__)
            .outerjoin(
                AuditEntry.__table__, and_(_A.chain_id == _C.number, _A.chain_seq == _C.head_seq)
            )
            .order_by(_C.number)
        ).all()
    return {
        "database_id": str(ctx.database.database_id),
        "seq": int(row.seq) if row else 0,
        "chain_hash": row.chain_hash if row else GENESIS,
        "key_id": row.key_id if row else None,
        "chain": row.chain_id if row else None,
        "chain_seq": row.chain_seq if row else None,
        "chains": [
            {"chain": int(n), "seq": int(h), "chain_hash": hh, "global_seq": g}
            for n, h, hh, g in heads
        ],
    }


def anchor_links(anchor: dict[str, Any]) -> list[tuple[int, int, str, int | None]]:
    """(chain, number in the chain, hash, global number) of every link an anchor names.

    An anchor of before 0016 (no chains) names chain 1, where both numbers were equal.
    """
    if isinstance(anchor.get("chains"), list):
        return [
            (int(c["chain"]), int(c["seq"]), str(c.get("chain_hash") or ""),
             c.get("global_seq"))
            for c in anchor["chains"]
        ]  # fmt: skip
    chain = anchor.get("chain_id") or 1
    seq = int(anchor["seq"])
    return [(int(chain), seq, str(anchor.get("chain_hash") or ""), seq if chain == 1 else None)]


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
    chain_id: int | None = None

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
                r.chain_id,
            )
            for r in received_anchors(uow.session)
        ]
    log_use(ctx, "ankers_inzien", purpose=f"{len(rows)} ankers")
    return rows


def verify_against_anchors(ctx: AppContext, anchors: Sequence[dict[str, Any]]) -> VerifyResult:
    """Verify the chains, then compare them with anchors the office kept for this database.

    Each kept anchor (chain, number, chain hash) of this database must still be in the log
    with the same hash: a chain cut off, rewritten or deleted as a whole (with its anchor
    file), or the whole log, is found this way, because the user of this computer cannot
    reach the office's copy.
    """
    result = verify_chain(ctx)
    own = str(ctx.database.database_id)
    mine = [a for a in anchors if str(a.get("source_database_id")) == own]
    links = sorted({link for a in mine for link in anchor_links(a)}, key=lambda x: x[:2])
    with ctx.uow(readonly=True) as uow:
        for chain, seq, hash_, global_seq in links:
            if seq == 0:
                continue
            stored = uow.session.execute(
                select(_A.chain_hash).where(_A.chain_id == chain, _A.chain_seq == seq)
            ).scalar()
            where = global_seq or seq
            if stored is None:
                return VerifyResult(
                    False, result.checked, result.last_seq, where, "afgekapt",
                    f"Het kantoor heeft een anker bij nummer {seq} van keten {chain}, maar "
                    "die regel staat niet meer in dit logboek: er zijn regels (of een hele "
                    "keten) verwijderd.", result.anchor_seq, result.chains, chain, seq,
                )  # fmt: skip
            if stored != hash_:
                return VerifyResult(
                    False, result.checked, result.last_seq, where, "gewijzigd",
                    f"Nummer {seq} van keten {chain} wijkt af van het anker op kantoor: het "
                    "logboek is herschreven.", result.anchor_seq, result.chains, chain, seq,
                )  # fmt: skip
    if result.ok and mine:
        return VerifyResult(True, result.checked, result.last_seq, None, None,
                            f"{result.message} {len(mine)} ankers van kantoor kloppen.",
                            result.anchor_seq, result.chains)  # fmt: skip
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
        # (only whether it exists: loading the dossier would read its members twice)
        found = uow.session.execute(select(Household.id).where(Household.id == household_id))
        if found.first() is None:
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
