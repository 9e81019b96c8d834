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
    op.execute(_KEYS)  # from the persons and dossiers already there


#: this revision's keys, in SQL (frozen: the program's own rebuild writes the newest
#: layout, 0019's): two rows per current person, one per dossier (YYYY-CCC-N…)
_KEYS = """
INSERT INTO search_key (owner_id, kind, key, other, team_key, household_id)
SELECT p.id, k.kind,
       CASE k.kind WHEN 's' THEN coalesce(p.search_surname, '')
                   ELSE coalesce(p.search_first, '') END,
       CASE k.kind WHEN 's' THEN coalesce(p.search_first, '')
                   ELSE coalesce(p.search_surname, '') END,
       lower(trim(coalesce(h.team, ''))), p.household_id
FROM person AS p JOIN household AS h ON h.id = p.household_id
CROSS JOIN (SELECT 's' AS kind UNION ALL SELECT 'f') AS k
WHERE p.ended_on IS NULL
UNION ALL
SELECT h.id, 'd', '#' || substr(h.dossier_number, 10), lower(substr(h.dossier_number, 6, 3)),
       lower(trim(coalesce(h.team, ''))), h.id
FROM household AS h
"""


def downgrade() -> None:
    op.drop_index("ix_search_key_household", table_name="search_key")
    op.drop_index("ix_search_key_key", table_name="search_key")
    op.drop_index("ix_search_key_team", table_name="search_key")
    op.drop_table("search_key")
