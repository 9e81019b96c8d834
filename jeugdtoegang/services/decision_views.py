"""Read-side views of decisions (frozen dataclasses for the GUI and the CLI)."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from jeugdtoegang.domain.decisions import AddresseeChoice, DecisionStatus, DecisionType
from jeugdtoegang.storage.snapshot import to_json_value


@dataclass(frozen=True)
class DecisionRow:
    """One line in a list of decisions."""

    id: uuid.UUID
    household_id: uuid.UUID
    type: DecisionType
    status: DecisionStatus
    date: date  # the letter date; for a draft the day it was made
    jeugdige: str
    kenmerk: str
    gemeente: str
    corrects_kenmerk: str | None = None
    #: a draft offered to the team lead (still a concept until approved)
    submitted: bool = False
    #: the kenmerk of the approved decision that replaced or withdrew this one
    replaced_by_kenmerk: str | None = None

    @property
    def type_label(self) -> str:
        return self.type.label

    @property
    def status_label(self) -> str:
        if self.replaced_by_kenmerk:
            return f"Vervangen door {self.replaced_by_kenmerk}"
        if self.submitted and self.status is DecisionStatus.CONCEPT:
            return "Ingediend"
        return self.status.label

    def to_json(self) -> dict[str, Any]:
        data = {k: to_json_value(v) for k, v in asdict(self).items()}
        data["type"] = self.type.value
        data["status"] = self.status.value
        return data


@dataclass(frozen=True)
class DecisionDetail:
    """A whole decision, for the Beschikkingen tab."""

    row: DecisionRow
    version: int
    person_id: uuid.UUID
    request_date: date
    request_text: str
    motivation: str
    goals: tuple[str, ...]
    legal_basis: str
    addressee: AddresseeChoice
    end_date: date | None
    corrects_decision_id: uuid.UUID | None
    indication_ids: tuple[uuid.UUID, ...]
    created_by: str
    submitted_by: str | None
    submitted_at: datetime | None
    review_comment: str | None
    approved_by: str | None
    approved_at: datetime | None
    sent_by: str | None
    sent_at: datetime | None
    final_sha256: str | None
    motivation_parts: dict[str, Any] | None = None
    #: keys of required motivation parts still empty (approval is refused until none)
    missing_parts: tuple[str, ...] = ()
    aanvraag_id: uuid.UUID | None = None
    effective_date: date | None = None
    #: the verzenddatum (Awb 6:8), set when the letter is printed final or marked sent
    sent_on: date | None = None
    approver_name: str | None = None

    @property
    def id(self) -> uuid.UUID:
        return self.row.id

    @property
    def status(self) -> DecisionStatus:
        return self.row.status

    def to_json(self) -> dict[str, Any]:
        data = self.row.to_json()
        for key, value in asdict(self).items():
            if key != "row":
                data[key] = to_json_value(value)
        data["goals"] = list(self.goals)
        data["indication_ids"] = [str(i) for i in self.indication_ids]
        data["addressee"] = self.addressee.value
        data["missing_parts"] = list(self.missing_parts)
        data["motivation_parts"] = self.motivation_parts or {}
        return data


@dataclass(frozen=True)
class PendingDecisionView:
    """A submitted draft waiting for the team lead (review seam)."""

    id: uuid.UUID
    household_id: uuid.UUID
    title: str
    submitted_by: str | None
    submitted_at: datetime | None
    motivations: str
    findings: str = ""


@dataclass(frozen=True)
class BatchResult:
    """What a batch print run wrote."""

    day: date
    files: tuple[str, ...]
    skipped: int = 0
