"""Sync trust: enrolled workstations (public keys, status) whose bundles are accepted.

Revision ID: 0008_sync_trust
Revises: 0007_sync
Create Date: 2026-12-01 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_sync_trust"
down_revision = "0007_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_workstation",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("database_id", sa.Uuid(), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind in ('werkplek', 'kantoor')", name=op.f("ck_sync_workstation_kind_known")
        ),
        sa.CheckConstraint(
            "status in ('actief', 'ingetrokken')", name=op.f("ck_sync_workstation_status_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_workstation")),
        sa.UniqueConstraint("database_id", name=op.f("uq_sync_workstation_database_id")),
        sa.UniqueConstraint("public_key", name=op.f("uq_sync_workstation_public_key")),
    )


def downgrade() -> None:
    op.drop_table("sync_workstation")
