"""Providers: the provider catalogue, contracts per region, free-access provisions.

Revision ID: 0002_providers
Revises: 0001_foundation
Create Date: 2026-11-23 10:53:37.988155
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_providers"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def _record_columns() -> list[sa.Column]:
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
        "free_access_provision",
        sa.Column("municipality", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("themes", sa.Text(), nullable=False),
        sa.Column("group_offer", sa.Boolean(), nullable=False),
        sa.Column("agb", sa.String(length=8), nullable=True),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        *_record_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_free_access_provision")),
        sa.UniqueConstraint("municipality", "name", name="uq_free_access_provision_municipality"),
    )
    op.create_table(
        "provider",
        sa.Column("agb", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("search_name", sa.String(length=200), nullable=False),
        sa.Column("kvk", sa.String(length=8), nullable=True),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("identity", sa.String(length=60), nullable=True),
        *_record_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider")),
        sa.UniqueConstraint("agb", name=op.f("uq_provider_agb")),
    )
    with op.batch_alter_table("provider", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_search_name"), ["search_name"], unique=False)

    op.create_table(
        "contract",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("region_slug", sa.String(length=60), nullable=False),
        sa.Column("segment", sa.String(length=60), nullable=False),
        sa.Column("product_code", sa.String(length=5), nullable=False),
        sa.Column("product_name", sa.String(length=200), nullable=False),
        sa.Column("vorm", sa.String(length=30), nullable=True),
        sa.Column("themes", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("tariff", sa.String(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("municipalities", sa.Text(), nullable=False),
        sa.Column("preferred_wijken", sa.Text(), nullable=False),
        sa.Column("group_offer", sa.Boolean(), nullable=False),
        sa.Column("waiting_weeks", sa.Integer(), nullable=True),
        sa.Column("budget_year", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        *_record_columns(),
        sa.CheckConstraint(
            "status in ('actief', 'clientenstop', 'geschorst')",
            name=op.f("ck_contract_status_known"),
        ),
        sa.CheckConstraint(
            "unit in ('minuut', 'uur', 'dagdeel', 'etmaal', 'stuks', 'euro')",
            name=op.f("ck_contract_unit_known"),
        ),
        sa.CheckConstraint(
            "valid_to is null or valid_to >= valid_from", name=op.f("ck_contract_period_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_contract_provider_id_provider")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract")),
        sa.UniqueConstraint(
            "region_slug",
            "provider_id",
            "segment",
            "product_code",
            "valid_from",
            name="uq_contract_natural_key",
        ),
    )
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contract_eligibility",
            [
                "region_slug",
                "segment",
                "product_code",
                "valid_from",
                "valid_to",
                "status",
                "provider_id",
                "version",
            ],
            unique=False,
        )
        batch_op.create_index("ix_contract_provider", ["provider_id", "valid_from"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_index("ix_contract_provider")
        batch_op.drop_index("ix_contract_eligibility")
    op.drop_table("contract")
    with op.batch_alter_table("provider", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_search_name"))
    op.drop_table("provider")
    op.drop_table("free_access_provision")
