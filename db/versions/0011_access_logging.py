"""Access and logging: login state apart from the account; anchors received by sync.

Revision ID: 0011_access_logging
Revises: 0010_aanvraag_motivation
Create Date: 2026-12-01 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_access_logging"
down_revision = "0010_aanvraag_motivation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_state",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_state")),
        sa.UniqueConstraint("username", name=op.f("uq_login_state_username")),
    )

    op.create_table(
        "audit_anchor_received",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source_database_id", sa.Uuid(), nullable=False),
        sa.Column("source_name", sa.String(length=200), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("chain_hash", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_anchor_received")),
    )
    op.create_index(
        "ix_audit_anchor_received_source",
        "audit_anchor_received",
        ["source_database_id", "seq"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_audit_anchor_received_source", table_name="audit_anchor_received")
    op.drop_table("audit_anchor_received")
    op.drop_table("login_state")
