"""Keep and compare the audit anchors workstations send with their sync bundles."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.models.audit_anchor import ReceivedAnchor

ALARM = "alarm"
RECEIVED_ACTION = "anker_ontvangen"


def compare(previous: ReceivedAnchor | None, seq: int, hash_: str, key: str | None) -> str | None:
    """Why a new anchor does not follow from the previous one (None: it does)."""
    if previous is None:
        return None
    if seq < previous.seq:
        return (
            f"het logboek is korter geworden: eerder regel {previous.seq}, nu {seq} "
            "(regels verwijderd of het logboek opnieuw begonnen)"
        )
    if seq == previous.seq and hash_ != previous.chain_hash:
        return f"regel {seq} heeft nu een ander controlegetal (het logboek is herschreven)"
    if previous.key_id and key and key != previous.key_id:
        return f"er wordt met een andere sleutel gelogd (was {previous.key_id}, nu {key})"
    return None


def latest_received(
    session: Session, source: uuid.UUID, chain: int | None = None
) -> ReceivedAnchor | None:
    """The newest anchor of a workstation (of one chain; chain 1 includes old anchors).

    The marks of a chain that went missing (no hash) are not anchors: they are skipped.
    """
    query = select(ReceivedAnchor).where(
        ReceivedAnchor.source_database_id == source, ReceivedAnchor.chain_hash != ""
    )
    if chain == 1:
        query = query.where(or_(ReceivedAnchor.chain_id == 1, ReceivedAnchor.chain_id.is_(None)))
    elif chain is not None:
        query = query.where(ReceivedAnchor.chain_id == chain)
    return session.execute(
        query.order_by(ReceivedAnchor.received_at.desc(), ReceivedAnchor.seq.desc()).limit(1)
    ).scalar_one_or_none()


def _links(anchor: dict[str, Any]) -> list[tuple[int, int, str]]:
    """(chain, number in the chain, hash) per chain; an anchor of before 0016 is chain 1."""
    chains = anchor.get("chains")
    if isinstance(chains, list):
        return [
            (int(c["chain"]), int(c["seq"]), str(c.get("chain_hash") or ""))
            for c in chains
            if isinstance(c, dict)
        ]
    return [(1, int(anchor["seq"]), str(anchor.get("chain_hash") or ""))]


def keep_remote_anchor(uow: Any, source: uuid.UUID | str, anchor: Any, name: str | None) -> None:
    """Store a bundle's anchors (one per chain) in the importing database, each compared
    with the previous one of the same chain; a chain received before and now missing is an
    alarm too.

    Runs inside the import's transaction; a mismatch is stored with status "alarm" and
    logged with outcome "alarm" (the import itself goes on: the data are not at fault).
    """
    if not isinstance(anchor, dict) or "seq" not in anchor:
        return
    session: Session = uow.session
    source_id = uuid.UUID(str(source))
    key = anchor.get("key_id")
    try:
        links = _links(anchor)
    except (KeyError, TypeError, ValueError):
        links = []
    problems: list[str] = []
    now = utcnow()
    for chain, seq, hash_ in links:
        problem = compare(latest_received(session, source_id, chain), seq, hash_, key)
        if problem and len(links) > 1:
            problem = f"keten {chain}: {problem}"
        if problem:
            problems.append(problem)
        session.add(
            ReceivedAnchor(
                source_database_id=source_id,
                source_name=(name or "")[:200] or None,
                seq=seq,
                chain_hash=hash_[:64],
                key_id=(str(key)[:32] if key else None),
                received_at=now,
                received_by=uow.actor.username,
                status=ALARM if problem else "ok",
                note=problem[:500] if problem else None,
                chain_id=chain,
            )
        )
    sent = {chain for chain, _seq, _hash in links}
    known = session.execute(
        select(ReceivedAnchor.chain_id)
        .where(ReceivedAnchor.source_database_id == source_id)
        .distinct()
    ).scalars()
    for chain in sorted({c or 1 for c in known} - sent):
        problem = f"keten {chain} ontbreekt in het anker (eerder wel ontvangen): verwijderd"
        problems.append(problem)
        session.add(
            ReceivedAnchor(
                source_database_id=source_id, source_name=(name or "")[:200] or None,
                seq=0, chain_hash="", key_id=(str(key)[:32] if key else None),
                received_at=now, received_by=uow.actor.username, status=ALARM,
                note=problem, chain_id=chain,
            )
        )  # fmt: skip
    top = int(anchor["seq"])
    summary = "; ".join(problems)
    uow.log_access(
        RECEIVED_ACTION, None, None, (),
        (f"anker van '{name}': regel {top}" + (f"; ALARM: {summary}" if problems else ""))[:500],
        ALARM if problems else "ok",
    )  # fmt: skip


def received_anchors(session: Session) -> list[ReceivedAnchor]:
    """Every anchor received, newest first."""
    return list(
        session.execute(
            select(ReceivedAnchor).order_by(
                ReceivedAnchor.received_at.desc(), ReceivedAnchor.seq.desc()
            )
        ).scalars()
    )
