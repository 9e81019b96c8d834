"""What saving a dossier writes: the stored values of its inputs, and the save of a
dossier whose members come back unchanged as one versioned Core UPDATE (issue 19).

The values are computed in one place for both ways of saving: the ORM path (a new
dossier, members added, changed or ended) sets them on objects, the Core path compares
them with the stored row and writes only what differs, exactly as the ORM's flush would
(no change: nothing written, no new version).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jeugdtoegang.domain.bsn import normalise_bsn
from jeugdtoegang.domain.households import HouseholdInput, PersonInput
from jeugdtoegang.domain.text import fold, normalise_postcode
from jeugdtoegang.errors import StaleRecordError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.views import HouseholdDetail, PersonView
from jeugdtoegang.storage.household_queries import HOUSEHOLD_COLUMNS, PERSON_COLUMNS
from jeugdtoegang.storage.household_records import StoredHousehold, update_household_columns
from jeugdtoegang.storage.models.households import Household
from jeugdtoegang.storage.uow import UnitOfWork


def _role_rank(role: str) -> str:
    return {"ouder": "1", "jeugdige": "2", "netwerk": "3"}.get(role, "9")


def person_values(data: PersonInput) -> dict[str, Any]:
    """A member's stored columns from its input (search and sort keys included)."""
    role = data.role.value
    first_name = data.first_name.strip()
    surname = data.surname.strip()
    birth = data.birth_date.isoformat() if data.birth_date else "9999"
    return {
        "role": role,
        "first_name": first_name,
        "tussenvoegsel": data.tussenvoegsel.strip(),
        "surname": surname,
        "birth_date": data.birth_date,
        "bsn": normalise_bsn(data.bsn) if data.bsn else None,
        "has_gezag": data.has_gezag,
        "relation": data.relation.strip(),
        "phone": data.phone.strip(),
        "email": data.email.strip(),
        "search_surname": fold(surname),
        "search_first": fold(first_name),
        "sort_key": f"{_role_rank(role)}{birth}",
    }


def household_values(ctx: AppContext, data: HouseholdInput) -> dict[str, Any]:
    """A household's stored columns from its (validated) input."""
    municipality = ctx.profile.municipality(data.gemeente)
    assert municipality is not None  # validated before
    return {
        "name": data.name.strip(),
        "street": data.street.strip(),
        "house_number": data.house_number.strip(),
        "postcode": normalise_postcode(data.postcode) or "" if data.postcode else "",
        "city": data.city.strip() or municipality.name,
        "gemeente": municipality.name,
        "gemeente_code": municipality.cbs_code,
        "wijk": data.wijk or None,
        "notes": data.notes or None,
    }


def members_unchanged(stored: StoredHousehold, members: Sequence[PersonInput]) -> bool:
    """Whether saving ``members`` leaves every current member as stored: each one comes
    back once, at its stored version, with the same values (no member added or ended).
    Anything else, a stale member version too, takes the ORM path, which says so."""
    current = {m["id"]: m for m in stored.members if m["ended_on"] is None}
    if len(members) != len(current):
        return False
    seen = set()
    for member in members:
        row = current.get(member.id) if member.id is not None else None
        if row is None or member.id in seen:
            return False
        if member.version is not None and member.version != row["version"]:
            return False
        if any(row[name] != value for name, value in person_values(member).items()):
            return False
        seen.add(member.id)
    return True


def save_household_columns(
    ctx: AppContext, uow: UnitOfWork, stored: StoredHousehold, data: HouseholdInput
) -> HouseholdDetail:
    """Save the household's own columns (its members unchanged) in ``uow``'s transaction;
    logged as the ORM path logs it (every member, ended ones too, as subjects)."""
    row = stored.row
    changes = {k: v for k, v in household_values(ctx, data).items() if row[k] != v}
    if changes:
        saved = update_household_columns(uow.session, row, changes, ctx.actor.username)
        if saved is None:  # cannot happen under the row lock; said as the ORM would
            raise StaleRecordError(Household.label_nl, row["updated_by"])
        row = saved
    uow.log_access(
        "wijzigen",
        "household",
        row["id"],
        [m["id"] for m in stored.members],
        "dossier bijwerken",
    )
    return HouseholdDetail(
        *(row[name] for name in HOUSEHOLD_COLUMNS),
        members=tuple(
            PersonView(*(m[name] for name in PERSON_COLUMNS))
            for m in stored.members
            if m["ended_on"] is None
        ),
        updated_by=row["updated_by"],
    )
