"""Decisions: decision (beschikking), decision_indication, final_letter.

Revision ID: 0005_decisions
Revises: 0004_indications
Create Date: 2026-11-23 10:55:48.900806
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_decisions"
down_revision = "0004_indications"
branch_labels = None
depends_on = None
# Chained after 0004 instead of "down_revision 0001_foundation + depends_on 0004": with the
# latter, Alembic (1.20) applies 0004 while 0001 is no longer a head and its merge step
# fails with KeyError '0001_foundation' on a fresh database. Decisions need indications
# anyway, so a plain chain says the same thing.


def upgrade() -> None:
    op.create_table(
        "decision",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("gemeente", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("kenmerk", sa.String(length=30), nullable=False),
        sa.Column("request_date", sa.Date(), nullable=False),
        sa.Column("request_text", sa.Text(), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("motivation", sa.Text(), nullable=False),
        sa.Column("goals", sa.JSON(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("addressee", sa.String(length=20), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("corrects_decision_id", sa.Uuid(), nullable=True),
        sa.Column("submitted_by", sa.String(length=100), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_by", sa.String(length=100), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "addressee in ('ouders', 'jeugdige')", name=op.f("ck_decision_addressee_known")
        ),
        sa.CheckConstraint(
            "status in ('concept', 'goedgekeurd', 'verzonden')",
            name=op.f("ck_decision_status_known"),
        ),
        sa.CheckConstraint(
            "type in ('toekenning', 'gedeeltelijke_toekenning', 'afwijzing', 'wijziging', 'beeindiging')",
            name=op.f("ck_decision_type_known"),
        ),
        sa.ForeignKeyConstraint(
            ["corrects_decision_id"],
            ["decision.id"],
            name=op.f("fk_decision_corrects_decision_id_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_decision_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_decision_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
        sa.UniqueConstraint("kenmerk", name=op.f("uq_decision_kenmerk")),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decision_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index("ix_decision_status_date", ["status", "decision_date"], unique=False)

    op.create_table(
        "decision_indication",
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("indication_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decision.id"],
            name=op.f("fk_decision_indication_decision_id_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["indication_id"],
            ["indication.id"],
            name=op.f("fk_decision_indication_indication_id_indication"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_indication")),
        sa.UniqueConstraint("decision_id", "indication_id", name="uq_decision_indication_pair"),
    )
    with op.batch_alter_table("decision_indication", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decision_indication_decision_id"), ["decision_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_decision_indication_indication_id"), ["indication_id"], unique=False
        )

    op.create_table(
        "final_letter",
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_final_letter_decision_id_decision")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_final_letter")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_final_letter_decision_id")),
    )


def downgrade() -> None:
    op.drop_table("final_letter")
    with op.batch_alter_table("decision_indication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_indication_indication_id"))
        batch_op.drop_index(batch_op.f("ix_decision_indication_decision_id"))

    op.drop_table("decision_indication")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index("ix_decision_status_date")
        batch_op.drop_index(batch_op.f("ix_decision_household_id"))

    op.drop_table("decision")
