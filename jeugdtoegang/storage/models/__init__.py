"""All mapped models. Importing this package registers every table on ``Base.metadata``.

Each area owns one module; add new modules to the import list below.
"""

from jeugdtoegang.storage.models import (  # noqa: F401
    audit,
    audit_anchor,
    changelog,
    commitments,
    decisions,
    households,
    ijw,
    indications,
    login_state,
    meta,
    plans,
    providers,
    region_setup,
    requests,
    search,
    security,
    sync,
    sync_trust,
)
from jeugdtoegang.storage.models.audit import AuditEntry
from jeugdtoegang.storage.models.changelog import ChangeLogEntry
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.meta import DatabaseInfo, SequenceCounter

__all__ = [
    "AuditEntry",
    "ChangeLogEntry",
    "DatabaseInfo",
    "Household",
    "Person",
    "SequenceCounter",
]
