"""Search keys by name word: hyphenated surnames are found by each part, and two words
are one seek per distinct key instead of a scan of the first word's whole range.

``search_key`` now holds one row per ordered pair of a current person's name words (see
:mod:`jeugdtoegang.storage.models.search`) and one per dossier; its primary key becomes
(owner, key, other). The table is derived data: it is made again and filled from the
persons and dossiers already there.

Revision ID: 0019_search_words
Revises: 0018_search
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_search_words"
down_revision = "0018_search"
branch_labels = None
depends_on = None


def _drop() -> None:
    op.drop_index("ix_search_key_household", table_name="search_key")
    op.drop_index("ix_search_key_key", table_name="search_key")
    op.drop_index("ix_search_key_team", table_name="search_key")
    op.drop_table("search_key")


def _create(*, with_kind: bool) -> None:
    columns = [sa.Column("owner_id", sa.Uuid(), nullable=False)]
    if with_kind:
        columns.append(sa.Column("kind", sa.String(length=1), nullable=False))
    columns += [
        sa.Column("key", sa.String(length=150), nullable=False),
        sa.Column("other", sa.String(length=150), nullable=False),
        sa.Column("team_key", sa.String(length=200), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
    ]
    primary = ("owner_id", "kind") if with_kind else ("owner_id", "key", "other")
    op.create_table(
        "search_key", *columns, sa.PrimaryKeyConstraint(*primary, name=op.f("pk_search_key"))
    )
    op.create_index(
        "ix_search_key_team", "search_key", ["team_key", "key", "other", "household_id"]
    )
    op.create_index("ix_search_key_key", "search_key", ["key", "other", "household_id", "team_key"])
    op.create_index("ix_search_key_household", "search_key", ["household_id"])


def upgrade() -> None:
    _drop()
    _create(with_kind=False)
    from jeugdtoegang.storage.search_keys import rebuild

    rebuild(op.get_bind())  # from the persons and dossiers already there


#: 0018's keys (the same SQL as its upgrade): two rows per current person, one per dossier
_OLD_KEYS = """
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
    """Back to 0018's two rows per person and one per dossier (numbers are YYYY-CCC-N…)."""
    _drop()
    _create(with_kind=True)
    op.execute(_OLD_KEYS)
