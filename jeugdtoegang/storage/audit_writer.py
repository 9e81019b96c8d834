"""Append audit entries inside the caller's transaction.

Entries are numbered from the database's ``audit`` counter so that the log is a gap-free
sequence; the keyed hash chain over that sequence is added by the audit service.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import insert
from sqlalchemy.orm import Session

from jeugdtoegang.domain.actor import Actor
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.changelog import next_sequence
from jeugdtoegang.storage.models.audit import AuditEntry

if TYPE_CHECKING:
    from jeugdtoegang.storage.uow import AccessRecord

AUDIT_COUNTER = "audit"


def append_audit_entries(session: Session, actor: Actor, records: Sequence[AccessRecord]) -> None:
    """Insert the records as audit entries, numbered in order."""
    if not records:
        return
    first = next_sequence(session, AUDIT_COUNTER, len(records))
    now = utcnow()
    rows = [
        {
            "id": uuid.uuid4(),
            "seq": first + index,
            "created_at": now,
            "created_by": actor.username,
            "role": actor.primary_role.value,
            "action": record.action,
            "object_type": record.object_type,
            "object_id": record.object_id,
            "person_ids": [str(p) for p in record.person_ids],
            "purpose": record.purpose,
            "outcome": record.outcome,
            "chain_hash": None,
        }
        for index, record in enumerate(records)
    ]
    session.execute(insert(AuditEntry.__table__), rows)
