"""Caseload: a responsible consultant and a stand-in per dossier (handover, "Mijn werk").

Revision ID: 0013_caseload
Revises: 0007_sync
Create Date: 2026-12-01 23:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_caseload"
down_revision = "0007_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("household") as batch:
        batch.add_column(sa.Column("responsible_consultant", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("stand_in", sa.String(length=100), nullable=True))
        batch.create_index("ix_household_responsible_consultant", ["responsible_consultant"])
        batch.create_index("ix_household_stand_in", ["stand_in"])


def downgrade() -> None:
    with op.batch_alter_table("household") as batch:
        batch.drop_index("ix_household_stand_in")
        batch.drop_index("ix_household_responsible_consultant")
        batch.drop_column("stand_in")
        batch.drop_column("responsible_consultant")
