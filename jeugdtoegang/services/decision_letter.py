"""From a stored decision to its letter: gather the facts, compose, render, keep the final.

A final letter is rendered once, on its first request after approval, and stored with its
SHA-256; every later request returns the stored bytes (never a new rendering).
"""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from jeugdtoegang.domain.decisions import (
    FINAL_STATUSES,
    AddresseeChoice,
    DecisionStatus,
    DecisionType,
    resolve_addressee,
)
from jeugdtoegang.domain.terms import months_covered
from jeugdtoegang.domain.text import full_name
from jeugdtoegang.errors import JeugdtoegangError, NotFoundError
from jeugdtoegang.letters.compose import HelpItem, LetterInput, compose_letter
from jeugdtoegang.letters.model import LetterModel
from jeugdtoegang.letters.render import render_letter
from jeugdtoegang.letters.texts import load_letter_texts
from jeugdtoegang.regions import RegionProfile
from jeugdtoegang.storage.models.decisions import Decision, DecisionIndication, FinalLetter
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.indications import Indication


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def linked_indications(session: Session, decision_id: object) -> list[Indication]:
    rows = session.execute(
        select(Indication)
        .join(DecisionIndication, DecisionIndication.indication_id == Indication.id)
        .where(DecisionIndication.decision_id == decision_id)
        .order_by(DecisionIndication.position)
    ).scalars()
    return list(rows)


def _help_item(row: Indication, profile: RegionProfile) -> HelpItem:
    product = profile.product(row.product_code)
    return HelpItem(
        product=row.product_name or (product.name if product else row.product_code),
        aanbieder=row.provider_name or row.maatwerk_name or "",
        start=row.start_date,
        end=row.end_date,
        volume=row.volume,
        unit=row.unit,
        frequency=row.frequency,
        perspective=row.perspective,
        group=bool(product and product.group),
        months=months_covered(row.start_date, row.end_date),
    )


def _address_lines(household: Household) -> tuple[str, ...]:
    street = " ".join(p for p in (household.street, household.house_number) if p)
    # PostNL: postcode, two spaces, place name
    place = "  ".join(p for p in (household.postcode, household.city) if p)
    return tuple(line for line in (street, place) if line)


def letter_input(
    session: Session,
    profile: RegionProfile,
    decision: Decision,
    letter_date: date,
    *,
    concept: bool,
) -> LetterInput:
    """The plain facts of a stored decision for its letter."""
    household = session.get(Household, decision.household_id)
    person = session.get(Person, decision.person_id)
    if household is None or person is None:
        raise NotFoundError("Het dossier of de jeugdige van deze beschikking bestaat niet meer.")
    jeugdige = full_name(person.first_name, person.tussenvoegsel, person.surname)
    parents = [
        full_name(p.first_name, p.tussenvoegsel, p.surname)
        for p in household.members
        if p.role == "ouder" and p.has_gezag and p.ended_on is None
    ]
    addressee = resolve_addressee(AddresseeChoice(decision.addressee), jeugdige, parents)
    help_items = tuple(_help_item(i, profile) for i in linked_indications(session, decision.id))
    facts = tuple(p.strip() for p in decision.motivation.split("\n\n") if p.strip())
    return LetterInput(
        decision_type=DecisionType(decision.type),
        municipality=decision.gemeente,
        kenmerk=decision.kenmerk,
        letter_date=letter_date,
        request_date=decision.request_date,
        request_text=decision.request_text,
        jeugdige_name=jeugdige,
        addressee_names=addressee.names,
        salutation_names=addressee.salutation_names,
        address_lines=_address_lines(household),
        help=help_items,
        facts=facts,
        goals=tuple(decision.goals or ()),
        end_date=decision.end_date,
        concept=concept,
    )


def letter_model(
    session: Session, profile: RegionProfile, decision: Decision, today: date
) -> LetterModel:
    concept = DecisionStatus(decision.status) not in FINAL_STATUSES
    letter_date = decision.decision_date or today
    data = letter_input(session, profile, decision, letter_date, concept=concept)
    return compose_letter(data, load_letter_texts(profile.slug), profile)


def stored_final(session: Session, decision_id: object) -> FinalLetter | None:
    return session.execute(
        select(FinalLetter).where(FinalLetter.decision_id == decision_id)
    ).scalar_one_or_none()


def final_letter_bytes(
    session: Session, profile: RegionProfile, decision: Decision, today: date
) -> bytes:
    """The final letter: stored bytes, or rendered and stored now (first request)."""
    if DecisionStatus(decision.status) not in FINAL_STATUSES:
        raise JeugdtoegangError("Deze beschikking is nog niet goedgekeurd.")
    existing = stored_final(session, decision.id)
    if existing is not None:
        if sha256(existing.pdf) != existing.sha256:
            raise JeugdtoegangError(
                "De opgeslagen brief is beschadigd (de controlecode klopt niet). "
                "Neem contact op met de beheerder."
            )
        return existing.pdf
    return store_final_letter(
        session, decision, render_letter(letter_model(session, profile, decision, today))
    )


def store_final_letter(session: Session, decision: Decision, pdf: bytes) -> bytes:
    """Store a final letter rendered beforehand; an already stored one wins (returned)."""
    existing = stored_final(session, decision.id)
    if existing is not None:
        return existing.pdf
    session.add(FinalLetter(decision_id=decision.id, pdf=pdf, sha256=sha256(pdf)))
    session.flush()
    return pdf
