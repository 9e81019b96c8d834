"""Use cases of the encrypted database option: encrypt, status, recover.

See :mod:`jeugdtoegang.storage.encryption` for the keys and :mod:`.encrypted_db` for the
files. The beheerder encrypts a laptop's database (``db encrypt``) and receives the
recovery key once; ``db recover`` uses that key to give an account a new temporary
password (which rewraps the key for it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.errors import JeugdtoegangError, NotFoundError, ValidationError
from jeugdtoegang.services.authz import guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import encryption
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.encrypted_db import account_rows, encrypt_in_place
from jeugdtoegang.storage.encryption_queries import sqlcipher_build, user_named
from jeugdtoegang.storage.engine import resolve_database_url, sqlite_path
from jeugdtoegang.storage.uow import UnitOfWork

RECOVERY_ACTOR = Actor("herstelsleutel", "Herstelsleutel (beheerder)", frozenset({Role.SYSTEEM}))
NOT_A_FILE = (
    "Alleen een database in een bestand (SQLite, op een laptop of werkplek) kan worden "
    "versleuteld. Een teamserver (PostgreSQL) versleutelt de beheerder van die server."
)


@dataclass(frozen=True)
class EncryptionResult:
    database: str
    recovery_key: str
    accounts: list[str]
    backups_encrypted: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "encrypted": True,
            "recovery_key": self.recovery_key,
            "accounts": self.accounts,
            "backups_encrypted": self.backups_encrypted,
            "cipher": encryption.CIPHER_SETTINGS,
        }


def _file_of(database: Database) -> Path:
    path = database.path
    if path is None:
        raise JeugdtoegangError(NOT_A_FILE)
    return path


def _encrypt(database: Database, accounts: list[tuple[str, str, bool]]) -> EncryptionResult:
    from jeugdtoegang.storage.audit_writer import flush_pending

    path = _file_of(database)
    flush_pending(database)  # queued read entries go into the file before it is converted
    database.close()
    recovery_key = encryption.new_recovery_key()
    dek = encryption.dek_from_recovery(recovery_key)
    backups = encrypt_in_place(path, dek, accounts)
    encryption.remember(path, dek)
    enrolled = sorted({encryption.user_key(u) for u, _h, active in accounts if active})
    return EncryptionResult(str(path), recovery_key, enrolled, [str(b) for b in backups])


@guarded(Permission.USERS_MANAGE)
def encrypt_database(ctx: AppContext) -> EncryptionResult:
    """Encrypt the open (plain) database in place; closes it. The beheerder only."""
    database = ctx.database
    _file_of(database)
    if database.encrypted:
        raise JeugdtoegangError("Deze database is al versleuteld.")
    with ctx.uow() as uow:
        accounts = account_rows(uow.session)
        uow.log_access("database_versleutelen", None, None, (), None)
        uow.commit()
    return _encrypt(database, accounts)


def encrypt_new_database(database: Database) -> EncryptionResult:
    """``init --encrypt``: a database without accounts yet (its administrator comes next and
    opens it once with the recovery key; from then on with the password)."""
    from jeugdtoegang.services.auth import has_users

    if database.encrypted:
        raise JeugdtoegangError("Deze database is al versleuteld.")
    if has_users(database):
        raise JeugdtoegangError(
            "Deze database heeft al gebruikersaccounts: laat de beheerder hem versleutelen "
            "met 'jeugdtoegang db encrypt'."
        )
    return _encrypt(database, [])


def status(db: str | None) -> dict[str, Any]:
    """Whether the database is encrypted, with which settings, and who can unlock it.

    Needs no login and reads nothing from the database itself."""
    url = resolve_database_url(db)
    path = sqlite_path(url)
    if path is None:
        return {"database": url.split("@")[-1], "encrypted": False, "kind": "server",
                "note": NOT_A_FILE}  # fmt: skip
    lost = encryption.lost_key_file(path)
    encrypted = encryption.is_encrypted(path) or lost
    plain_beside = [
        str(p)
        for p in sorted(path.parent.glob(f"{path.stem}.backup-*"))
        if p.is_file() and encryption.is_plain_sqlite(p)
    ]
    result: dict[str, Any] = {
        "database": str(path),
        "kind": "sqlite",
        "encrypted": encrypted,
        "key_file": str(encryption.key_file_for(path)) if encrypted else None,
        "plain_backups": plain_beside,
    }
    if lost:
        result.update(key_file_missing=True, accounts=[], recovery_key_set=False,
                      note=encryption.LOST_KEY_FILE.format(
                          name=encryption.key_file_for(path).name))  # fmt: skip
    elif encrypted:
        keys = encryption.KeyFile.load(encryption.key_file_for(path))
        version, provider = sqlcipher_build()
        result.update(
            cipher={
                **encryption.CIPHER_SETTINGS,
                "sqlcipher_version": version,
                "crypto_provider": provider,
            },
            accounts=keys.enrolled(),
            recovery_key_set=keys.recovery is not None,
        )
    return result


def recover(database: Database, username: str, new_password: str) -> str:
    """After unlocking with the recovery key: a new temporary password for ``username``.

    The account must choose its own password at the next login; the key is rewrapped for
    it at this commit (and again when it changes the password)."""
    from jeugdtoegang.services import auth

    errors = auth.check_password_policy(new_password, username)
    if errors:
        raise ValidationError(errors)
    with UnitOfWork(database, RECOVERY_ACTOR) as uow:
        user = user_named(uow.session, username.strip())
        if user is None:
            raise NotFoundError(f"Er is geen account '{username.strip()}' in deze database.")
        user.password_hash = auth.hash_password(new_password)
        user.must_change_password = True
        auth.clear_login_state(uow.session, user.username)
        uow.session.flush()
        uow.log_access("wachtwoord_herstellen", "user", user.id, (), "herstelsleutel")
        uow.commit()
        return str(user.username)
