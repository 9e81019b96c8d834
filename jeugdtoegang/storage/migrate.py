"""Apply Alembic migrations when a database is opened.

Habits: back up the SQLite file before changing its schema; refuse a database written by
a newer version of the program (its revision is unknown to us) instead of guessing.
Revisions form one linear chain (foundation, then one revision per area).
"""

from __future__ import annotations

import errno
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from jeugdtoegang.errors import DatabaseVersionError, FileWriteError
from jeugdtoegang.paths import MIGRATIONS_DIR
from jeugdtoegang.storage.engine import sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config

#: The newest revision in ``db/versions``. Opening an up-to-date database compares with
#: this constant and does not import Alembic at all (a third of the GUI's cold start).
#: A test checks that it equals the migration scripts' head.
SCHEMA_HEAD = "0021_sort_key"


def alembic_config() -> Config:
    """An Alembic config pointing at ``db/``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def script_heads() -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revisions(engine: Engine) -> set[str]:
    """The revisions recorded in the database (empty for a new database)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return set()
        return {
            row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))
        }


def backup_sqlite(path: Path, label: str, key: bytes | None = None) -> Path:
    """Copy a SQLite database consistently (WAL included) next to it; returns the copy.

    An encrypted database (``key``) gets an encrypted copy with the same key, never a
    plain one."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{stamp}-{label}{path.suffix or '.sqlite'}")
    if key is not None:
        from jeugdtoegang.storage.encrypted_db import backup_encrypted

        backup_encrypted(path, target, key)
        return target
    from jeugdtoegang.atomic import atomic_path

    # written under a temporary name (0600) and renamed when complete: a kill or a full
    # disk never leaves a torn backup under the final name
    try:
        with atomic_path(target) as temporary:
            source = sqlite3.connect(path)
            try:
                copy = sqlite3.connect(temporary)
                try:
                    source.backup(copy)
                finally:
                    copy.close()
            finally:
                source.close()
    except sqlite3.OperationalError as error:
        if "full" not in str(error) and "disk" not in str(error):
            raise
        raise FileWriteError(target, OSError(errno.ENOSPC, str(error))) from error
    except OSError as error:
        raise FileWriteError(target, error) from error
    return target


def upgrade_database(engine: Engine, *, key: bytes | None = None) -> Path | None:
    """Bring the schema to the newest version; returns the backup made, if any."""
    current = current_revisions(engine)
    if current == {SCHEMA_HEAD}:
        return None  # the usual case: up to date
    from alembic import command

    unknown = current - known_revisions()
    if unknown:
        raise DatabaseVersionError(
            "Deze database is gemaakt met een nieuwere versie van jeugdtoegang "
            f"(schema {', '.join(sorted(unknown))}). Installeer de nieuwste versie; "
            "de database is niet gewijzigd."
        )
    if current == script_heads():
        return None
    backup = None
    path = sqlite_path(str(engine.url))
    if current and path is not None and path.exists() and path.stat().st_size > 0:
        backup = backup_sqlite(path, "voor-migratie", key)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.dbapi_connection if sqlite else None
        if raw is not None:
            # SQLite alters a table by copying it: with foreign keys enforced, dropping the
            # old copy of a referenced table fails. The pragma only works outside a
            # transaction; the keys are checked after the upgrade instead (below).
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "heads")
                if raw is not None:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise DatabaseVersionError(
                            "De database kon niet worden bijgewerkt: verwijzingen kloppen niet "
                            f"meer ({len(broken)}). Er is niets gewijzigd."
                        )
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")
    return backup
