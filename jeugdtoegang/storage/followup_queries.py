"""The reads behind an indication's follow-up (``services/indication_followup.py``)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.models.indications import ProviderRequest


def provider_requests_of(session: Session, household_id: uuid.UUID) -> list[ProviderRequest]:
    """A household's provider requests, the earliest received first."""
    return list(
        session.execute(
            select(ProviderRequest)
            .where(ProviderRequest.household_id == household_id)
            .order_by(ProviderRequest.received_on)
        ).scalars()
    )
