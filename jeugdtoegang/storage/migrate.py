"""Apply Alembic migrations when a database is opened.

Habits: back up the SQLite file before changing its schema; refuse a database written by
a newer version of the program (its revision is unknown to us) instead of guessing.
Every area has its own branch of revisions off the foundation, so the target is "heads".
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from jeugdtoegang.errors import DatabaseVersionError
from jeugdtoegang.paths import MIGRATIONS_DIR
from jeugdtoegang.storage.engine import sqlite_path


def alembic_config() -> Config:
    """An Alembic config pointing at ``db/``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def script_heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def backup_sqlite(path: Path, label: str) -> Path:
    """Copy a SQLite database consistently (WAL included) next to it; returns the copy."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{stamp}-{label}{path.suffix or '.sqlite'}")
    source = sqlite3.connect(path)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    return target


def upgrade_database(engine: Engine) -> Path | None:
    """Bring the schema to the newest version; returns the backup made, if any."""
    current = current_revisions(engine)
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
        backup = backup_sqlite(path, "voor-migratie")
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")
    return backup
