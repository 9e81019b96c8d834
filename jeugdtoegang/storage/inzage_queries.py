"""The reads behind an inzageverzoek (``services/inzage.py``, AVG art. 15).

Each function takes an open session and plain values (a table, a person or household id,
a BSN) and returns rows; the inzage service keeps the use case (permission, which tables,
cleaning the columns, logging the export). One statement per call: a table's rows by its
``person_id``/``household_id`` column, the person's versions from the change log, the log
entries about the person by the ``audit_subject`` index.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, RowMapping, Table, select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.models.audit import AuditEntry, AuditSubject
from jeugdtoegang.storage.models.changelog import ChangeLogEntry
from jeugdtoegang.storage.models.households import Household, Person


def rows_where(
    session: Session, table: Table, column: str, value: uuid.UUID
) -> Sequence[RowMapping]:
    """Every row of ``table`` whose ``column`` equals ``value``, as column mappings."""
    return session.execute(select(table).where(table.c[column] == value)).mappings().all()


def person_versions(session: Session, person_id: uuid.UUID) -> list[ChangeLogEntry]:
    """Every change-log entry of the person's record, oldest first (by sequence)."""
    return list(
        session.execute(
            select(ChangeLogEntry)
            .where(ChangeLogEntry.table_name == "person", ChangeLogEntry.record_id == person_id)
            .order_by(ChangeLogEntry.seq)
        ).scalars()
    )


def audit_rows_about(session: Session, person_id: uuid.UUID) -> Sequence[Row[Any]]:
    """The audit-log rows that name the person, in log order.

    One statement: the entries whose sequence number the ``audit_subject`` index lists for
    the person (a subquery, never a scan of the log).
    """
    return session.execute(
        select(AuditEntry.__table__)
        .where(
            AuditEntry.seq.in_(
                select(AuditSubject.entry_seq).where(AuditSubject.person_id == person_id)
            )
        )
        .order_by(AuditEntry.seq)
    ).all()


def persons_by_bsn(session: Session, bsn: str) -> Sequence[Row[Any]]:
    """(Person, dossier number) of everyone with this BSN (one read by the BSN index)."""
    return session.execute(
        select(Person, Household.dossier_number)
        .join(Household, Household.id == Person.household_id)
        .where(Person.bsn == bsn)
    ).all()
