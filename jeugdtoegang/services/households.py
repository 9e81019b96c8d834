"""Use cases for households (dossiers) and their members: register, edit, open, search."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from jeugdtoegang.domain.bsn import normalise_bsn
from jeugdtoegang.domain.households import (
    HouseholdInput,
    PersonInput,
    PersonRole,
    validate_household,
)
from jeugdtoegang.domain.text import fold, normalise_postcode, prefix_upper_bound
from jeugdtoegang.errors import FieldError, NotFoundError, StaleRecordError, ValidationError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.views import HouseholdDetail, HouseholdRow, PersonView
from jeugdtoegang.storage.changelog import next_sequence
from jeugdtoegang.storage.models.households import Household, Person

SEARCH_LIMIT = 50
TUSSENVOEGSELS = frozenset(
    {"de", "den", "der", "van", "ter", "te", "het", "'t", "in", "op", "la", "le"}
)
_DOSSIER = re.compile(r"^\d{4}-\d{1,6}$")
_DIGITS = re.compile(r"^[\d .-]{8,11}$")

_P = Person.__table__.c
_H = Household.__table__.c


def _role_rank(role: str) -> str:
    return {"ouder": "1", "jeugdige": "2", "netwerk": "3"}.get(role, "9")


def _apply_person(person: Person, data: PersonInput) -> None:
    person.role = data.role.value
    person.first_name = data.first_name.strip()
    person.tussenvoegsel = data.tussenvoegsel.strip()
    person.surname = data.surname.strip()
    person.birth_date = data.birth_date
    person.bsn = normalise_bsn(data.bsn) if data.bsn else None
    person.has_gezag = data.has_gezag
    person.relation = data.relation.strip()
    person.phone = data.phone.strip()
    person.email = data.email.strip()
    person.search_surname = fold(person.surname)
    person.search_first = fold(person.first_name)
    birth = data.birth_date.isoformat() if data.birth_date else "9999"
    person.sort_key = f"{_role_rank(person.role)}{birth}"


def _check_bsn_unique(session: Session, members: Sequence[PersonInput]) -> list[FieldError]:
    errors = []
    for index, member in enumerate(members):
        if not member.bsn:
            continue
        query = select(_P.id).where(_P.bsn == normalise_bsn(member.bsn))
        if member.id is not None:
            query = query.where(_P.id != member.id)
        if session.execute(query).first() is not None:
            errors.append(
                FieldError(
                    f"members[{index}].bsn", "Dit BSN is al geregistreerd in een ander dossier."
                )
            )
    return errors


def _validate(ctx: AppContext, data: HouseholdInput) -> list[FieldError]:
    names = list(ctx.profile.municipality_names)
    return validate_household(data, ctx.today(), names)


def _apply_household(ctx: AppContext, household: Household, data: HouseholdInput) -> None:
    municipality = ctx.profile.municipality(data.gemeente)
    assert municipality is not None  # validated before
    household.name = data.name.strip()
    household.street = data.street.strip()
    household.house_number = data.house_number.strip()
    household.postcode = normalise_postcode(data.postcode) or "" if data.postcode else ""
    household.city = data.city.strip() or municipality.name
    household.gemeente = municipality.name
    household.gemeente_code = municipality.cbs_code
    household.wijk = data.wijk or None
    household.notes = data.notes or None


def register_household(ctx: AppContext, data: HouseholdInput) -> HouseholdDetail:
    """Register a new household with its members; returns the stored dossier."""
    errors = _validate(ctx, data)
    with ctx.uow() as uow:
        errors += _check_bsn_unique(uow.session, data.members)
        if errors:
            raise ValidationError(errors)
        seq = next_sequence(uow.session, "dossier_number", 1)
        household = Household(dossier_number=f"{ctx.today().year}-{seq:05d}", team=ctx.actor.team)
        _apply_household(ctx, household, data)
        uow.session.add(household)
        uow.session.flush()
        for member in data.members:
            person = Person(household_id=household.id)
            _apply_person(person, member)
            uow.session.add(person)
        uow.session.flush()
        person_ids = [p.id for p in household.members] if household.members else []
        uow.log_access("registreren", "household", household.id, person_ids, "nieuw dossier")
        uow.commit()
        household_id = household.id
    return get_household(ctx, household_id, purpose=None)


def update_household(
    ctx: AppContext, household_id: uuid.UUID, expected_version: int, data: HouseholdInput
) -> HouseholdDetail:
    """Save an edited household. Members missing from ``data`` are ended, not deleted.

    Refused (nothing written) when the household or a member changed since it was read.
    """
    errors = _validate(ctx, data)
    with ctx.uow() as uow:
        household = uow.get_for_update(Household, household_id)
        if household is None:
            raise NotFoundError("Dit dossier bestaat niet (meer).")
        if household.version != expected_version:
            raise StaleRecordError(Household.label_nl, household.updated_by)
        errors += _check_bsn_unique(uow.session, data.members)
        if errors:
            raise ValidationError(errors)
        _apply_household(ctx, household, data)
        current = {p.id: p for p in household.members if p.ended_on is None}
        kept: set[uuid.UUID] = set()
        for member in data.members:
            if member.id is not None and member.id in current:
                person = current[member.id]
                if member.version is not None and member.version != person.version:
                    raise StaleRecordError(Person.label_nl, person.updated_by)
                kept.add(person.id)
            else:
                person = Person(household_id=household.id)
                uow.session.add(person)
            _apply_person(person, member)
        for person_id, person in current.items():
            if person_id not in kept:
                person.ended_on = ctx.today()
        uow.session.flush()
        uow.log_access(
            "wijzigen",
            "household",
            household.id,
            [p.id for p in household.members],
            "dossier bijwerken",
        )
        uow.commit()
    return get_household(ctx, household_id, purpose=None)


def _person_view(row: Person) -> PersonView:
    return PersonView(
        id=row.id,
        version=row.version,
        household_id=row.household_id,
        role=row.role,
        first_name=row.first_name,
        tussenvoegsel=row.tussenvoegsel,
        surname=row.surname,
        birth_date=row.birth_date,
        bsn=row.bsn,
        has_gezag=row.has_gezag,
        relation=row.relation,
        phone=row.phone,
        email=row.email,
    )


def get_household(
    ctx: AppContext, household_id: uuid.UUID, *, purpose: str | None = "dossier inzien"
) -> HouseholdDetail:
    """Open a dossier. Every opening with a purpose is logged as a read of its members."""
    with ctx.uow(readonly=True) as uow:
        household = uow.get(Household, household_id)
        if household is None:
            raise NotFoundError("Dit dossier bestaat niet (meer).")
        members = tuple(_person_view(p) for p in household.members if p.ended_on is None)
        detail = HouseholdDetail(
            id=household.id,
            version=household.version,
            dossier_number=household.dossier_number,
            name=household.name,
            street=household.street,
            house_number=household.house_number,
            postcode=household.postcode,
            city=household.city,
            gemeente=household.gemeente,
            gemeente_code=household.gemeente_code,
            wijk=household.wijk,
            team=household.team,
            notes=household.notes,
            members=members,
            updated_by=household.updated_by,
        )
        if purpose:
            uow.log_access("inzien", "household", household.id, [m.id for m in members], purpose)
    return detail


def household_input_from(detail: HouseholdDetail) -> HouseholdInput:
    """The editable input for an existing dossier (the starting point of an edit)."""
    return HouseholdInput(
        name=detail.name,
        gemeente=detail.gemeente,
        street=detail.street,
        house_number=detail.house_number,
        postcode=detail.postcode,
        city=detail.city,
        wijk=detail.wijk,
        notes=detail.notes,
        members=tuple(
            PersonInput(
                role=PersonRole(m.role),
                first_name=m.first_name,
                surname=m.surname,
                tussenvoegsel=m.tussenvoegsel,
                birth_date=m.birth_date,
                bsn=m.bsn,
                has_gezag=m.has_gezag,
                relation=m.relation,
                phone=m.phone,
                email=m.email,
                id=m.id,
                version=m.version,
            )
            for m in detail.members
        ),
    )


# --- search and listing -------------------------------------------------------------------


def _name_condition(word: str):  # type: ignore[no-untyped-def]
    folded = fold(word)
    upper = prefix_upper_bound(folded)
    return or_(
        and_(_P.search_surname >= folded, _P.search_surname < upper),
        and_(_P.search_first >= folded, _P.search_first < upper),
    )


def _matching_household_ids(session: Session, text: str, limit: int) -> list[uuid.UUID]:
    query = text.strip()
    if not query:
        return []
    if _DOSSIER.match(query):
        rows = session.execute(select(_H.id).where(_H.dossier_number == query))
        return [r[0] for r in rows]
    if _DIGITS.match(query) and len(normalise_bsn(query)) == 9 and normalise_bsn(query).isdigit():
        rows = session.execute(select(_P.household_id).where(_P.bsn == normalise_bsn(query)))
        return [r[0] for r in rows]
    postcode = normalise_postcode(query)
    if postcode:
        rows = session.execute(select(_H.id).where(_H.postcode == postcode).limit(limit))
        return [r[0] for r in rows]
    if re.fullmatch(r"[1-9]\d{3}", query):
        rows = session.execute(
            select(_H.id).where(_H.postcode >= query, _H.postcode < query + "\uffff").limit(limit)
        )
        return [r[0] for r in rows]
    words = [w for w in re.split(r"[\s,]+", query) if w]
    significant = [w for w in words if fold(w) not in TUSSENVOEGSELS] or words
    conditions = [_name_condition(w) for w in significant]
    rows = session.execute(
        select(_P.household_id)
        .where(and_(*conditions), _P.ended_on.is_(None))
        .distinct()
        .limit(limit)
    )
    return [r[0] for r in rows]


def _rows_for(session: Session, household_ids: Iterable[uuid.UUID]) -> list[HouseholdRow]:
    ids = list(household_ids)
    if not ids:
        return []
    households = session.execute(
        select(
            _H.id,
            _H.dossier_number,
            _H.name,
            _H.street,
            _H.house_number,
            _H.postcode,
            _H.city,
            _H.gemeente,
            _H.wijk,
        ).where(_H.id.in_(ids))
    ).all()
    members: dict[uuid.UUID, list[tuple[str, str]]] = defaultdict(list)
    for household_id, first, tussen, surname, sort_key in session.execute(
        select(_P.household_id, _P.first_name, _P.tussenvoegsel, _P.surname, _P.sort_key).where(
            _P.household_id.in_(ids), _P.ended_on.is_(None)
        )
    ):
        name = " ".join(p for p in (first, tussen, surname) if p)
        members[household_id].append((sort_key, name))
    by_id = {
        h.id: HouseholdRow(
            id=h.id,
            dossier_number=h.dossier_number,
            name=h.name,
            address=" ".join(p for p in (h.street, h.house_number) if p)
            + (f", {h.city}" if h.city else ""),
            postcode=h.postcode,
            gemeente=h.gemeente,
            wijk=h.wijk,
            members=tuple(name for _, name in sorted(members[h.id])),
        )
        for h in households
    }
    return [by_id[i] for i in ids if i in by_id]


def search_households(ctx: AppContext, text: str, limit: int = SEARCH_LIMIT) -> list[HouseholdRow]:
    """Find households by surname prefix, name words, BSN, dossier number or postcode."""
    with ctx.uow(readonly=True) as uow:
        ids = _matching_household_ids(uow.session, text, limit)
        return _rows_for(uow.session, ids)


def count_households(ctx: AppContext) -> int:
    with ctx.uow(readonly=True) as uow:
        return int(uow.session.execute(select(func.count()).select_from(Household)).scalar_one())


def list_households(ctx: AppContext, offset: int, limit: int) -> list[HouseholdRow]:
    """A page of the dossier list, ordered by name then dossier number."""
    with ctx.uow(readonly=True) as uow:
        ids = [
            r[0]
            for r in uow.session.execute(
                select(_H.id).order_by(_H.name, _H.dossier_number).offset(offset).limit(limit)
            )
        ]
        return _rows_for(uow.session, ids)
