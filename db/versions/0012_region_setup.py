"""Region setup as administered, versioned data; decisions record the setup they used.

Revision ID: 0012_region_setup
Revises: 0011_access_logging
Create Date: 2026-12-01 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_region_setup"
down_revision = "0011_access_logging"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "region_setup",
        sa.Column("region_slug", sa.String(length=60), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("letters", sa.JSON(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("based_on_id", sa.Uuid(), nullable=True),
        sa.Column("fictional", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_setup")),
    )
    with op.batch_alter_table("region_setup", schema=None) as batch_op:
        batch_op.create_index(
            "ix_region_setup_region_from", ["region_slug", "effective_from"], unique=False
        )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_setup_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_column("region_setup_id")
    with op.batch_alter_table("region_setup", schema=None) as batch_op:
        batch_op.drop_index("ix_region_setup_region_from")
    op.drop_table("region_setup")
