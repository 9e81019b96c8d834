"""Scale: no shared counter row for the change log, budget commitments kept per month.

Revision ID: 0014_scale
Revises: 0015_ijw_exchange
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_scale"
down_revision = "0015_ijw_exchange"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provider_commitment",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("amount_micro", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("provider_id", "month", name=op.f("pk_provider_commitment")),
    )
    op.create_index("ix_household_name_dossier", "household", ["name", "dossier_number"])
    op.create_index("ix_person_role_birth", "person", ["role", "birth_date"])
    op.create_index("ix_indication_status_requested", "indication", ["status", "requested_on"])
    from jeugdtoegang.storage.commitments import rebuild

    rebuild(op.get_bind())  # from the indications already there
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # numbers continue after the highest one handed out by the old counter row
        op.execute("CREATE SEQUENCE IF NOT EXISTS change_log_seq AS BIGINT START WITH 1")
        op.execute(
            "SELECT setval('change_log_seq', GREATEST(1, "
            "(SELECT COALESCE(MAX(seq), 0) FROM change_log), "
            "(SELECT COALESCE(MAX(last_seq), 0) FROM sequence_counter "
            "WHERE name = 'changes')), "
            "EXISTS (SELECT 1 FROM change_log) OR EXISTS (SELECT 1 FROM sequence_counter "
            "WHERE name = 'changes' AND last_seq > 0))"
        )


def downgrade() -> None:
    op.drop_table("provider_commitment")
    op.drop_index("ix_household_name_dossier", table_name="household")
    op.drop_index("ix_person_role_birth", table_name="person")
    op.drop_index("ix_indication_status_requested", table_name="indication")
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            "UPDATE sequence_counter SET last_seq = (SELECT COALESCE(MAX(seq), 0) "
            "FROM change_log) WHERE name = 'changes'"
        )
        op.execute("DROP SEQUENCE IF EXISTS change_log_seq")
