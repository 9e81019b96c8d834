"""Rule integrity (issue 11): the term chain, the referral date and the family's choices.

Revision ID: 0009_rule_integrity
Revises: 0008_sync_trust
Create Date: 2026-12-01 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_rule_integrity"
down_revision = "0008_sync_trust"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indication") as batch:
        batch.add_column(sa.Column("term_start", sa.Date(), nullable=True))
        batch.add_column(sa.Column("referral_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("identity_wish", sa.String(length=100), nullable=True))
        batch.add_column(
            sa.Column("chosen_by_family", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("partner_agreement", sa.Text(), nullable=True))
        batch.create_index(
            "ix_indication_status_evaluation", ["status", "evaluation_due"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("indication") as batch:
        batch.drop_index("ix_indication_status_evaluation")
        batch.drop_column("partner_agreement")
        batch.drop_column("chosen_by_family")
        batch.drop_column("identity_wish")
        batch.drop_column("referral_date")
        batch.drop_column("term_start")
