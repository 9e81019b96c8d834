"""Foundation: database info, counters, change log, audit log, households and persons.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-23 10:41:44.588575
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=True),
        sa.Column("object_id", sa.Uuid(), nullable=True),
        sa.Column("person_ids", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("chain_hash", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_log_seq")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_object", ["object_type", "object_id"], unique=False)

    op.create_table(
        "change_log",
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("table_name", sa.String(length=60), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("operation", sa.String(length=10), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("origin_db", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
        sa.UniqueConstraint("seq", name=op.f("uq_change_log_seq")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_change_log_record", ["table_name", "record_id", "version"], unique=False
        )

    op.create_table(
        "database_info",
        sa.Column("region_slug", sa.String(length=60), nullable=False),
        sa.Column("municipality", sa.String(length=100), nullable=True),
        sa.Column("team_name", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_database_info")),
    )
    op.create_table(
        "household",
        sa.Column("dossier_number", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("house_number", sa.String(length=20), nullable=False),
        sa.Column("postcode", sa.String(length=7), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("gemeente", sa.String(length=100), nullable=False),
        sa.Column("wijk", sa.String(length=100), nullable=True),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household")),
        sa.UniqueConstraint("dossier_number", name=op.f("uq_household_dossier_number")),
    )
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_postcode"), ["postcode"], unique=False)

    op.create_table(
        "sequence_counter",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sequence_counter")),
        sa.UniqueConstraint("name", name=op.f("uq_sequence_counter_name")),
    )
    op.create_table(
        "person",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("tussenvoegsel", sa.String(length=30), nullable=False),
        sa.Column("surname", sa.String(length=150), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("bsn", sa.String(length=9), nullable=True),
        sa.Column("has_gezag", sa.Boolean(), nullable=False),
        sa.Column("relation", sa.String(length=60), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("search_surname", sa.String(length=150), nullable=False),
        sa.Column("search_first", sa.String(length=100), nullable=False),
        sa.Column("sort_key", sa.String(length=40), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "role in ('jeugdige', 'ouder', 'netwerk')", name=op.f("ck_person_role_known")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_person_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("bsn", name=op.f("uq_person_bsn")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_household_id"), ["household_id"], unique=False)
        batch_op.create_index(
            "ix_person_search_first",
            ["search_first", "search_surname", "household_id", "ended_on"],
            unique=False,
        )
        batch_op.create_index(
            "ix_person_search_surname",
            ["search_surname", "search_first", "household_id", "ended_on"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_search_surname")
        batch_op.drop_index("ix_person_search_first")
        batch_op.drop_index(batch_op.f("ix_person_household_id"))

    op.drop_table("person")
    op.drop_table("sequence_counter")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_postcode"))

    op.drop_table("household")
    op.drop_table("database_info")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_change_log_record")

    op.drop_table("change_log")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_object")

    op.drop_table("audit_log")
