"""The maintained search keys: every write path keeps them equal to a rebuild, and the
search reads them in the user's team scope (diacritics folded, partial dossier numbers)."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from jeugdtoegang.demo.households import generate_households
from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.households import HouseholdInput, PersonInput, PersonRole
from jeugdtoegang.services import households
from jeugdtoegang.services import sync as sync_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import search_keys
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.models.households import Household
from jeugdtoegang.storage.models.search import SearchKey
from jeugdtoegang.sync.keys import ENV_KEY
from tests.integration.sync_helpers import (
    TEAM_KEY,
    DatabaseFactory,
    join,
    office_with_accounts,
    valid_bsn,
)

pytestmark = pytest.mark.postgres

TODAY_FIXED = date(2026, 11, 23)


_BSN = itertools.count(1)


def family(surname: str, first: str = "Elif") -> HouseholdInput:
    return HouseholdInput(
        name=f"Gezin {surname}",
        gemeente="Zeist",
        street="Lindelaan",
        house_number="3",
        postcode="3701ab",
        wijk=None,
        members=(
            PersonInput(
                PersonRole.JEUGDIGE,
                first,
                surname,
                birth_date=date(2014, 3, 1),
                bsn=valid_bsn(next(_BSN)),
            ),
        ),
    )


KEY_COLUMNS = (
    SearchKey.owner_id,
    SearchKey.key,
    SearchKey.other,
    SearchKey.team_key,
    SearchKey.household_id,
)


def stored_keys(database: Database) -> set[tuple[object, ...]]:
    with database.read_sessions() as session:
        rows = session.execute(select(*KEY_COLUMNS)).all()
    return {tuple(row) for row in rows}


def assert_keys_match_a_rebuild(database: Database) -> None:
    kept = stored_keys(database)
    with database.write_sessions() as session:
        search_keys.rebuild(session)
        session.flush()
        rebuilt = {tuple(row) for row in session.execute(select(*KEY_COLUMNS))}
        session.rollback()
    assert kept == rebuilt


def names(ctx: AppContext, text: str) -> list[str]:
    return [m for row in households.search_households(ctx, text) for m in row.members]


def test_a_new_dossier_is_found_with_or_without_diacritics(ctx: AppContext) -> None:
    households.register_household(ctx, family("Yılmaz"))
    households.register_household(ctx, family("Çelik-Öztürk", "Zoë"))
    assert names(ctx, "Yilmaz") == ["Elif Yılmaz"]
    assert names(ctx, "yıl") == ["Elif Yılmaz"]
    assert names(ctx, "celik") == ["Zoë Çelik-Öztürk"]
    assert names(ctx, "zoe ÇELIK") == ["Zoë Çelik-Öztürk"]
    assert names(ctx, "celik zoe") == ["Zoë Çelik-Öztürk"]  # either order
    assert_keys_match_a_rebuild(ctx.database)


def test_a_hyphenated_surname_is_found_by_each_part(ctx: AppContext) -> None:
    households.register_household(ctx, family("Jansen-de Vries", "Sem"))
    households.register_household(ctx, family("Vries", "Anna"))
    shown = ["Sem Jansen-de Vries"]
    assert names(ctx, "jansen") == shown
    assert names(ctx, "Jansen-de Vries") == shown
    assert names(ctx, "de vries sem") == shown
    assert names(ctx, "sem vrie") == shown
    assert names(ctx, "vries jans") == shown
    assert names(ctx, "sem jansen vries") == shown  # three words: each a part of the name
    assert names(ctx, "anna jansen") == []
    assert sorted(names(ctx, "vries")) == ["Anna Vries", "Sem Jansen-de Vries"]
    assert_keys_match_a_rebuild(ctx.database)


def test_two_words_among_many_namesakes_find_the_one_person(ctx: AppContext) -> None:
    generate_households(ctx, 5, seed=11)  # other families first
    for n in range(40):  # more namesakes than a pick list
        households.register_household(ctx, family("Bakker", f"Kind{n:02d}"))
    households.register_household(ctx, family("Bakker-Öztürk", "Zeynep"))
    assert names(ctx, "zeynep bakker") == ["Zeynep Bakker-Öztürk"]
    assert names(ctx, "bak zey") == ["Zeynep Bakker-Öztürk"]
    assert names(ctx, "ozturk") == ["Zeynep Bakker-Öztürk"]
    assert names(ctx, "bakker kind07") == ["Kind07 Bakker"]
    assert len(households.search_households(ctx, "bakker")) == households.SEARCH_LIMIT


def test_a_corrected_name_is_found_under_the_new_name_only(ctx: AppContext) -> None:
    detail = households.register_household(ctx, family("Jansen", "Sem"))
    data = households.household_input_from(detail)
    corrected = replace(
        data, members=(replace(data.members[0], surname="Janssen", first_name="Sèm"),)
    )
    after = households.update_household(ctx, detail.id, detail.version, corrected)
    assert after.members[0].id == detail.members[0].id  # the same record, a new version
    assert names(ctx, "janss") == ["Sèm Janssen"]
    assert names(ctx, "sem janssen") == ["Sèm Janssen"]
    assert names(ctx, "jansen") == []
    assert_keys_match_a_rebuild(ctx.database)


def test_a_person_who_leaves_is_no_longer_found(ctx: AppContext) -> None:
    detail = households.register_household(ctx, family("Bosman"))
    data = households.household_input_from(detail)
    extra = PersonInput(PersonRole.NETWERK, "Ria", "Kok", relation="oma")
    with_two = households.update_household(
        ctx, detail.id, detail.version, replace(data, members=(*data.members, extra))
    )
    assert names(ctx, "kok") == ["Elif Bosman", "Ria Kok"]  # the dossier, with its members
    data = households.household_input_from(with_two)
    households.update_household(
        ctx, detail.id, with_two.version, replace(data, members=data.members[:1])
    )
    assert households.search_households(ctx, "kok") == []
    assert_keys_match_a_rebuild(ctx.database)


def test_the_team_scope_is_part_of_the_query(ctx: AppContext) -> None:
    other = ctx.with_actor(
        Actor("b.bunnik", "Bram Bunnik", frozenset({Role.CONSULENT}), team="Team Bunnik")
    )
    for n in range(30):  # more than a pick list of another team's matches
        households.register_household(other, family("Bakker", f"Kind{n}"))
    own = households.register_household(ctx, family("Bakker", "Eigen"))
    found = households.search_households(ctx, "bakker")
    assert [r.id for r in found] == [own.id]
    assert len(households.search_households(other, "bakker")) == households.SEARCH_LIMIT
    _, code, serial = own.dossier_number.split("-")
    assert [r.id for r in households.search_households(ctx, f"{code}-{serial}")] == [own.id]
    assert households.search_households(other, f"{code}-{serial}") == []


def test_a_dossier_moved_to_another_team_moves_in_the_search(ctx: AppContext) -> None:
    detail = households.register_household(ctx, family("Visser"))
    with ctx.uow() as uow:
        uow.get_for_update(Household, detail.id).team = "Team Bunnik"
        uow.commit()
    assert households.search_households(ctx, "visser") == []
    bunnik = ctx.with_actor(
        Actor("b.bunnik", "Bram Bunnik", frozenset({Role.CONSULENT}), team="team bunnik")
    )
    assert names(bunnik, "visser") == ["Elif Visser"]
    assert_keys_match_a_rebuild(ctx.database)


def test_demo_data_get_their_keys(ctx: AppContext) -> None:
    generate_households(ctx, 20, seed=3)
    assert_keys_match_a_rebuild(ctx.database)
    assert len(stored_keys(ctx.database)) > 20


# --- sync ----------------------------------------------------------------------------------


@pytest.fixture
def databases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DatabaseFactory]:
    from jeugdtoegang.services import auth

    monkeypatch.setenv(ENV_KEY, TEAM_KEY)
    monkeypatch.setattr(auth, "SCRYPT_LOG2_N", 12)
    factory = DatabaseFactory(tmp_path, os.environ.get("JEUGDTOEGANG_TEST_PG") or None)
    yield factory
    factory.close()


def test_a_person_taken_over_by_sync_is_found_and_follows_a_rename(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    office_db = databases.create("kantoor")
    admin = office_with_accounts(office_db)
    laptop_db = databases.create("laptop1", dossier_start=10_000)
    join(admin, laptop_db, tmp_path, "laptop1")
    carla = Actor("c.jansen", "Carla Jansen", frozenset({Role.CONSULENT}), team="Team Zeist")
    laptop = AppContext(laptop_db, carla, today=lambda: TODAY_FIXED)
    office = AppContext(
        office_db,
        Actor("b.kantoor", "Bea Kantoor", frozenset({Role.CONSULENT}), team="Team Zeist"),
        today=lambda: TODAY_FIXED,
    )

    def exchange() -> None:
        bundle = tmp_path / f"{uuid.uuid4().hex[:8]}.jtsync"
        sync_service.export_bundle(laptop, "kantoor", bundle)
        sync_service.import_bundle(office, bundle)

    detail = households.register_household(laptop, family("Şahin", "Ayşe"))
    exchange()
    assert names(office, "sahin ayse") == ["Ayşe Şahin"]
    serial = detail.dossier_number.split("-")[-1]
    assert [r.id for r in households.search_households(office, serial)] == [detail.id]

    data = households.household_input_from(detail)
    households.update_household(
        laptop, detail.id, detail.version,
        replace(data, members=(replace(data.members[0], surname="Doğan"),)),
    )  # fmt: skip
    exchange()
    assert names(office, "sahin") == []
    assert names(office, "dogan") == ["Ayşe Doğan"]
    assert_keys_match_a_rebuild(office_db)


def test_a_search_entry_indexes_every_person_shown_under_their_usual_id(ctx: AppContext) -> None:
    """The read log of a search: the members' ids as read go into the entry in the log's
    usual form, and the person index (who saw X) holds exactly those persons."""
    from jeugdtoegang.storage.audit_writer import flush_pending
    from jeugdtoegang.storage.inzage_queries import audit_rows_about
    from jeugdtoegang.storage.models.audit import AuditEntry, AuditSubject

    generate_households(ctx, 6, seed=5)
    shown = households.search_households(ctx, "e")  # first names or surnames with an e
    assert shown
    flush_pending(ctx.database)
    persons = {str(p) if isinstance(p, uuid.UUID) else str(uuid.UUID(p)) for row in shown
               for p in row.person_ids}  # fmt: skip
    with ctx.database.read_sessions() as session:
        entry = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.action == "zoeken")
                .order_by(AuditEntry.seq.desc())
            )
            .scalars()
            .first()
        )
        assert entry is not None
        assert set(entry.person_ids) == persons
        assert entry.person_ids == sorted(entry.person_ids)  # as before: in the ids' order
        indexed = (
            session.execute(
                select(AuditSubject.person_id).where(AuditSubject.entry_seq == entry.seq)
            )
            .scalars()
            .all()
        )
        assert {str(p) for p in indexed} == persons
        # who saw this person: the inzage's read by the index finds the search
        about = audit_rows_about(session, uuid.UUID(next(iter(persons))))
    assert entry.seq in {row.seq for row in about}


def test_without_json_functions_the_person_index_is_written_row_by_row(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jeugdtoegang.storage import audit_append, audit_writer
    from jeugdtoegang.storage.models.audit import AuditEntry, AuditSubject

    monkeypatch.setattr(  # as a SQLite built without JSON functions answers
        audit_append,
        "_SQLITE_SUBJECTS",
        audit_append._SQLITE_SUBJECTS.replace("json_each", "no_json"),
    )
    households.register_household(ctx, family("Kaya-Demir", "Ela"))
    assert names(ctx, "demir") == ["Ela Kaya-Demir"]
    audit_writer.flush_pending(ctx.database)
    with ctx.database.read_sessions() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "zoeken")
        ).scalar_one()
        indexed = (
            session.execute(
                select(AuditSubject.person_id).where(AuditSubject.entry_seq == entry.seq)
            )
            .scalars()
            .all()
        )
    assert [str(p) for p in indexed] == entry.person_ids
