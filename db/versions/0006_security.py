"""Security: users, review steps, audit subjects, and the audit log's key id.

Revision ID: 0006_security
Revises: 0005_decisions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_security"
down_revision = "0005_decisions"
branch_labels = None
depends_on = None


def _versioned_columns() -> list[sa.Column]:
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
        "app_user",
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("municipality", sa.String(length=100), nullable=True),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        *_versioned_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "audit_subject",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "entry_seq", name=op.f("pk_audit_subject")),
    )
    op.create_table(
        "review_step",
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("role", sa.String(length=30), nullable=True),
        *_versioned_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_step")),
    )
    with op.batch_alter_table("review_step", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_step_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index("ix_review_step_object", ["object_type", "object_id"], unique=False)
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
        batch_op.create_index("ix_audit_log_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_audit_log_created_by", ["created_by", "seq"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_created_by")
        batch_op.drop_index("ix_audit_log_created_at")
        batch_op.drop_column("key_id")
    with op.batch_alter_table("review_step", schema=None) as batch_op:
        batch_op.drop_index("ix_review_step_object")
        batch_op.drop_index(batch_op.f("ix_review_step_household_id"))
    op.drop_table("review_step")
    op.drop_table("audit_subject")
    op.drop_table("app_user")
