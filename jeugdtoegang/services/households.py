"""Use cases for households (dossiers) and their members: register, edit, open, search."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission, require_team
from jeugdtoegang.domain.bsn import normalise_bsn
from jeugdtoegang.domain.households import (
    HouseholdInput,
    PersonInput,
    PersonRole,
    validate_household,
)
from jeugdtoegang.domain.text import name_words, normalise_postcode
from jeugdtoegang.errors import FieldError, NotFoundError, StaleRecordError, ValidationError
from jeugdtoegang.services import household_save
from jeugdtoegang.services.authz import (
    guarded,
    list_teams,
    require_dossier_scope,
    shown,
    shown_in,
)
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.views import HouseholdDetail, HouseholdRow, PersonView
from jeugdtoegang.storage import household_lists, household_queries, household_records, search_keys
from jeugdtoegang.storage.hot import RawReads, raw_reads
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.numbering import next_number
from jeugdtoegang.storage.uow import UnitOfWork

#: enough for a pick list; the user types more to narrow it down
SEARCH_LIMIT = 25
TUSSENVOEGSELS = frozenset(
    {"de", "den", "der", "van", "ter", "te", "het", "'t", "in", "op", "la", "le"}
)
_DOSSIER = re.compile(r"^\d{4}-[0-9A-Fa-f]{3}-\d{1,6}$")
_DIGITS = re.compile(r"^[\d .-]{8,11}$")
#: the end of a dossier number: "6EE-00009", "6ee-9", or the serial with its zeros "00009"
_DOSSIER_TAIL = re.compile(r"^(?:([0-9A-Fa-f]{3})-(\d{1,6})|(0\d{1,5}|\d{5,6}))$")
#: the start of a dossier number: "2026-6EE"
_DOSSIER_HEAD = re.compile(r"^\d{4}-[0-9A-Fa-f]{1,3}-?$")


def _apply_person(person: Person, data: PersonInput) -> None:
    for name, value in household_save.person_values(data).items():
        setattr(person, name, value)


def _check_bsn_unique(session: Session, members: Sequence[PersonInput]) -> list[FieldError]:
    """Each member's BSN must not belong to another person (one query for all members)."""
    wanted = {normalise_bsn(m.bsn) for m in members if m.bsn}
    if not wanted:
        return []
    taken: dict[str, set[uuid.UUID]] = {}
    for person_id, bsn in household_queries.bsn_owners(session, wanted):
        taken.setdefault(bsn, set()).add(person_id)
    errors = []
    for index, member in enumerate(members):
        if not member.bsn:
            continue
        if taken.get(normalise_bsn(member.bsn), set()) - {member.id}:
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
    for name, value in household_save.household_values(ctx, data).items():
        setattr(household, name, value)


@guarded(Permission.DOSSIER_EDIT, object_type="household")
def register_household(ctx: AppContext, data: HouseholdInput) -> HouseholdDetail:
    """Register a new household with its members; returns the stored dossier."""
    errors = _validate(ctx, data)
    with ctx.uow() as uow:
        errors += _check_bsn_unique(uow.session, data.members)
        if errors:
            raise ValidationError(errors)
        number = next_number(uow.session, "dossier_number", str(ctx.today().year))
        household = Household(dossier_number=number, team=ctx.actor.team)
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


@guarded(
    Permission.DOSSIER_EDIT, object_type="household", target="household", scope_read_inside=True
)
def update_household(
    ctx: AppContext, household_id: uuid.UUID, expected_version: int, data: HouseholdInput
) -> HouseholdDetail:
    """Save an edited household. Members missing from ``data`` are ended, not deleted.

    Refused (nothing written) when the household or a member changed since it was read.
    The team scope is checked on the locked row (no separate team lookup first).
    """
    errors = _validate(ctx, data)
    with ctx.uow() as uow:
        stored = household_records.lock_household(uow.session, household_id)
        if stored is None:
            raise NotFoundError("Dit dossier bestaat niet (meer).")
        require_dossier_scope(ctx, Permission.DOSSIER_EDIT, household_id, stored.row["team"])
        require_team(ctx.actor, stored.row["team"])
        if stored.row["version"] != expected_version:
            raise StaleRecordError(Household.label_nl, stored.row["updated_by"])
        unchanged = household_save.members_unchanged(stored, data.members)
        if not unchanged:  # an unchanged BSN is its owner's alone (unique column)
            errors += _check_bsn_unique(uow.session, data.members)
        if errors:
            raise ValidationError(errors)
        if unchanged:
            detail = household_save.save_household_columns(ctx, uow, stored, data)
        else:
            detail = _save_with_members(ctx, uow, household_id, data)
        uow.commit()
    return detail


