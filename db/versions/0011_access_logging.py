"""Access and logging: login state apart from the account.

Revision ID: 0011_access_logging
Revises: 0007_sync
Create Date: 2026-12-01 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_access_logging"
down_revision = "0007_sync"
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


def downgrade() -> None:
    op.drop_table("login_state")
