"""The Logboek pages by key: the object index of the audit log ends in ``seq``.

``ix_audit_log_object`` (object type, object id) becomes ``ix_audit_log_object_seq``
(object type, object id, seq), so the newest entries on a dossier, and the next page
older than a given entry, are one index range read backwards: no sort of every entry on
the dossier, whatever the size of the log.

``ix_audit_subject_entry`` (entry seq, person id) lets verification read the person index
of each chunk of entries as one range; without it every chunk scanned the whole index
table (at 1,000,000 entries, 50 chunks of 1,000,000 rows).

Revision ID: 0020_audit
Revises: 0019_search_words
"""

from __future__ import annotations

from alembic import op

revision = "0020_audit"
down_revision = "0019_search_words"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_log_object_seq", "audit_log", ["object_type", "object_id", "seq"], unique=False
    )
    op.drop_index("ix_audit_log_object", table_name="audit_log")
    op.create_index(
        "ix_audit_subject_entry", "audit_subject", ["entry_seq", "person_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_audit_subject_entry", table_name="audit_subject")
    op.create_index("ix_audit_log_object", "audit_log", ["object_type", "object_id"], unique=False)
    op.drop_index("ix_audit_log_object_seq", table_name="audit_log")