def _save_with_members(
    ctx: AppContext, uow: UnitOfWork, household_id: uuid.UUID, data: HouseholdInput
) -> HouseholdDetail:
    """The ORM save of a dossier whose members are added, changed or ended (its row is
    locked and checked already); refused when a member changed since it was read."""
    household = uow.session.get(Household, household_id)  # locked already
    assert household is not None
    _apply_household(ctx, household, data)
    current = {p.id: p for p in household.members if p.ended_on is None}
    kept: set[uuid.UUID] = set()
    added: list[Person] = []
    for member in data.members:
        if member.id is not None and member.id in current:
            person = current[member.id]
            if member.version is not None and member.version != person.version:
                raise StaleRecordError(Person.label_nl, person.updated_by)
            kept.add(person.id)
        else:
            person = Person(household_id=household.id)
            uow.session.add(person)
            added.append(person)
        _apply_person(person, member)
    for person_id, person in current.items():
        if person_id not in kept:
            person.ended_on = ctx.today()
    uow.session.flush()
    # the members as stored now (new ones too) in the relationship's order: the saved
    # dossier is returned without reading its members again (nor checking and reading
    # it in a second transaction)
    members = sorted([*household.members, *added], key=lambda p: p.sort_key)
    uow.log_access(
        "wijzigen", "household", household.id, [p.id for p in members], "dossier bijwerken"
    )
    return _detail(household, members)


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


@guarded(
    Permission.DOSSIER_READ, object_type="household", target="household", scope_read_inside=True
)
def get_household(
    ctx: AppContext, household_id: uuid.UUID, *, purpose: str | None = "dossier inzien"
) -> HouseholdDetail:
    """Open a dossier. Every opening with a purpose is logged as a read of its members.

    One statement for the household and its current members, outside a transaction on
    PostgreSQL (:mod:`storage.household_queries`); its team scope is checked on that row
    (no separate team lookup) before anything is logged or returned.
    """
    with ctx.uow(readonly=True) as uow:
        with ctx.database.single_reads() as session:
            rows = household_queries.household_with_members(session, household_id)
        if not rows:
            raise NotFoundError("Dit dossier bestaat niet (meer).")
        detail = _detail_from_rows(rows)
        require_dossier_scope(ctx, Permission.DOSSIER_READ, detail.id, detail.team)
        if purpose:
            uow.log_access(
                "inzien", "household", detail.id, [m.id for m in detail.members], purpose
            )
    return detail


def _detail_from_rows(rows: Sequence[tuple[Any, ...]]) -> HouseholdDetail:
    """The dossier view from :func:`household_queries.household_with_members`' rows."""
    start = household_queries.PERSON_START
    head = rows[0]
    members = tuple(PersonView(*row[start:]) for row in rows if row[start] is not None)
    return HouseholdDetail(*head[: start - 1], members=members, updated_by=head[start - 1])


def _detail(household: Household, members: Iterable[Person] | None = None) -> HouseholdDetail:
    """The dossier view of a loaded household; ``members`` (all, ended ones too) default
    to ``household.members``."""
    return HouseholdDetail(
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
        members=tuple(
            _person_view(p)
            for p in (household.members if members is None else members)
            if p.ended_on is None
        ),
        updated_by=household.updated_by,
    )


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


def _matching_ids(
    session: Session | RawReads, text: str, teams: frozenset[str] | None, limit: int
) -> list[uuid.UUID]:
    """The ids of matching households in the user's teams (None: all), at most ``limit``.

    Names and partial dossier numbers read the maintained search keys (one index range
    each, team scope included); the other kinds read one unique or indexed column.
    """
    query = text.strip()
    if not query:
        return []
    if _DOSSIER.match(query):
        return search_keys.find_household_column(session, "dossier_number", query.upper(), teams, 1)
    tail = _DOSSIER_TAIL.match(query)
    if tail:
        code, serial, bare = tail.groups()
        number = f"{int(serial if code else bare):05d}"
        return search_keys.find_by_dossier_serial(session, number, code, teams, limit)
    if _DIGITS.match(query) and len(normalise_bsn(query)) == 9 and normalise_bsn(query).isdigit():
        return search_keys.find_by_bsn(session, normalise_bsn(query), teams)
    if _DOSSIER_HEAD.match(query):
        head = query.upper()
        return search_keys.find_household_prefix(session, "dossier_number", head, teams, limit)
    postcode = normalise_postcode(query)
    if postcode:
        return search_keys.find_household_column(session, "postcode", postcode, teams, limit)
    if re.fullmatch(r"[1-9]\d{3}", query):
        return search_keys.find_household_prefix(session, "postcode", query, teams, limit)
    return search_keys.find_by_names(session, _name_words(query), teams, limit)


def _name_words(query: str) -> list[str]:
    """The folded words searched for; a tussenvoegsel ("de", "van") only when alone."""
    words = name_words(query)
    return [w for w in words if w not in TUSSENVOEGSELS] or words


def _key(value: object) -> str:
    """A household id as read (SQLite: 32 hex characters; PostgreSQL: its text or a UUID)."""
    return value.hex if isinstance(value, uuid.UUID) else str(value).replace("-", "")


