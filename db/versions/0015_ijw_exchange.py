"""iJw exchange: messages sent and received, provider requests (JW315/JW317), start/stop.

Revision ID: 0015_ijw_exchange
Revises: 0013_caseload
Create Date: 2026-12-01 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_ijw_exchange"
down_revision = "0013_caseload"
branch_labels = None
depends_on = None


def _versioned_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


_UNITS_OLD = "unit in ('minuut', 'uur', 'dagdeel', 'etmaal', 'stuks', 'euro')"
_UNITS_NEW = "unit in ('minuut', 'uur', 'dagdeel', 'etmaal', 'stuks', 'stuks-inspanning', 'euro')"


def _contract_units(condition: str, length: int) -> None:
    """iJw unit 84 (stuks inspanning, 'stuks-inspanning') becomes a contract unit."""
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_contract_unit_known"), type_="check")
        batch_op.alter_column("unit", type_=sa.String(length=length), existing_nullable=False)
        batch_op.create_check_constraint(op.f("ck_contract_unit_known"), condition)


def upgrade() -> None:
    _contract_units(_UNITS_NEW, 20)
    op.create_table(
        "ijw_message",
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("message_code", sa.String(length=5), nullable=False),
        sa.Column("message_date", sa.Date(), nullable=False),
        sa.Column("identification", sa.String(length=20), nullable=False),
        sa.Column("sender", sa.String(length=8), nullable=False),
        sa.Column("receiver", sa.String(length=8), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("indication_id", sa.Uuid(), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=True),
        sa.Column("reason_code", sa.String(length=2), nullable=True),
        *_versioned_columns(),
        sa.CheckConstraint(
            "direction in ('uit', 'in')", name=op.f("ck_ijw_message_direction_known")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_ijw_message_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["indication_id"],
            ["indication.id"],
            name=op.f("fk_ijw_message_indication_id_indication"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ijw_message")),
    )
    with op.batch_alter_table("ijw_message", schema=None) as batch_op:
        batch_op.create_index("ix_ijw_message_ident", ["sender", "identification"], unique=False)
        batch_op.create_index("ix_ijw_message_day", ["message_code", "message_date"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ijw_message_indication_id"), ["indication_id"], unique=False
        )

    op.create_table(
        "ijw_request",
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("provider_agb", sa.String(length=8), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("indication_id", sa.Uuid(), nullable=True),
        sa.Column("product_category", sa.String(length=2), nullable=True),
        sa.Column("product_code", sa.String(length=5), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("volume", sa.String(length=40), nullable=True),
        sa.Column("unit_code", sa.String(length=2), nullable=True),
        sa.Column("frequency_code", sa.String(length=1), nullable=True),
        sa.Column("referrer_code", sa.String(length=2), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("answer_due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("answer_code", sa.String(length=1), nullable=True),
        sa.Column("reject_reason", sa.String(length=2), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answered_by", sa.String(length=100), nullable=True),
        sa.Column("answer_indication_id", sa.Uuid(), nullable=True),
        *_versioned_columns(),
        sa.CheckConstraint("kind in ('JW315', 'JW317')", name=op.f("ck_ijw_request_kind_known")),
        sa.CheckConstraint(
            "status in ('open', 'in_onderzoek', 'toegewezen', 'afgewezen')",
            name=op.f("ck_ijw_request_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["answer_indication_id"],
            ["indication.id"],
            name=op.f("fk_ijw_request_answer_indication_id_indication"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_ijw_request_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["indication_id"],
            ["indication.id"],
            name=op.f("fk_ijw_request_indication_id_indication"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["ijw_message.id"], name=op.f("fk_ijw_request_message_id_ijw_message")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_ijw_request_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ijw_request")),
    )
    with op.batch_alter_table("ijw_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ijw_request_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index("ix_ijw_request_status_due", ["status", "answer_due"], unique=False)

    op.create_table(
        "ijw_care_event",
        sa.Column("indication_id", sa.Uuid(), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason_code", sa.String(length=2), nullable=True),
        sa.Column("provider_agb", sa.String(length=8), nullable=False),
        *_versioned_columns(),
        sa.CheckConstraint("kind in ('start', 'stop')", name=op.f("ck_ijw_care_event_kind_known")),
        sa.ForeignKeyConstraint(
            ["indication_id"],
            ["indication.id"],
            name=op.f("fk_ijw_care_event_indication_id_indication"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["ijw_message.id"],
            name=op.f("fk_ijw_care_event_message_id_ijw_message"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ijw_care_event")),
        sa.UniqueConstraint("indication_id", "kind", name="uq_ijw_care_event_kind"),
    )


def downgrade() -> None:
    _contract_units(_UNITS_OLD, 10)
    op.drop_table("ijw_care_event")
    with op.batch_alter_table("ijw_request", schema=None) as batch_op:
        batch_op.drop_index("ix_ijw_request_status_due")
        batch_op.drop_index(batch_op.f("ix_ijw_request_household_id"))
    op.drop_table("ijw_request")
    with op.batch_alter_table("ijw_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ijw_message_indication_id"))
        batch_op.drop_index("ix_ijw_message_day")
        batch_op.drop_index("ix_ijw_message_ident")
    op.drop_table("ijw_message")
