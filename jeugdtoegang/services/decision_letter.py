"""From a stored decision to its letter: gather the facts, compose, render, keep the final.

A final letter is rendered once, on its first request after approval, and stored with its
SHA-256; every later request returns the stored bytes (never a new rendering).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.decisions import (
    AMBTSHALVE_TYPES,
    FINAL_STATUSES,
    AddresseeChoice,
    DecisionStatus,
    DecisionType,
    resolve_addressee,
)
from jeugdtoegang.domain.indication_access_policies import identity_wish_met
from jeugdtoegang.domain.motivation import MotivationParts
from jeugdtoegang.domain.terms import months_covered
from jeugdtoegang.domain.text import full_name
from jeugdtoegang.errors import JeugdtoegangError, NotFoundError
from jeugdtoegang.letters.compose import HelpItem, LetterInput, compose_letter
from jeugdtoegang.letters.model import LetterModel
from jeugdtoegang.letters.render import render_letter
from jeugdtoegang.regions import RegionProfile
from jeugdtoegang.services.region_setup import (
    SetupVersion,
    letter_profile,
    mark_fictional,
    setup_for_decision,
    with_digital_bezwaar,
    with_stored_logo,
)
from jeugdtoegang.storage.letter_queries import (
    contracted_identities,
    linked_indications,
    linked_indications_of,
    stored_final,
    stored_finals,
)
from jeugdtoegang.storage.models.decisions import Decision, FinalLetter
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.indications import Indication
from jeugdtoegang.storage.models.providers import Provider

__all__ = [  # the letter reads of storage, used by the decision services through here
    "linked_indications",
    "linked_indications_of",
    "stored_final",
    "stored_finals",
]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: finding codes whose approved motivation explains a term longer than usual (tenzij)
TENZIJ_CODES = ("TERM_DEVELOPMENT_EXCEEDED", "TERM_STABILISING_EXCEEDED")


def _tenzij_reason(row: Indication) -> str:
    motivations = row.motivations or {}
    for code in TENZIJ_CODES:
        text = str(motivations.get(code) or "").strip()
        if text:
            return text
    return ""


def _identity_available(session: Session, profile: RegionProfile, row: Indication) -> bool:
    """Whether any active contract for this product in the region is held by a provider
    whose identity is the family's wish (the letter says so when none is)."""
    identities = contracted_identities(session, profile.slug, row.product_code)
    return any(identity_wish_met(row.identity_wish, identity) for identity in identities)


def _identity_facts(
    session: Session | None, profile: RegionProfile, row: Indication
) -> dict[str, Any]:
    """What the letter's identity sentence needs (issue 11): empty without a wish."""
    wish = (row.identity_wish or "").strip()
    if not wish or session is None:
        return {}
    provider = session.get(Provider, row.provider_id) if row.provider_id else None
    identity = provider.identity if provider is not None else None
    met = identity_wish_met(wish, identity)
    return {
        "identity_wish": wish,
        "provider_identity": identity or "",
        "chosen_by_family": bool(row.chosen_by_family),
        "identity_reason": str((row.motivations or {}).get("IDENTITY_WISH_NOT_MET") or ""),
        "identity_available": met or _identity_available(session, profile, row),
    }


def _help_item(row: Indication, profile: RegionProfile, session: Session | None = None) -> HelpItem:
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
        segment=row.segment,
        evaluation_due=row.evaluation_due,
        tenzij_reason=_tenzij_reason(row),
        **_identity_facts(session, profile, row),
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
    indications: list[Indication] | None = None,
) -> LetterInput:
    """The plain facts of a stored decision for its letter. ``indications``: the linked
    indications in their order, when read beforehand (a print run reads them for many
    decisions at once; households and persons it reads into the session)."""
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
    if indications is None:
        indications = linked_indications(session, decision.id)
    help_items = tuple(_help_item(i, profile, session) for i in indications)
    facts = tuple(p.strip() for p in decision.motivation.split("\n\n") if p.strip())
    decision_type = DecisionType(decision.type)
    previous = None
    old_help: tuple[HelpItem, ...] = ()
    if decision.corrects_decision_id is not None:
        earlier = session.get(Decision, decision.corrects_decision_id)
        if earlier is not None:
            previous = (earlier.sent_on or earlier.decision_date or letter_date, earlier.kenmerk)
            if decision_type is DecisionType.WIJZIGING:
                old_help = tuple(
                    _help_item(i, profile) for i in linked_indications(session, earlier.id)
                )
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
        has_aanvraag=decision.aanvraag_id is not None or decision_type not in AMBTSHALVE_TYPES,
        motivation=MotivationParts.from_json(decision.motivation_parts).merged(
            facts=MotivationParts.from_json(decision.motivation_parts).facts or facts
        ),
        previous=previous,
        old_help=old_help,
        effective_date=decision.effective_date,
        consultant_name=decision.consultant_name or "",
        approver_name=decision.approver_name or "",
        approver_function=decision.approver_function or "",
    )


def letter_model(
    session: Session,
    profile: RegionProfile,
    decision: Decision,
    today: date,
    setups: dict[object, tuple[SetupVersion, RegionProfile]] | None = None,
    indications: list[Indication] | None = None,
) -> LetterModel:
    """The letter of a stored decision. ``setups``: a cache for a print run, so that each
    setup version is read and prepared once per run instead of once per letter;
    ``indications``: see :func:`letter_input`."""
    concept = DecisionStatus(decision.status) not in FINAL_STATUSES
    # the letter date is the verzenddatum (Awb 6:8); before it is fixed, today's date
    letter_date = decision.sent_on or today
    # issue 13: the texts and rules of the setup version the decision was made under
    key = decision.region_setup_id or (decision.decision_date or decision.request_date)
    cached = setups.get(key) if setups is not None else None
    if cached is None:
        found = setup_for_decision(session, decision, profile.slug)
        cached = (found, letter_profile(found))
        if setups is not None:
            setups[key] = cached
    setup, rules = cached
    data = letter_input(
        session, setup.profile, decision, letter_date, concept=concept, indications=indications
    )
    model = compose_letter(data, setup.letters, rules)
    model = with_digital_bezwaar(
        with_stored_logo(model, setup, decision.gemeente), setup, decision.gemeente
    )
    return mark_fictional(model, setup)


def final_letter_bytes(
    session: Session, profile: RegionProfile, decision: Decision, today: date
) -> bytes:
    """The final letter: stored bytes, or rendered and stored now (first request).

    The first final rendering happens when the letter is printed to be sent (single print,
    day batch) or marked sent: that day becomes the verzenddatum, from which the bezwaar
    term runs (Awb 6:8). Every later request returns the same bytes.
    """
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
    if decision.sent_on is None:  # the first final print fixes the verzenddatum
        decision.sent_on = today
        session.flush()
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