def _rows_for(
    session: Session | RawReads, household_ids: Iterable[uuid.UUID] | Select[Any]
) -> list[HouseholdRow]:
    """Household rows with their current members' names, in list order (or by name).

    One Core query (household left-joined with its current members); for a list of ids
    prepared once per length and run on the session's DBAPI connection (``hot``): the
    ORM's per-statement machinery costs more than the query itself. The household ids are
    read as plain text: parsing a UUID for every row costs more still.
    """
    ids = household_ids if isinstance(household_ids, Select) else list(household_ids)
    if isinstance(ids, list) and not ids:
        return []
    result = household_lists.household_member_rows(session, ids)
    rows: list[HouseholdRow] = []
    current_key: str | None = None
    head: Any = None
    members: list[tuple[Any, str, uuid.UUID | str]] = []
    asked = {household.hex: household for household in ids} if isinstance(ids, list) else {}

    def finish() -> None:
        members.sort(key=lambda m: (m[0] is None, m[0]))
        _, number, name, street, house_number, postcode, city, gemeente, wijk, team = head[:10]
        line = f"{street} {house_number}".strip()
        rows.append(
            HouseholdRow(
                id=asked.get(current_key) or uuid.UUID(current_key),
                dossier_number=number,
                name=name,
                address=f"{line}, {city}" if city else line,
                postcode=postcode,
                gemeente=gemeente,
                wijk=wijk,
                members=tuple(m[1] for m in members),
                team=team,
                person_ids=tuple(m[2] for m in members),
            )
        )

    for row in result:
        if head is None or row[0] != head[0]:
            if head is not None:
                finish()
            current_key, head, members = _key(row[0]), row, []
        person_id, first, tussen, surname, sort_key = row[10:]
        if person_id is not None:
            name = f"{first} {tussen} {surname}" if tussen else f"{first} {surname}"
            members.append((sort_key, name, person_id))
    if head is not None:
        finish()
    if isinstance(ids, list):
        order = {hid: i for i, hid in enumerate(ids)}
        rows.sort(key=lambda r: order[r.id])
    else:
        rows.sort(key=lambda r: (r.name, r.dossier_number))
    return rows


@guarded(Permission.DOSSIER_READ, object_type="household")
def search_households(ctx: AppContext, text: str, limit: int = SEARCH_LIMIT) -> list[HouseholdRow]:
    """Find households by surname prefix, name words, BSN, dossier number or postcode.

    The user's team scope is part of each query; the rows read are checked against it
    again (no query) and every person shown is logged, in the same unit of work (never
    the search text: it may be a BSN).
    """
    teams = list_teams(ctx, Permission.DOSSIER_READ)
    with ctx.uow(readonly=True) as uow, raw_reads(uow.session) as reads:
        ids = _matching_ids(reads, text, teams, limit)
        rows = _rows_for(reads, ids) if ids else []
        return shown_in(
            uow, ctx, Permission.DOSSIER_READ, rows, f"zoeken op {_search_kind(text)}",
            household=lambda r: r.id, action="zoeken", team=lambda r: r.team,
            people=lambda r: r.person_ids,
        )  # fmt: skip


def _search_kind(text: str) -> str:
    """What was searched on, for the log (the text itself may be a BSN)."""
    query = text.strip()
    if _DOSSIER.match(query):
        return "dossiernummer"
    if _DIGITS.match(query) and len(normalise_bsn(query)) == 9:
        return "BSN"
    if normalise_postcode(query) or re.fullmatch(r"[1-9]\d{3}", query):
        return "postcode"
    return "naam"


def count_households(ctx: AppContext) -> int:
    """How many dossiers the user's list holds (the user's team(s))."""
    teams = list_teams(ctx, Permission.DOSSIER_READ)
    with ctx.uow(readonly=True) as uow:
        return household_lists.count_in_teams(uow.session, teams)


@guarded(Permission.DOSSIER_READ, object_type="household")
def list_households(
    ctx: AppContext,
    offset: int,
    limit: int,
    *,
    after: tuple[str, str] | None = None,
    before: tuple[str, str] | None = None,
    from_end: bool = False,
) -> list[HouseholdRow]:
    """A page of the dossier list, ordered by name then dossier number.

    Pass ``after`` = (name, dossier number) of the last row shown to get the next page by
    key: the index ``ix_household_sort_dossier`` is read from that point on, so the last
    page costs what the first does (``offset`` reads and skips every earlier row). Pass
    ``before`` = the first row's key for the page preceding it, or ``from_end`` to count
    ``offset`` from the end of the list (the list's last pages, read backwards). The rows
    come in list order either way; every person shown is logged ("dossierlijst").
    """
    if after is not None and before is not None:
        raise ValueError("list_households: pass after or before, not both")
    with ctx.uow(readonly=True) as uow:
        teams = list_teams(ctx, Permission.DOSSIER_READ)
        ids = household_lists.page_ids(
            uow.session, teams, limit, offset=offset, after=after, before=before,
            from_end=from_end,
        )  # fmt: skip
        rows = _rows_for(uow.session, ids)
    return shown(
        ctx, Permission.DOSSIER_READ, rows, "dossierlijst", household=lambda r: r.id,
        team=lambda r: r.team, people=lambda r: r.person_ids,
    )  # fmt: skip
