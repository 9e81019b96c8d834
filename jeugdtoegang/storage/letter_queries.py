"""The reads behind decision letters (``services/decision_letter.py``, ``letter_batch.py``).

Set-wise reads (``…_of``, ``…s``) serve the day batch: one statement for a chunk of
decisions, never one a letter.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jeugdtoegang.domain.decisions import DecisionStatus
from jeugdtoegang.storage.models.decisions import Decision, DecisionIndication, FinalLetter
from jeugdtoegang.storage.models.households import Household
from jeugdtoegang.storage.models.indications import Indication
from jeugdtoegang.storage.models.providers import Contract, Provider


def linked_indications(session: Session, decision_id: object) -> list[Indication]:
    """The indications a decision names, in the letter's order."""
    rows = session.execute(
        select(Indication)
        .join(DecisionIndication, DecisionIndication.indication_id == Indication.id)
        .where(DecisionIndication.decision_id == decision_id)
        .order_by(DecisionIndication.position)
    ).scalars()
    return list(rows)


def linked_indications_of(session: Session, decision_ids: list[Any]) -> dict[Any, list[Indication]]:
    """:func:`linked_indications` of many decisions in one query."""
    found: dict[Any, list[Indication]] = {decision_id: [] for decision_id in decision_ids}
    rows = session.execute(
        select(DecisionIndication.decision_id, Indication)
        .join(Indication, DecisionIndication.indication_id == Indication.id)
        .where(DecisionIndication.decision_id.in_(decision_ids))
        .order_by(DecisionIndication.decision_id, DecisionIndication.position)
    )
    for decision_id, indication in rows:
        found[decision_id].append(indication)
    return found


def stored_finals(session: Session, decision_ids: list[Any]) -> dict[Any, FinalLetter]:
    """:func:`stored_final` of many decisions in one query (absent: none stored)."""
    rows = session.execute(
        select(FinalLetter).where(FinalLetter.decision_id.in_(decision_ids))
    ).scalars()
    return {row.decision_id: row for row in rows}


def stored_final(session: Session, decision_id: object) -> FinalLetter | None:
    """The final letter stored for a decision, or None."""
    return session.execute(
        select(FinalLetter).where(FinalLetter.decision_id == decision_id)
    ).scalar_one_or_none()


def contracted_identities(session: Session, region_slug: str, product_code: str) -> list[str]:
    """The identities of providers holding an active contract for a product in a region."""
    return list(
        session.execute(
            select(Provider.identity)
            .join(Contract, Contract.provider_id == Provider.id)
            .where(
                Contract.region_slug == region_slug,
                Contract.product_code == product_code,
                Contract.status == "actief",
                Provider.identity.is_not(None),
            )
            .distinct()
        ).scalars()
    )


def approved_unsent_ids(session: Session, day: date) -> list[uuid.UUID]:
    """Approved, not yet sent decisions with letter date ``day``, by kenmerk."""
    return list(
        session.execute(
            select(Decision.id)
            .where(
                Decision.status == DecisionStatus.GOEDGEKEURD.value,
                Decision.decision_date == day,
            )
            .order_by(Decision.kenmerk)
        ).scalars()
    )


def decisions_by_id(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Decision]:
    """Decision id → decision for these ids (one ``IN`` statement)."""
    rows = session.execute(select(Decision).where(Decision.id.in_(ids))).scalars().all()
    return {d.id: d for d in rows}


def households_with_members(
    session: Session, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, Household]:
    """Household id → household, its members loaded with it (one statement each)."""
    rows = (
        session.execute(
            select(Household).where(Household.id.in_(ids)).options(selectinload(Household.members))
        )
        .scalars()
        .all()
    )
    return {h.id: h for h in rows}
