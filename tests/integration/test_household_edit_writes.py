"""An edit of a dossier's own columns (one statement for the versioned UPDATE and its
change-log row on PostgreSQL, issue 19) writes what the ORM's flush wrote: the stored row,
its next version and stamps, the change-log row (its JSON text too), the audit entry and
the returned view; a stale or refused save leaves everything as it was, with the same error.

The reference is the ORM way of saving the same edit (``households._save_with_members``:
the ``Household`` object given the new values and flushed through the session hooks),
applied to a twin dossier registered with the same input.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError

from jeugdtoegang.errors import JeugdtoegangError, StaleRecordError
from jeugdtoegang.services import households
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.views import HouseholdDetail
from jeugdtoegang.storage import changelog, household_records
from jeugdtoegang.storage.models import AuditEntry
from jeugdtoegang.storage.models.changelog import ChangeLogEntry
from jeugdtoegang.storage.models.households import Household
from tests.integration.test_households import jansen
from tests.written_rows import (
    audit_entries,
    change_rows,
    renamed,
    row_counts,
    stored_row,
    without,
)

pytestmark = pytest.mark.postgres

#: the tables a refused write must leave as they were
_COUNTED = (ChangeLogEntry, AuditEntry)

_TIMES = ("created_at", "updated_at")
_TWIN_BSNS = ("111222011", "111222023")  # valid, unlike the first family's


def _save_through_the_orm(
    ctx: AppContext, household_id: uuid.UUID, expected_version: int, data: Any
) -> HouseholdDetail:
    """The ORM save of an edited dossier, as ``update_household`` did it before its Core
    path (the row locked and its version checked first)."""
    with ctx.uow() as uow:
        stored = household_records.lock_household(uow.session, household_id)
        assert stored is not None
        if stored.row["version"] != expected_version:
            raise StaleRecordError(Household.label_nl, stored.row["updated_by"])
        detail = households._save_with_members(ctx, uow, household_id, data)
        uow.commit()
    return detail


def _twins(ctx: AppContext) -> tuple[HouseholdDetail, HouseholdDetail, dict[str, str]]:
    """Two dossiers registered with the same input (but their BSNs), and the renames of
    the second one's ids and dossier number to the first one's."""
    first = households.register_household(ctx, jansen())
    twin = households.register_household(ctx, jansen(*_TWIN_BSNS))
    renames = {str(twin.id): str(first.id), twin.dossier_number: first.dossier_number}
    for member, twin_member in zip(first.members, twin.members, strict=True):
        renames[str(twin_member.id)] = str(member.id)
        if member.bsn and twin_member.bsn:
            renames[twin_member.bsn] = member.bsn
    return first, twin, renames


def _assert_written_alike(
    ctx: AppContext, core: HouseholdDetail, orm: HouseholdDetail, renames: dict[str, str]
) -> None:
    """``orm`` is the twin's save; ``renames`` maps its ids and numbers to ``core``'s."""
    stored, reference = (
        stored_row(ctx, Household.__table__, core.id),
        stored_row(ctx, Household.__table__, orm.id),
    )
    assert list(stored) == list(reference)
    assert without(stored, *_TIMES) == renamed(without(reference, *_TIMES), renames)
    assert stored["updated_by"] == ctx.actor.username

    changes, reference_changes = change_rows(ctx, core.id), change_rows(ctx, orm.id)
    assert len(changes) == len(reference_changes)
    for change, reference_change in zip(changes, reference_changes, strict=True):
        assert list(change["data"]) == list(reference_change["data"])  # the same key order
        for name in _TIMES:
            renames[reference_change["data"][name]] = change["data"][name]
        ignore = ("id", "seq", "created_at")
        assert without(change, *ignore) == renamed(without(reference_change, *ignore), renames)
    last = changes[-1]
    assert last["created_at"] == stored["updated_at"]
    assert last["data"]["updated_at"] == stored["updated_at"].isoformat()

    entries, reference_entries = audit_entries(ctx, core.id), audit_entries(ctx, orm.id)
    # which chain an entry joins is the audit writer's choice, not the save path's
    differ = ("id", "seq", "created_at", "chain_hash", "chain_seq", "chain_id")
    assert [without(e, *differ) for e in entries] == renamed(
        [without(e, *differ) for e in reference_entries], renames
    )

    assert _renamed_detail(orm, renames) == core
    assert core == households.get_household(ctx, core.id, purpose=None)


def _renamed_detail(detail: HouseholdDetail, renames: dict[str, str]) -> HouseholdDetail:
    return replace(
        detail,
        id=renamed(detail.id, renames),
        dossier_number=renamed(detail.dossier_number, renames),
        members=tuple(
            replace(
                m,
                id=renamed(m.id, renames),
                household_id=renamed(m.household_id, renames),
                bsn=renamed(m.bsn, renames),
            )
            for m in detail.members
        ),
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"notes": "Gesprek gepland\nmet school"},
        {"name": "Gezin Çelik", "city": ""},  # the sort key follows the name
        {"gemeente": "Bunnik", "wijk": "Werkhoven", "postcode": "", "street": " Hofje "},
        {"notes": None, "house_number": "12a"},
        {},  # nothing changed: nothing written
    ],
)
def test_an_edit_of_the_household_columns_is_stored_as_the_orm_stored_it(
    ctx: AppContext, changes: dict[str, Any]
) -> None:
    first, twin, renames = _twins(ctx)
    data = replace(households.household_input_from(first), **changes)
    twin_data = replace(households.household_input_from(twin), **changes)

    core = households.update_household(ctx, first.id, first.version, data)
    orm = _save_through_the_orm(ctx, twin.id, twin.version, twin_data)

    assert core.version == first.version + (1 if changes else 0)
    _assert_written_alike(ctx, core, orm, renames)
    # and a second edit on top of the first
    again = replace(data, notes="Tweede gesprek")
    core = households.update_household(ctx, first.id, core.version, again)
    orm = _save_through_the_orm(ctx, twin.id, orm.version, replace(twin_data, notes=again.notes))
    _assert_written_alike(ctx, core, orm, renames)


def test_a_stale_edit_is_refused_alike_and_writes_nothing(ctx: AppContext) -> None:
    first, twin, _ = _twins(ctx)
    households.update_household(
        ctx, first.id, first.version, replace(households.household_input_from(first), notes="a")
    )
    _save_through_the_orm(
        ctx, twin.id, twin.version, replace(households.household_input_from(twin), notes="a")
    )
    before = (
        row_counts(ctx, *_COUNTED),
        stored_row(ctx, Household.__table__, first.id),
    )
    outcomes = []
    for save, detail in ((households.update_household, first), (_save_through_the_orm, twin)):
        with pytest.raises(JeugdtoegangError) as refused:
            save(ctx, detail.id, detail.version, households.household_input_from(detail))
        outcomes.append((type(refused.value), str(refused.value)))
    assert outcomes[0] == outcomes[1]
    assert "intussen gewijzigd" in outcomes[0][1]
    assert (
        row_counts(ctx, *_COUNTED),
        stored_row(ctx, Household.__table__, first.id),
    ) == before


def test_an_update_of_a_moved_version_writes_nothing(ctx: AppContext) -> None:
    saved = households.register_household(ctx, jansen())
    before = (
        row_counts(ctx, *_COUNTED),
        stored_row(ctx, Household.__table__, saved.id),
    )
    with ctx.uow() as uow:
        stored = household_records.lock_household(uow.session, saved.id)
        assert stored is not None
        moved = {**stored.row, "version": stored.row["version"] + 1}
        written = household_records.update_household_columns(
            uow.session, moved, {"notes": "x"}, ctx.actor.username
        )
        uow.commit()
    assert written is None
    assert (
        row_counts(ctx, *_COUNTED),
        stored_row(ctx, Household.__table__, saved.id),
    ) == before


def test_a_value_the_database_refuses_is_refused_alike(ctx: AppContext) -> None:
    """A value too long for its column (validation stops it before; here it reaches the
    database): PostgreSQL refuses it with the same error either way and nothing is
    written; SQLite stores it either way."""
    first, twin, _ = _twins(ctx)
    before = row_counts(ctx, *_COUNTED)
    outcomes = []
    for detail, core in ((first, True), (twin, False)):
        try:
            with ctx.uow() as uow:
                stored = household_records.lock_household(uow.session, detail.id)
                assert stored is not None
                if core:
                    household_records.update_household_columns(
                        uow.session, stored.row, {"gemeente_code": "03121"}, "c.jansen"
                    )
                else:
                    household = uow.session.get(Household, detail.id)
                    assert household is not None
                    household.gemeente_code = "03121"
                    uow.session.flush()
                uow.commit()
        except DBAPIError as error:
            outcomes.append((type(error), type(error.orig), str(error.orig)))
            assert row_counts(ctx, *_COUNTED) == before
        else:
            outcomes.append(stored_row(ctx, Household.__table__, detail.id)["gemeente_code"])
    assert outcomes[0] == outcomes[1]
    refused = ctx.database.engines.write.dialect.name == "postgresql"
    assert isinstance(outcomes[0], tuple) is refused


def test_without_the_driver_shortcut_the_edit_is_stored_alike(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another PostgreSQL driver runs the same statement through SQLAlchemy."""
    monkeypatch.setattr(changelog.ServerSQL, "of", classmethod(lambda cls, *_args: None))
    monkeypatch.setattr(household_records, "_UPDATES", {})
    first, twin, renames = _twins(ctx)
    data = replace(households.household_input_from(first), notes="Via SQLAlchemy")
    twin_data = replace(households.household_input_from(twin), notes="Via SQLAlchemy")

    core = households.update_household(ctx, first.id, first.version, data)
    orm = _save_through_the_orm(ctx, twin.id, twin.version, twin_data)

    assert core.version == first.version + 1
    _assert_written_alike(ctx, core, orm, renames)
