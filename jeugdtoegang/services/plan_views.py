"""What the perspectiefplan use cases return: the plan as shown, a plan waiting for review,
a row of the version history.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jeugdtoegang.domain.findings import Finding, blocking
from jeugdtoegang.domain.plans import (
    PlanDocument,
    PlanStatus,
)
from jeugdtoegang.domain.text import person_shown
from jeugdtoegang.services.views import PersonView
from jeugdtoegang.storage.snapshot import to_json_value


@dataclass(frozen=True)
class PlanView:
    """The current plan of a household (``id`` None and ``version_no`` 0: not saved yet)."""

    id: uuid.UUID | None
    household_id: uuid.UUID
    household_name: str
    dossier_number: str
    status: PlanStatus
    version_no: int
    approved_version_no: int | None
    document: PlanDocument
    members: tuple[PersonView, ...]
    findings: tuple[Finding, ...]
    saved_by: str | None = None
    saved_at: datetime | None = None
    submitted_by: str | None = None
    submitted_at: datetime | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_comment: str | None = None
    return_comment: str | None = None
    #: the names of the people behind the logins above (saved, submitted, decided by)
    names: dict[str, str] = field(default_factory=dict)

    def name_of(self, login: str | None) -> str:
        """A person as people know them: the name, else the login."""
        return person_shown(self.names.get(login or ""), login)

    @property
    def blocking_findings(self) -> list[Finding]:
        return blocking(self.findings)

    @property
    def editable(self) -> bool:
        """A plan under review is frozen until the team lead decides."""
        return self.status is not PlanStatus.INGEDIEND

    def to_json(self) -> dict[str, Any]:
        return {
            "id": to_json_value(self.id),
            "household_id": str(self.household_id),
            "household_name": self.household_name,
            "dossier_number": self.dossier_number,
            "status": self.status.value,
            "version_no": self.version_no,
            "approved_version_no": self.approved_version_no,
            "saved_by": self.saved_by,
            "saved_at": to_json_value(self.saved_at),
            "submitted_by": self.submitted_by,
            "submitted_at": to_json_value(self.submitted_at),
            "decided_by": self.decided_by,
            "decided_at": to_json_value(self.decided_at),
            "saved_by_name": self.names.get(self.saved_by or ""),
            "submitted_by_name": self.names.get(self.submitted_by or ""),
            "decided_by_name": self.names.get(self.decided_by or ""),
            "decision_comment": self.decision_comment,
            "return_comment": self.return_comment,
            "document": self.document.to_json(),
            "findings": [
                {"code": f.code, "severity": f.severity.value, "message": f.message}
                for f in self.findings
            ],
        }


@dataclass(frozen=True)
class PendingPlanView:
    """A submitted plan waiting for a team lead (the review seam)."""

    id: uuid.UUID
    household_id: uuid.UUID
    title: str
    submitted_by: str | None
    submitted_at: datetime | None
    version_no: int
    findings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class PlanVersionRow:
    version_no: int
    status: PlanStatus
    saved_by: str
    saved_at: datetime
    goal_count: int
    is_current: bool
    is_approved: bool
    #: the name of ``saved_by`` (None when the account is not known here)
    saved_by_name: str | None = None
