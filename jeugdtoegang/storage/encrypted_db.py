"""Encrypted databases on disk: converting a plain file, encrypted copies, key-file upkeep.

* :func:`encrypt_in_place` turns a plain SQLite database into an encrypted one: an
  encrypted copy is made with ``sqlcipher_export`` under a temporary name, fsynced, the
  key file is written, the copy is renamed over the original and the original's blocks
  are overwritten with zeros through a handle kept open across the rename. A kill at any
  moment leaves either the plain database (the key file beside a *plain* file is ignored,
  and ``db encrypt`` can simply be run again) or the encrypted one.
* :func:`export_copy` makes a consistent copy (WAL included) with the same or another key:
  migration backups of an encrypted database are encrypted with its own key.
* :func:`install_wrap_hooks` keeps the key file in step with the accounts: a commit that
  changes a password hash or disables an account rewraps the key (first adding the new
  wrap, then, once the commit is done, dropping the old one: a kill in between leaves the
  account able to unlock with the password the database holds).
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from jeugdtoegang.atomic import FILE_MODE, _fsync_directory, atomic_path
from jeugdtoegang.errors import FileWriteError, JeugdtoegangError
from jeugdtoegang.storage import encryption

is_plain_sqlite = encryption.is_plain_sqlite


def _connect(path: Path, key: bytes | None) -> Any:
    from sqlcipher3 import dbapi2

    connection = dbapi2.connect(str(path))
    if key is not None:
        connection.execute(f'PRAGMA key = "{encryption.raw_key_pragma(key)}"')
    connection.execute("PRAGMA busy_timeout = 30000")
    return connection


def export_copy(source: Path, target: Path, source_key: bytes | None,
                target_key: bytes | None) -> None:  # fmt: skip
    """Copy ``source`` (plain or encrypted) into the new file ``target`` with ``target_key``.

    ``target`` must not hold a database yet (an empty file is fine)."""
    from sqlcipher3 import dbapi2

    connection = _connect(source, source_key)
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        key = encryption.raw_key_pragma(target_key) if target_key is not None else ""
        connection.execute("ATTACH DATABASE ? AS copy KEY ?", (str(target), key))
        connection.execute("SELECT sqlcipher_export('copy')")
        connection.execute(f"PRAGMA copy.user_version = {int(version)}")
        connection.execute("DETACH DATABASE copy")
    except dbapi2.DatabaseError as error:
        text = str(error)
        if "full" in text or "disk" in text:
            raise FileWriteError(target, OSError(errno.ENOSPC, text)) from error
        if "not a database" in text:
            raise encryption.UnlockError(
                "De database kon niet worden gelezen met deze sleutel."
            ) from error
        raise
    finally:
        connection.close()


def backup_encrypted(path: Path, target: Path, key: bytes) -> None:
    """An encrypted backup of an encrypted database (its own key), written atomically."""
    try:
        with atomic_path(target) as temporary:
            export_copy(path, temporary, key, key)
    except OSError as error:
        raise FileWriteError(target, error) from error


def _wipe_open_file(descriptor: int) -> None:
    """Overwrite a file's blocks with zeros (best effort: see README on SSDs and snapshots)."""
    size = os.fstat(descriptor).st_size
    chunk = b"\0" * (1 << 20)
    os.lseek(descriptor, 0, os.SEEK_SET)
    written = 0
    while written < size:
        written += os.write(descriptor, chunk[: min(len(chunk), size - written)])
    os.fsync(descriptor)


def wipe_file(path: Path) -> None:
    """Overwrite and remove a file (best effort)."""
    try:
        descriptor = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return
    try:
        _wipe_open_file(descriptor)
    finally:
        os.close(descriptor)
    path.unlink(missing_ok=True)


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the main file and remove -wal/-shm (no other connection open)."""
    connection = _connect(path, None)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")
    finally:
        connection.close()
    for suffix in ("-wal", "-shm"):
        wipe_file(path.with_name(path.name + suffix))


def encrypt_in_place(
    path: Path, dek: bytes, accounts: Iterable[tuple[str, str, bool]]
) -> list[Path]:
    """Encrypt the plain database at ``path`` (closed by the caller) and its plain backups.

    Returns the backups that were encrypted too."""
    if not is_plain_sqlite(path):
        raise JeugdtoegangError("Deze database is al versleuteld.")
    _checkpoint(path)
    accounts = list(accounts)
    with atomic_path(path, prefix=f".{path.name}.versleutelen.") as temporary:
        export_copy(path, temporary, None, dek)
        # the key file first: beside a still plain file it is ignored (see is_encrypted_file)
        encryption.create_key_file(path, dek, accounts)
        old = os.open(path, os.O_RDWR)
    # atomic_path renamed the encrypted copy over the original; its blocks are still ours
    try:
        _fsync_directory(path.parent)
        _wipe_open_file(old)
    finally:
        os.close(old)
    with contextlib.suppress(OSError):
        os.chmod(path, FILE_MODE)
    done = []
    for backup in sorted(path.parent.glob(f"{path.stem}.backup-*")):
        if backup.is_file() and not backup.name.endswith(".tmp") and is_plain_sqlite(backup):
            with atomic_path(backup) as temporary:
                export_copy(backup, temporary, None, dek)
                old = os.open(backup, os.O_RDWR)
            try:
                _wipe_open_file(old)
            finally:
                os.close(old)
            done.append(backup)
    return done


# --- keeping the key file in step with the accounts --------------------------------------------


def account_rows(session: Session) -> list[tuple[str, str, bool]]:
    from jeugdtoegang.storage.models.security import User

    rows = session.execute(select(User.username, User.password_hash, User.active)).all()
    return [(str(u), str(h), bool(a)) for u, h, a in rows]


def refresh_wraps(key_file: Path, dek: bytes, accounts: Iterable[tuple[str, str, bool]], *,
                  keep_existing: bool = False) -> None:  # fmt: skip
    """Rewrite the key file's account wraps for ``accounts`` (only when they differ)."""
    keys = encryption.KeyFile.load(key_file)
    wanted = encryption.desired_user_entries(dek, accounts, keys.users)
    if keep_existing:
        seen = {(e["user"], e["params"]) for e in wanted}
        wanted += [e for e in keys.users if (e["user"], e["params"]) not in seen]
    if sorted(map(repr, wanted)) == sorted(map(repr, keys.users)):
        return
    keys.users = wanted
    keys.save()


def install_wrap_hooks(sessions: Any, key_file: Path, dek: bytes) -> None:
    """Rewrap the key when a commit changes accounts (see the module text)."""
    from jeugdtoegang.storage.models.security import User

    flag = "jeugdtoegang_accounts_changed"

    def _after_flush(session: Session, _context: Any) -> None:
        if any(isinstance(o, User) for o in (*session.new, *session.dirty, *session.deleted)):
            session.info[flag] = True

    def _before_commit(session: Session) -> None:
        if any(isinstance(o, User) for o in (*session.new, *session.dirty)):
            session.flush()  # the commit's own flush comes after this event
        if session.info.get(flag):
            session.info[flag] = account_rows(session)
            refresh_wraps(key_file, dek, session.info[flag], keep_existing=True)

    def _after_commit(session: Session) -> None:
        accounts = session.info.pop(flag, None)
        if isinstance(accounts, list):
            refresh_wraps(key_file, dek, accounts)

    def _after_rollback(session: Session) -> None:
        session.info.pop(flag, None)

    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "before_commit", _before_commit)
    event.listen(sessions, "after_commit", _after_commit)
    event.listen(sessions, "after_soft_rollback", lambda s, _t: _after_rollback(s))
