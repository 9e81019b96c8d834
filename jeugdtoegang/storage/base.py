"""Declarative base and the columns every record carries.

Every table has a UUID primary key, who/when columns and an integer ``version`` used
for optimistic locking (SQLAlchemy's ``version_id_col``): an UPDATE carries
``WHERE version = <read version>`` and a stale write fails instead of overwriting.
Append-only logs (change log, audit log) use :class:`AppendOnlyBase` instead: they are
never updated, so they carry only the creation columns.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import DateTime, Integer, MetaData, String, TypeDecorator, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Timezone-aware now in UTC; stored as UTC everywhere."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC that always comes back timezone-aware.

    SQLite has no time zones; without this a value read back would be naive and compare
    unequal to the value written.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class DecimalText(TypeDecorator[Decimal]):
    """An exact Decimal stored as text: money is never a float, on any database."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError("DecimalText expects Decimal")
        return str(value)

    def process_result_value(self, value: str | None, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


class Base(DeclarativeBase):
    """Root of every model; shares one MetaData with a naming convention for migrations."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class AppendOnlyBase(Base):
    """Tables that only grow: a UUID key and the creation columns."""

    __abstract__ = True

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(100), nullable=False)


class VersionedBase(Base):
    """Records that change: UUID key, who/when columns, optimistic ``version``.

    Every insert, update and delete of a subclass is also written to the change log as
    a full snapshot (see :mod:`jeugdtoegang.storage.changelog`), which keeps every
    earlier version and feeds sync export.
    """

    __abstract__ = True
    #: Dutch name of one record, for messages ("Het huishouden is intussen gewijzigd").
    label_nl: ClassVar[str] = "Het gegeven"
    #: Columns left out of change-log snapshots (none by default).
    snapshot_exclude: ClassVar[frozenset[str]] = frozenset()

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(100), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(100), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        """Use ``version`` for optimistic locking on every subclass."""
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
