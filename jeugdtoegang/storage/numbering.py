"""Human-readable numbers (dossier numbers, kenmerken) that stay unique across workstations.

Laptops hand out numbers offline from their own counters; two laptops would both issue
"2026-00001" and the second bundle would collide on import. Each number therefore carries
a short code of the issuing database (three hex characters of its stable id).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.changelog import next_sequence
from jeugdtoegang.storage.models.meta import DatabaseInfo


def database_code(session: Session) -> str:
    """Three uppercase hex characters identifying this database (cached per session)."""
    code = session.info.get("database_code")
    if code is None:
        database_id = session.execute(select(DatabaseInfo.id)).scalar_one()
        code = database_id.hex[:3].upper()
        session.info["database_code"] = code
    return str(code)


def next_number(session: Session, counter: str, prefix: str, width: int = 5) -> str:
    """``<prefix>-<database code>-<sequence>``, e.g. ``2026-7F3-00012``."""
    return f"{prefix}-{database_code(session)}-{next_sequence(session, counter, 1):0{width}d}"


def numeric_block(session: Session) -> int:
    """A two-digit block (10–99) of this database, for numbers that must stay numeric.

    The iJw toewijzingnummer is a number of at most 8 digits: ``block × 1,000,000 + n``
    keeps laptops issuing offline apart (a shared PostgreSQL server is one database).
    """
    database_id = session.execute(select(DatabaseInfo.id)).scalar_one()
    return int(database_id.hex[:4], 16) % 90 + 10


def next_numeric(session: Session, counter: str, count: int = 1) -> int:
    """Reserve ``count`` numbers in this database's block; returns the first."""
    return numeric_block(session) * 1_000_000 + next_sequence(session, counter, count)
