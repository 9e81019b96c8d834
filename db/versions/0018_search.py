"""Search keys: one index range per search (name prefix, two names, dossier serial).

The derived table ``search_key`` holds two rows per current person (surname then first
name, and first name then surname, both folded) and one per dossier (the serial of its
number), each with the dossier's team, so a search reads one index range in the user's
team scope. Filled here from the persons and dossiers already there.

Revision ID: 0018_search
Revises: 0017_audit
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_search"
down_revision = "0017_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_key",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("key", sa.String(length=150), nullable=False),
        sa.Column("other", sa.String(length=150), nullable=False),
        sa.Column("team_key", sa.String(length=200), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", "kind", name=op.f("pk_search_key")),
    )
    op.create_index(
        "ix_search_key_team", "search_key", ["team_key", "key", "other", "household_id"]
    )
    op.create_index("ix_search_key_key", "search_key", ["key", "other", "household_id", "team_key"])
    op.create_index("ix_search_key_household", "search_key", ["household_id"])
    from jeugdtoegang.storage.search_keys import rebuild

    rebuild(op.get_bind())  # from the persons and dossiers already there


def downgrade() -> None:
    op.drop_index("ix_search_key_household", table_name="search_key")
    op.drop_index("ix_search_key_key", table_name="search_key")
    op.drop_index("ix_search_key_team", table_name="search_key")
    op.drop_table("search_key")
