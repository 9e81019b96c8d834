"""Aanvraag (request) with its Awb term; structured motivation, verzenddatum and mandate on decisions.

Revision ID: 0010_aanvraag_motivation
Revises: 0009_rule_integrity
Create Date: 2026-12-01 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_aanvraag_motivation"
down_revision = "0009_rule_integrity"
branch_labels = None
depends_on = None

OLD_TYPES = "'toekenning', 'gedeeltelijke_toekenning', 'afwijzing', 'wijziging', 'beeindiging'"
NEW_TYPES = (
    "'toekenning', 'gedeeltelijke_toekenning', 'afwijzing', 'wijziging', "
    "'verlenging', 'beeindiging', 'correctie'"
)


def _versioned_columns() -> list[sa.Column]:  # type: ignore[type-arg]
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
        "aanvraag",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("requested_by", sa.String(length=20), nullable=False),
        sa.Column("requester_name", sa.String(length=200), nullable=False),
        sa.Column("requested", sa.Text(), nullable=False),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.Column("suspensions", sa.JSON(), nullable=False),
        sa.Column("extension_weeks", sa.Integer(), nullable=False),
        sa.Column("extension_notified_on", sa.Date(), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        *_versioned_columns(),
        sa.CheckConstraint(
            "requested_by in ('ouders', 'jeugdige', 'verwijzer')",
            name=op.f("ck_aanvraag_requested_by_known"),
        ),
        sa.CheckConstraint(
            "outcome in ('open', 'toegekend', 'gedeeltelijk', 'afgewezen', 'ingetrokken')",
            name=op.f("ck_aanvraag_outcome_known"),
        ),
        sa.CheckConstraint("extension_weeks >= 0", name=op.f("ck_aanvraag_extension_not_negative")),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_aanvraag_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_aanvraag_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aanvraag")),
    )
    with op.batch_alter_table("aanvraag", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_aanvraag_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index(
            "ix_aanvraag_outcome_received", ["outcome", "received_on"], unique=False
        )

    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("aanvraag_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("motivation_parts", sa.JSON(), nullable=False, server_default="{}")
        )
        batch_op.add_column(sa.Column("effective_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("sent_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("consultant_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("approver_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("approver_function", sa.String(length=200), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_decision_aanvraag_id_aanvraag"), "aanvraag", ["aanvraag_id"], ["id"]
        )
        batch_op.drop_constraint(batch_op.f("ck_decision_type_known"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_decision_type_known"), f"type in ({NEW_TYPES})"
        )
    # letters sent before this revision: their letter date was the verzenddatum
    op.execute(
        "UPDATE decision SET sent_on = decision_date WHERE status = 'verzonden' AND sent_on IS NULL"
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.alter_column("motivation_parts", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_decision_type_known"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_decision_type_known"), f"type in ({OLD_TYPES})"
        )
        batch_op.drop_constraint(batch_op.f("fk_decision_aanvraag_id_aanvraag"), type_="foreignkey")
        for column in (
            "approver_function",
            "approver_name",
            "consultant_name",
            "sent_on",
            "effective_date",
            "motivation_parts",
            "aanvraag_id",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("aanvraag", schema=None) as batch_op:
        batch_op.drop_index("ix_aanvraag_outcome_received")
        batch_op.drop_index(batch_op.f("ix_aanvraag_household_id"))
    op.drop_table("aanvraag")
