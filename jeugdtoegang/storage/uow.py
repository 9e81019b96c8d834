"""Unit of work: one transaction per use case, rolled back unless committed.

A write unit of work starts ``BEGIN IMMEDIATE`` on SQLite (see ``engine``). A read-only
unit of work uses the read engine; the audit entries it records (reads of a person's
data must be logged too) are appended afterwards in one short write transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from jeugdtoegang.domain.actor import Actor
from jeugdtoegang.errors import StaleRecordError
from jeugdtoegang.storage.audit_writer import append_audit_entries, queue_reads
from jeugdtoegang.storage.database import Database


@dataclass(frozen=True)
class AccessRecord:
    """One audit entry to write: what was done to whose data, and why."""

    action: str
    object_type: str | None = None
    object_id: uuid.UUID | None = None
    person_ids: tuple[uuid.UUID, ...] = ()
    purpose: str | None = None
    outcome: str = "ok"


class UnitOfWork:
    """``with UnitOfWork(db, actor) as uow: ...; uow.commit()``."""

    session: Session

    def __init__(self, database: Database, actor: Actor, *, readonly: bool = False) -> None:
        self.database = database
        self.actor = actor
        self.readonly = readonly
        self._pending_audit: list[AccessRecord] = []
        self._committed = False

    def __enter__(self) -> Self:
        factory = self.database.read_sessions if self.readonly else self.database.write_sessions
        self.session = factory()
        self.session.info["actor"] = self.actor
        self.session.info["uow"] = self
        self._committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            # A read-only session is just closed: what was read stays usable (detached).
            if not self._committed and not self.readonly:
                self.session.rollback()
        finally:
            self.session.close()
        if self.readonly and exc_type is None and self._pending_audit:
            self._write_audit_separately()

    def commit(self) -> None:
        """Write everything (with its audit entries) in this one transaction."""
        if self.readonly:
            raise RuntimeError("commit on a read-only unit of work")
        try:
            if self._pending_audit:
                append_audit_entries(self.session, self.actor, self._pending_audit)
                self._pending_audit = []
            self.session.commit()
        except StaleDataError as error:
            self.session.rollback()
            raise StaleRecordError("Het gegeven") from error
        self._committed = True

    def rollback(self) -> None:
        self.session.rollback()
        self._pending_audit = []

    def log_access(
        self,
        action: str,
        object_type: str | None = None,
        object_id: uuid.UUID | None = None,
        person_ids: tuple[uuid.UUID, ...] | list[uuid.UUID] = (),
        purpose: str | None = None,
        outcome: str = "ok",
    ) -> None:
        """Record an action on a person's data in the audit log (verwerkingenlogging)."""
        self._pending_audit.append(
            AccessRecord(action, object_type, object_id, tuple(person_ids), purpose, outcome)
        )

    def _write_audit_separately(self) -> None:
        """Reads are logged through the audit writer's queue (see ``audit_writer``)."""
        records, self._pending_audit = self._pending_audit, []
        queue_reads(self.database, self.actor, records)

    def get(self, model: type[Any], record_id: uuid.UUID) -> Any:
        """Load a record by id (None when missing)."""
        return self.session.get(model, record_id)

    def get_for_update(self, model: type[Any], record_id: uuid.UUID) -> Any:
        """Load a record to change it, locking its row until commit.

        PostgreSQL takes a row lock (``SELECT ... FOR UPDATE``) so concurrent
        read-then-update transactions queue instead of failing; SQLite already holds the
        database write lock from ``BEGIN IMMEDIATE``.
        """
        return self.session.get(model, record_id, with_for_update=True)
