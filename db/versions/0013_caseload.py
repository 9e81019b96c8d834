"""Caseload: a responsible consultant and a stand-in per dossier (handover, "Mijn werk").

Also refolds the search names of persons whose name has a letter the older fold kept
(Turkish ı, ø, æ, ł, đ, ß …), so "Yilmaz" finds "Yılmaz" in existing databases.

Revision ID: 0013_caseload
Revises: 0012_region_setup
Create Date: 2026-12-01 23:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_caseload"
down_revision = "0012_region_setup"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("household") as batch:
        batch.add_column(sa.Column("responsible_consultant", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("stand_in", sa.String(length=100), nullable=True))
        batch.create_index("ix_household_responsible_consultant", ["responsible_consultant"])
        batch.create_index("ix_household_stand_in", ["stand_in"])
    op.create_index(
        "ix_indication_start",
        "indication",
        ["start_date", "status", "perspective", "predecessor_id"],
    )
    _refold_search_names()


_SPECIAL = "ıİøØæÆœŒłŁđĐßðþ"


def _refold_search_names() -> None:
    from jeugdtoegang.domain.text import fold

    bind = op.get_bind()
    person = sa.table(
        "person",
        sa.column("id", sa.Uuid()),
        sa.column("first_name", sa.String()),
        sa.column("surname", sa.String()),
        sa.column("search_first", sa.String()),
        sa.column("search_surname", sa.String()),
    )
    rows = bind.execute(sa.select(person.c.id, person.c.first_name, person.c.surname)).all()
    for person_id, first_name, surname in rows:
        if any(ch in _SPECIAL for ch in f"{first_name}{surname}"):
            bind.execute(
                person.update()
                .where(person.c.id == person_id)
                .values(search_first=fold(first_name), search_surname=fold(surname))
            )


def downgrade() -> None:
    op.drop_index("ix_indication_start", table_name="indication")
    with op.batch_alter_table("household") as batch:
        batch.drop_index("ix_household_stand_in")
        batch.drop_index("ix_household_responsible_consultant")
        batch.drop_column("stand_in")
        batch.drop_column("responsible_consultant")
