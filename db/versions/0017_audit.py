"""Audit chains: one hash chain per concurrent writer instead of one shared counter row.

The existing log becomes chain 1 unchanged (its entries keep their hashes: within chain 1
``chain_seq`` equals ``seq``, which is what the old entries hashed), the ``audit`` counter's
value becomes chain 1's head (so a tail cut before the upgrade is still found), and on
PostgreSQL the global display order continues from a sequence. The anchors received from
workstations get the chain they belong to (old ones: chain 1).

Revision ID: 0017_audit
Revises: 0016_review_queue
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0017_audit"
down_revision = "0016_review_queue"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("genesis", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("head_seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
        sa.UniqueConstraint("number", name=op.f("uq_audit_chain_number")),
    )
    # plain ADD COLUMN (no table rebuild on SQLite: the log may hold millions of rows)
    op.add_column("audit_log", sa.Column("chain_id", sa.Integer(), nullable=True))
    op.add_column("audit_log", sa.Column("chain_seq", sa.BigInteger(), nullable=True))
    op.add_column("audit_anchor_received", sa.Column("chain_id", sa.Integer(), nullable=True))
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE audit_log SET chain_id = 1, chain_seq = seq"))
    op.create_index("ix_audit_log_chain", "audit_log", ["chain_id", "chain_seq"], unique=True)
    counter = bind.execute(
        sa.text("SELECT last_seq FROM sequence_counter WHERE name = 'audit'")
    ).scalar()
    last = bind.execute(sa.text("SELECT MAX(seq) FROM audit_log")).scalar()
    head = max(int(counter or 0), int(last or 0))
    if head > 0:
        head_hash = bind.execute(
            sa.text("SELECT chain_hash FROM audit_log WHERE seq = :seq"), {"seq": head}
        ).scalar()
        chain = sa.table(
            "audit_chain",
            sa.column("id", sa.Uuid()),
            sa.column("number", sa.Integer()),
            sa.column("genesis", sa.String()),
            sa.column("created_at", sa.DateTime(timezone=True)),
            sa.column("created_by", sa.String()),
            sa.column("head_seq", sa.BigInteger()),
            sa.column("head_hash", sa.String()),
        )
        now = datetime.now(UTC)
        if bind.dialect.name == "sqlite":  # stored as UTC text without an offset there
            now = now.replace(tzinfo=None)
        op.bulk_insert(
            chain,
            [
                {
                    "id": uuid.uuid4(),
                    "number": 1,
                    "genesis": GENESIS,
                    "created_at": now,
                    "created_by": "migratie 0016",
                    "head_seq": head,
                    # a tail cut before the upgrade: no hash, verification reports the cut
                    "head_hash": head_hash or "",
                }
            ],
        )
    if bind.dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE IF NOT EXISTS audit_log_seq AS BIGINT START WITH 1")
        if head > 0:
            op.execute(f"SELECT setval('audit_log_seq', {head}, true)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP SEQUENCE IF EXISTS audit_log_seq")
    op.execute(
        "UPDATE sequence_counter SET last_seq = (SELECT COALESCE(MAX(seq), 0) FROM audit_log) "
        "WHERE name = 'audit'"
    )
    op.drop_index("ix_audit_log_chain", table_name="audit_log")
    with op.batch_alter_table("audit_anchor_received") as batch_op:
        batch_op.drop_column("chain_id")
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_column("chain_seq")
        batch_op.drop_column("chain_id")
    op.drop_table("audit_chain")
