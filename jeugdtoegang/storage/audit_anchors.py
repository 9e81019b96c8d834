"""Keep and compare the audit anchors workstations send with their sync bundles."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
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


def latest_received(session: Session, source: uuid.UUID) -> ReceivedAnchor | None:
    return session.execute(
        select(ReceivedAnchor)
        .where(ReceivedAnchor.source_database_id == source)
        .order_by(ReceivedAnchor.received_at.desc(), ReceivedAnchor.seq.desc())
        .limit(1)
    ).scalar_one_or_none()


def keep_remote_anchor(uow: Any, source: uuid.UUID | str, anchor: Any, name: str | None) -> None:
    """Store a bundle's anchor in the importing database, compared with the previous one.

    Runs inside the import's transaction; a mismatch is stored with status "alarm" and
    logged with outcome "alarm" (the import itself goes on: the data are not at fault).
    """
    if not isinstance(anchor, dict) or "seq" not in anchor:
        return
    session: Session = uow.session
    source_id = uuid.UUID(str(source))
    seq, hash_, key = int(anchor["seq"]), str(anchor.get("chain_hash") or ""), anchor.get("key_id")
    problem = compare(latest_received(session, source_id), seq, hash_, key)
    session.add(
        ReceivedAnchor(
            source_database_id=source_id,
            source_name=(name or "")[:200] or None,
            seq=seq,
            chain_hash=hash_[:64],
            key_id=(str(key)[:32] if key else None),
            received_at=utcnow(),
            received_by=uow.actor.username,
            status=ALARM if problem else "ok",
            note=problem,
        )
    )
    uow.log_access(
        RECEIVED_ACTION, None, None, (),
        f"anker van '{name}': regel {seq}" + (f"; ALARM: {problem}" if problem else ""),
        ALARM if problem else "ok",
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
