"""Alembic environment: run migrations on the connection handed over by the core.

The core opens the connection (``jeugdtoegang.storage.migrate``); running ``alembic``
from the command line is not needed for users.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import TypeDecorator

from jeugdtoegang.storage import models  # noqa: F401  (registers all tables)
from jeugdtoegang.storage.base import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only for developers running alembic by hand
    from sqlalchemy import create_engine

    from jeugdtoegang.storage.engine import resolve_database_url

    connection = create_engine(resolve_database_url()).connect()


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Render the core's column types as their plain SQL types: migrations stay frozen."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        impl = obj.impl_instance if hasattr(obj, "impl_instance") else obj.impl
        return f"sa.{impl!r}"
    return False


context.configure(
    render_item=render_item,
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
