"""Engines for SQLite (one file, offline) and PostgreSQL (a team's shared server).

SQLite runs in WAL mode with foreign keys on and a busy timeout. Write transactions
start with ``BEGIN IMMEDIATE``: the driver's default deferred ``BEGIN`` lets two
read-then-update transactions both read, after which one either silently loses its
update or fails with "database is locked". Read-only work uses a second engine with a
plain deferred ``BEGIN`` so that readers never queue behind writers (WAL lets them read).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import QueuePool

from jeugdtoegang.atomic import FILE_MODE, private_dir
from jeugdtoegang.paths import default_database_path

BUSY_TIMEOUT_MS = 30_000


def resolve_database_url(db: str | os.PathLike[str] | None = None) -> str:
    """Turn ``--db`` / ``JEUGDTOEGANG_DB`` (a path or a SQLAlchemy URL) into a URL.

    Without either, the ``database`` of the settings files (machine or user) is used, and
    without that the default file in the user data folder.
    """
    raw = str(db) if db is not None else os.environ.get("JEUGDTOEGANG_DB") or ""
    if not raw:
        from jeugdtoegang.settings import load_settings

        raw = load_settings().database or str(default_database_path())
    if "://" in raw:
        return raw
    path = Path(raw).expanduser().resolve()
    private_dir(path.parent)
    if not path.exists():
        # SQLite would create it with the umask (often 0644); its -wal/-shm files and
        # the migration backups copy this file's mode, so 0600 here keeps them private
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    return f"sqlite:///{path}"


def is_sqlite(url: str) -> bool:
    """True for a SQLite URL."""
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL (None for in-memory or other databases)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _configure_sqlite(engine: Engine, *, immediate: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    begin_sql = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin_sql)


@dataclass(frozen=True)
class Engines:
    """The pair of engines for one database: writes and reads."""

    url: str
    write: Engine
    read: Engine

    def dispose(self) -> None:
        self.write.dispose()
        self.read.dispose()


def _encrypted_url(url: str, key: bytes) -> URL:
    """The same file through SQLCipher with the raw key (never shown: see ``Engines.url``)."""
    from jeugdtoegang.storage.encryption import raw_key_pragma

    path = sqlite_path(url)
    if path is None:
        raise ValueError("only a SQLite file can be encrypted")
    return URL.create("sqlite+pysqlcipher", password=raw_key_pragma(key), database=str(path))


def create_engines(url: str, key: bytes | None = None) -> Engines:
    """Create the write and read engines for a database URL (``key``: SQLCipher's key)."""
    if is_sqlite(url):
        # Pooled connections may be handed to a worker thread, one thread at a time.
        args = {"check_same_thread": False}
        target: str | URL = url if key is None else _encrypted_url(url, key)
        # SQLCipher's dialect would use one connection per thread; keep the plain pool
        options: dict[str, Any] = {} if key is None else {"poolclass": QueuePool}
        write = create_engine(target, connect_args=args, **options)
        read = create_engine(target, connect_args=args, **options)
        _configure_sqlite(write, immediate=True)
        _configure_sqlite(read, immediate=False)
        return Engines(url, write, read)
    _cache_wide_statements()
    write = create_engine(url)
    read = create_engine(url)
    _ping_when_idle(write)
    _ping_when_idle(read)
    return Engines(url, write, read)


#: psycopg keeps parsed statements of at most this many parameters (its default, 50)
WIDE_STATEMENT_PARAMS = 100


def _cache_wide_statements() -> None:
    """Let psycopg keep the parse of statements with up to WIDE_STATEMENT_PARAMS
    parameters. It leaves wider ones out of its cache (meant for an ORM's multi-row
    VALUES of varying length) and splits them anew on every execution: ~1 ms of CPU for
    an indication's INSERT (54 columns), once per saved concept. Ours are the same few
    statements over and over. A psycopg without the setting is left as it is."""
    with contextlib.suppress(ImportError):
        from psycopg import _queries

        if getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", WIDE_STATEMENT_PARAMS) < (
            WIDE_STATEMENT_PARAMS
        ):
            _queries.MAX_CACHED_STATEMENT_PARAMS = WIDE_STATEMENT_PARAMS


#: a pooled server connection unused for this long is tested before it is handed out
IDLE_PING_S = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection only when it sat idle (a server restart or a dropped
    network while nobody worked): SQLAlchemy's ``pool_pre_ping`` would send a request on
    every checkout, i.e. several per operation for a busy team. A connection in use moments
    ago is handed out as it is; one that fails the test is replaced (the pool tries a new
    one), so the user never sees the dead connection."""
    import time

    from sqlalchemy import exc

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _test_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # dead: let the pool discard it and connect anew
            raise exc.DisconnectionError() from error
