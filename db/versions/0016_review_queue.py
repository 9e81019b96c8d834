"""Review queue: keyset paging over the submitted plans, indications and decisions.

Revision ID: 0016_review_queue
Revises: 0014_scale
"""

from __future__ import annotations

from alembic import op

revision = "0016_review_queue"
down_revision = "0014_scale"
branch_labels = None
depends_on = None

_INDEXES = (
    ("ix_plan_status_submitted", "plan"),
    ("ix_indication_status_submitted", "indication"),
    ("ix_decision_status_submitted", "decision"),
)


def upgrade() -> None:
    for name, table in _INDEXES:
        op.create_index(name, table, ["status", "submitted_at", "id"])


def downgrade() -> None:
    for name, table in _INDEXES:
        op.drop_index(name, table_name=table)
