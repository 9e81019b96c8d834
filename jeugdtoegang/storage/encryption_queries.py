"""The reads behind database encryption (``services/db_encryption.py``): the SQLCipher
build this workstation has, and the account a recovery key resets."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.models.security import User


def sqlcipher_build() -> tuple[str, str | None]:
    """(SQLCipher version, crypto provider or None) of the installed SQLCipher, asked of a
    keyed in-memory database (the provider is reported once a key is set)."""
    from sqlcipher3 import dbapi2

    probe = dbapi2.connect(":memory:")
    try:
        probe.execute("PRAGMA key = 'probe'")  # the provider is reported once keyed
        version = probe.execute("PRAGMA cipher_version").fetchone()[0]
        provider = probe.execute("PRAGMA cipher_provider").fetchone()
    finally:
        probe.close()
    return version, provider[0] if provider else None


def user_named(session: Session, username: str) -> User | None:
    """The account with this exact user name, or None."""
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()
