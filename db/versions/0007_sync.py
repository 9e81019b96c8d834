"""Sync: peers (databases we exchange bundles with) and conflicts to resolve.

Revision ID: 0007_sync
Revises: 0006_security
Create Date: 2026-11-23 10:52:36.394526
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_sync"
down_revision = "0006_security"
branch_labels = None
depends_on = None


def _versioned_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "sync_conflict",
        sa.Column("table_name", sa.String(length=60), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("local_version", sa.BigInteger(), nullable=True),
        sa.Column("local_data", sa.JSON(), nullable=True),
        sa.Column("remote_version", sa.BigInteger(), nullable=True),
        sa.Column("remote_data", sa.JSON(), nullable=True),
        sa.Column("remote_origin", sa.Uuid(), nullable=True),
        sa.Column("source_database_id", sa.Uuid(), nullable=False),
        sa.Column("remote_updated_by", sa.String(length=100), nullable=True),
        sa.Column("remote_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        *_versioned_columns(),
        sa.CheckConstraint(
            "status in ('open', 'resolved')", name=op.f("ck_sync_conflict_status_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict")),
    )
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.create_index("ix_sync_conflict_record", ["table_name", "record_id"], unique=False)

    op.create_table(
        "sync_peer",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("peer_database_id", sa.Uuid(), nullable=True),
        sa.Column("last_exported_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_imported_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_exchange_at", sa.DateTime(timezone=True), nullable=True),
        *_versioned_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_peer")),
        sa.UniqueConstraint("name", name=op.f("uq_sync_peer_name")),
        sa.UniqueConstraint("peer_database_id", name=op.f("uq_sync_peer_peer_database_id")),
    )


def downgrade() -> None:
    op.drop_table("sync_peer")
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_conflict_record")
    op.drop_table("sync_conflict")
