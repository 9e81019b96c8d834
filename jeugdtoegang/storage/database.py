"""Opening a database: engines, migrations, session factories, and its identity."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, sessionmaker

from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.storage.changelog import CHANGE_COUNTER, install_session_hooks
from jeugdtoegang.storage.commitments import install_commitment_hooks
from jeugdtoegang.storage.encryption import (
    DatabaseLockedError,
    KeyFile,
    UnlockError,
    forget,
    is_encrypted,
    key_file_for,
    remember,
    unlocked_key,
)
from jeugdtoegang.storage.encryption import (
    lost_key_file as key_file_lost,
)
from jeugdtoegang.storage.engine import (
    Engines,
    create_engines,
    resolve_database_url,
    sqlite_path,
)
from jeugdtoegang.storage.household_sort import install_sort_key_hooks
from jeugdtoegang.storage.migrate import upgrade_database
from jeugdtoegang.storage.models.meta import DatabaseInfo, SequenceCounter
from jeugdtoegang.storage.search_keys import install_search_key_hooks

#: Named counters every database has (the audit counter is used by the audit log).
COUNTERS = (CHANGE_COUNTER, "audit", "dossier_number")


class DatabaseNotInitialisedError(JeugdtoegangError):
    """The database has no region yet: run ``init`` (or choose demo/new in the GUI)."""

    def __init__(self) -> None:
        super().__init__(
            "Deze database is nog niet ingericht. Kies een regio met "
            "'jeugdtoegang init --region <regio>' of start de demo."
        )


@dataclass
class Database:
    """An open database: engines for writes and reads, and its stable identity."""

    engines: Engines
    write_sessions: sessionmaker[Session] = field(init=False)
    read_sessions: sessionmaker[Session] = field(init=False)
    #: for a read of one statement (a permission's team lookup): on PostgreSQL without
    #: BEGIN/ROLLBACK around it (one statement sees one consistent snapshot by itself)
    single_reads: sessionmaker[Session] = field(init=False)
    migration_backup: Path | None = None
    #: SQLCipher's key when the file is encrypted (never shown, never written in the clear)
    key: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.write_sessions = sessionmaker(self.engines.write, expire_on_commit=False)
        self.read_sessions = sessionmaker(self.engines.read, expire_on_commit=False)
        if self.engines.read.dialect.name == "postgresql":
            autocommit = self.engines.read.execution_options(isolation_level="AUTOCOMMIT")
            self.single_reads = sessionmaker(autocommit, expire_on_commit=False)
        else:
            self.single_reads = self.read_sessions
        install_session_hooks(self.write_sessions)
        install_commitment_hooks(self.write_sessions)
        install_search_key_hooks(self.write_sessions)
        install_sort_key_hooks()

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.engines.url)

    @property
    def url(self) -> str:
        return self.engines.url

    @property
    def dialect(self) -> str:
        return self.engines.write.dialect.name

    def info(self) -> DatabaseInfo:
        """The database's one info row (raises when not initialised)."""
        with self.read_sessions() as session:
            row = session.execute(select(DatabaseInfo)).scalar_one_or_none()
            if row is None:
                raise DatabaseNotInitialisedError()
            return row

    def is_initialised(self) -> bool:
        with self.read_sessions() as session:
            return session.execute(select(DatabaseInfo.id)).first() is not None

    @property
    def database_id(self) -> uuid.UUID:
        return self.info().id

    @property
    def region_slug(self) -> str:
        return self.info().region_slug

    def close(self) -> None:
        self.engines.dispose()
        if self.key is not None and self.path is not None:
            forget(self.path)  # a closed database's key leaves the process registry


def open_database(
    db: str | None = None, *, migrate: bool = True, key: bytes | None = None
) -> Database:
    """Open (and by default migrate) the database named by a path or URL.

    An encrypted SQLite file needs its key: ``key``, or the one unlocked earlier in this
    process (:func:`jeugdtoegang.storage.encryption.unlock_with_password`); without it
    :class:`~jeugdtoegang.storage.encryption.DatabaseLockedError` (Dutch) is raised before
    anything is read."""
    url = resolve_database_url(db)
    path = sqlite_path(url)
    lost_key_file = path is not None and key_file_lost(path)
    if lost_key_file:
        assert path is not None
        key = key or unlocked_key(path)  # only the recovery key gets here (``db recover``)
        lost_key_file = key is not None  # without it: SQLite's own "not a database"
    elif is_encrypted(path):
        assert path is not None
        key = key or unlocked_key(path)
        if key is None:
            raise DatabaseLockedError()
        if not KeyFile.load(key_file_for(path)).verify(key):
            raise UnlockError("Deze sleutel past niet bij deze database.")
    else:
        key = None
    engines = create_engines(url, key)
    if lost_key_file:
        assert path is not None and key is not None
        _check_key_and_rebuild_key_file(engines, path, key)
    backup = upgrade_database(engines.write, key=key) if migrate else None
    database = Database(engines, key=key)
    database.migration_backup = backup
    if key is not None and path is not None:
        from jeugdtoegang.storage.encrypted_db import (
            account_rows,
            install_wrap_hooks,
            refresh_wraps,
        )

        remember(path, key)
        if migrate:  # accounts synced or changed elsewhere get their wrap (or lose it)
            with database.read_sessions() as session:
                refresh_wraps(key_file_for(path), key, account_rows(session))
        install_wrap_hooks(database.write_sessions, key_file_for(path), key)
    if migrate:
        from jeugdtoegang.storage.audit_writer import recover_journals

        recover_journals(engines.write)  # read entries of a process that was killed
    return database


def _check_key_and_rebuild_key_file(engines: Engines, path: Path, key: bytes) -> None:
    """Opened with the recovery key while the key file is lost: prove the key on the file
    itself, then write a new key file (the accounts' wraps follow when it is opened)."""
    from sqlalchemy.exc import DatabaseError

    from jeugdtoegang.storage.encryption import RECOVERY_MISMATCH, create_key_file

    try:
        with engines.read.connect() as connection:
            connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    except DatabaseError as error:
        engines.dispose()
        raise UnlockError(RECOVERY_MISMATCH) from error
    create_key_file(path, key, [])


def initialise(
    database: Database,
    region_slug: str,
    *,
    municipality: str | None = None,
    team_name: str | None = None,
    actor_name: str = "systeem",
) -> DatabaseInfo:
    """Record the region this database serves and create its counters (idempotent)."""
    with database.write_sessions.begin() as session:
        existing = session.execute(select(DatabaseInfo)).scalar_one_or_none()
        if existing is not None:
            if existing.region_slug != region_slug:
                raise JeugdtoegangError(
                    f"Deze database hoort al bij regio '{existing.region_slug}'; "
                    f"kies een andere database voor regio '{region_slug}'."
                )
            return existing
        names = set(session.execute(select(SequenceCounter.name)).scalars())
        for name in COUNTERS:
            if name not in names:
                session.add(
                    SequenceCounter(
                        name=name, last_seq=0, created_by=actor_name, updated_by=actor_name
                    )
                )
        session.flush()
        info = DatabaseInfo(
            region_slug=region_slug,
            municipality=municipality,
            team_name=team_name,
            created_by=actor_name,
            updated_by=actor_name,
        )
        session.add(info)
        return info


def table_names(database: Database) -> list[str]:
    """The tables present (for diagnostics and tests)."""
    return sorted(inspect(database.engines.write).get_table_names())
