"""Verify the audit log's keyed hash chains, and replace a lost key deliberately.

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
  or its anchor file (kept outside the database) names a later entry than the log holds;
* ``index`` – the person index differs from the persons an entry names.

A million entries are a normal year of a team, so the walk reads the log in large ordered
chunks as stored (on SQLite straight from the DBAPI cursor), hashes with one prepared key
state (:class:`ChainHasher`) and parses each distinct person list once per chunk.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.errors import FieldError, ValidationError
from jeugdtoegang.progress import CancelToken, Progress, ProgressTask, run_to_end
from jeugdtoegang.services.audit_log import log_use, require_audit
from jeugdtoegang.services.authz import guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import audit_queries
from jeugdtoegang.storage.audit_chain import (
    GENESIS,
    Anchor,
    ChainHasher,
    audit_key,
    canonical_text,
    chain_genesis,
    id_text,
    key_id,
    local_anchors,
    replace_key,
    seq_text,
)
from jeugdtoegang.storage.audit_writer import flush_pending
from jeugdtoegang.storage.database import Database

BATCH = 20_000
KEY_REPLACED = "sleutel_vervangen"


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


class _Walk:
    """What one verification has seen so far, and how it words a break."""

    def __init__(self, anchors: dict[int, Anchor]) -> None:
        self.anchors = anchors
        self.chains: dict[int, _ChainState] = {}
        self.checked = 0
        self.last = 0

    def anchor_of(self, number: int | None) -> int | None:
        anchor = self.anchors.get(number or 1)
        return anchor.seq if anchor is not None else None

    def broken(self, seq: int, reason: str, message: str, state: _ChainState | None,
               chain_seq: int | None = None) -> VerifyResult:  # fmt: skip
        number = state.number if state is not None else None
        return VerifyResult(False, self.checked, self.last, seq, reason, message,
                            self.anchor_of(number), len(self.chains), number, chain_seq)  # fmt: skip


def verify_chain_task(
    target: AppContext | Database, key: bytes | None = None, cancel: CancelToken | None = None
) -> ProgressTask[VerifyResult]:
    """Verify every chain as a progress generator (GUI); see :func:`verify_chain`."""
    if isinstance(target, AppContext):
        require_audit(target)
        database = target.database
    else:
        database = target
    secret = key if key is not None else audit_key()
    flush_pending(database)  # reads are logged through a queue: include them
    walk = _Walk(local_anchors(database.database_id))
    with database.read_sessions() as session:
        problem = _check_registry(session, walk, secret)
        if problem is not None:
            return problem
        problem = yield from _check_entries(session, walk, secret, cancel)
        if problem is not None:
            return problem
        stray = _index_mismatch(session, walk.last + 1, None, {})  # reported after the tails
    problem = _check_tails(database, walk)
    if problem is not None:
        return problem
    if stray is not None:
        return walk.broken(
            stray, "index", f"De personenindex noemt regel {stray}, die niet in het logboek staat.",
            None,
        )  # fmt: skip
    if database.dialect == "sqlite":
        # a local database writes a chain's anchor after every commit: a missing one was removed
        for state in walk.chains.values():
            if state.expected > 1 and state.number not in walk.anchors:
                return walk.broken(
                    state.last_global, "anker_ontbreekt",
                    f"Het ankerbestand van keten {state.number} van dit logboek ontbreekt op "
                    "deze computer, terwijl de keten regels heeft: het is verwijderd. "
                    "Vergelijk met het anker op kantoor ('jeugdtoegang audit ankers').",
                    state, state.expected - 1,
                )  # fmt: skip
    note = "" if walk.anchors else " (geen ankerbestand op deze computer)"
    count = len(walk.chains)
    in_chains = f" in {count} ketens" if count > 1 else ""
    return VerifyResult(True, walk.checked, walk.last, None, None,
                        f"Logboek intact: {walk.checked} regels{in_chains}{note}.",
                        walk.anchor_of(1), count)  # fmt: skip


def _check_registry(session: Session, walk: _Walk, secret: bytes) -> VerifyResult | None:
    """The registry of chains: numbers without a gap, each genesis linked to the previous."""
    chains = walk.chains
    previous_genesis = GENESIS
    registry = audit_queries.chain_registry(session)
    for number, genesis, created_at, created_by, head_seq, head_hash in registry:
        if number != len(chains) + 1:
            missing = len(chains) + 1
            return walk.broken(
                0, "keten_ontbreekt",
                f"Keten {missing} ontbreekt: een hele keten van het logboek is "
                "verwijderd (het register van ketens heeft een gat).", None,
            )  # fmt: skip
        if chain_genesis(secret, previous_genesis, number, created_at, created_by) != genesis:
            replaced = audit_queries.first_entry_with_action(session, KEY_REPLACED, 0)
            if replaced:
                return walk.broken(
                    0, "andere_sleutel",
                    f"Keten {number} is met een andere sleutel begonnen. Bij regel "
                    f"{replaced} is de sleutel bewust vervangen (alarm): wat daarvoor met "
                    "de verloren sleutel is ondertekend, is niet meer te controleren.", None,
                )  # fmt: skip
            return walk.broken(
                0, "keten_gewijzigd",
                f"Het begin van keten {number} klopt niet: het register van ketens is "
                "gewijzigd (of er wordt met een andere sleutel gecontroleerd).", None,
            )  # fmt: skip
        previous_genesis = genesis
        chains[number] = _ChainState(number, int(head_seq), head_hash, 1, genesis)
    for number in sorted(walk.anchors):
        if number not in chains and walk.anchors[number].seq > 0:
            return walk.broken(
                0, "keten_ontbreekt",
                f"Het ankerbestand van keten {number} noemt regel {walk.anchors[number].seq}, "
                "maar die keten staat niet meer in het logboek: hij is verwijderd.", None,
            )  # fmt: skip
    return None


def _check_entries(
    session: Session, walk: _Walk, secret: bytes, cancel: CancelToken | None
) -> Generator[Progress, None, VerifyResult | None]:
    """Walk every entry in ``seq`` order, chunk by chunk; the first break, or None.

    A generator (progress after each chunk) whose return value is the break.
    """
    chains, anchors = walk.chains, walk.anchors
    our_key = key_id(secret)
    link = ChainHasher(secret).link
    loads = json.loads
    total = sum(state.head_seq for state in chains.values())
    after = 0
    for rows in audit_queries.entry_chunks(session, BATCH):
        shown: dict[int, frozenset[str]] = {}
        parsed: dict[str, tuple[list[str], frozenset[str]]] = {}  # person lists, this chunk
        for (seq, number, chain_seq, eid, at, by, role, action, otype, oid, persons,
             purpose, outcome, kid, h) in rows:  # fmt: skip
            state = chains.get(number) if number is not None else None
            if state is None:
                return walk.broken(
                    seq, "keten_ontbreekt",
                    f"Regel {seq} hoort bij keten {number}, die niet in het register van "
                    "ketens staat: de keten is verwijderd of de regel is ingevoegd.", None,
                )  # fmt: skip
            if chain_seq != state.expected:
                if chain_seq is not None and chain_seq > state.expected:
                    where = state.last_global + 1
                    return walk.broken(
                        where, "ontbreekt",
                        f"Regel {where} ontbreekt (nummer {state.expected} van keten "
                        f"{number}): er is een logregel verwijderd.", state, state.expected,
                    )  # fmt: skip
                return walk.broken(
                    seq, "gewijzigd",
                    f"Regel {seq} is gewijzigd (het nummer in keten {number} klopt niet).",
                    state, chain_seq,
                )  # fmt: skip
            if h is None:
                return walk.broken(
                    seq, "niet_ondertekend", f"Regel {seq} heeft geen controlegetal.",
                    state, chain_seq,
                )  # fmt: skip
            if kid != our_key:
                replaced = audit_queries.first_entry_with_action(session, KEY_REPLACED, seq)
                note = (
                    f" Bij regel {replaced} is de sleutel bewust vervangen (alarm): de "
                    "regels daarvoor zijn met de verloren sleutel niet meer te controleren."
                    if replaced
                    else " Controleer of de juiste logsleutel is ingesteld."
                )
                return walk.broken(
                    seq, "andere_sleutel",
                    f"Regel {seq} is met een andere sleutel ondertekend.{note}",
                    state, chain_seq,
                )  # fmt: skip
            if isinstance(persons, str):
                known = parsed.get(persons)
                if known is None:
                    people = loads(persons) or ()
                    known = parsed[persons] = (people, frozenset(id_text(p) for p in people))
                people, ids = known
            else:
                people = persons or ()
                ids = frozenset(id_text(p) for p in people)
            text = canonical_text(
                seq_text(chain_seq, seq), eid, at, by, role, action, otype, oid, people,
                purpose, outcome, kid,
            )  # fmt: skip
            if link(state.previous, text) != h:
                return walk.broken(
                    seq, "gewijzigd",
                    f"Regel {seq} is gewijzigd (of een eerdere regel is verwijderd en de "
                    "rest hernummerd).", state, chain_seq,
                )  # fmt: skip
            anchor = anchors.get(number)
            if anchor is not None and anchor.seq == chain_seq:
                state.anchor_hash = h
            if ids:
                shown[seq] = ids
            state.previous, state.expected, state.last_global = h, chain_seq + 1, seq
            walk.last = seq
            walk.checked += 1
        broken_index = _index_mismatch(session, after + 1, walk.last, shown)
        if broken_index is not None:
            return walk.broken(
                broken_index, "index",
                f"De personenindex bij regel {broken_index} wijkt af van de regel zelf "
                "(personen toegevoegd of weggehaald): de inzage zou niet kloppen.", None,
            )  # fmt: skip
        after = walk.last
        if cancel is not None:
            cancel.raise_if_cancelled()
        yield Progress(walk.checked, max(total, walk.checked), "Logboek controleren")
    return None


def _check_tails(database: Database, walk: _Walk) -> VerifyResult | None:
    """Each chain's end against its head in the registry and its anchor file."""
    for state in walk.chains.values():
        end = state.expected - 1
        if state.head_seq > end:
            return walk.broken(
                state.last_global + 1, "afgekapt",
                f"De laatste regels van keten {state.number} ontbreken: het register noemt "
                f"nummer {state.head_seq}, de keten eindigt bij {end}.", state, end + 1,
            )  # fmt: skip
        if state.head_seq == end and end > 0 and state.head_hash != state.previous:
            return walk.broken(
                state.last_global, "gewijzigd",
                f"Het einde van keten {state.number} wijkt af van het register van ketens: "
                "het logboek is herschreven.", state, end,
            )  # fmt: skip
        anchor = walk.anchors.get(state.number)
        if anchor is None:
            continue
        if anchor.seq > end:
            return walk.broken(
                state.last_global + 1, "afgekapt",
                f"De laatste regels ontbreken: het ankerbestand noemt nummer {anchor.seq} van "
                f"keten {state.number}, die keten eindigt bij {end}.", state, end + 1,
            )  # fmt: skip
        if anchor.seq >= 1 and state.anchor_hash != anchor.chain_hash:
            with database.read_sessions() as session:
                where = audit_queries.global_number(session, state.number, anchor.seq)
            return walk.broken(
                where or state.last_global,
                "gewijzigd",
                f"Nummer {anchor.seq} van keten {state.number} wijkt af van het ankerbestand: "
                "het logboek is herschreven.", state, anchor.seq,
            )  # fmt: skip
    return None


def _index_mismatch(
    session: Session, low: int, high: int | None, shown: dict[int, frozenset[str]]
) -> int | None:
    """The first entry in [low, high] whose person index differs from its (hashed)
    ``person_ids``; the index used by inzage and the Logboek is covered by the chain."""
    indexed = audit_queries.indexed_persons(session, low, high)
    if indexed == shown:  # (neither holds an empty set)
        return None
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
