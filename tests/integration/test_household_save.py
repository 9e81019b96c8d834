"""Saving a dossier whose members come back unchanged (the Core path of issue 19) writes
what the ORM's flush writes: the next version stamped with who and when, a change-log
row with the full snapshot, the audit entry; and nothing at all when nothing changed."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from jeugdtoegang.services import households
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models import AuditEntry
from jeugdtoegang.storage.models.changelog import ChangeLogEntry
from jeugdtoegang.storage.models.households import Household
from jeugdtoegang.storage.snapshot import snapshot
from tests.integration.test_households import jansen

pytestmark = pytest.mark.postgres


def _changes(ctx: AppContext, record_id: object) -> list[ChangeLogEntry]:
    with ctx.database.read_sessions() as session:
        return list(
            session.execute(
                select(ChangeLogEntry)
                .where(ChangeLogEntry.record_id == record_id)
                .order_by(ChangeLogEntry.seq)
            ).scalars()
        )


def test_a_save_of_the_household_columns_is_its_next_version_with_a_full_snapshot(
    ctx: AppContext,
) -> None:
    saved = households.register_household(ctx, jansen())
    data = replace(households.household_input_from(saved), notes="Gesprek gepland", city="")
    before = _changes(ctx, saved.id)

    after = households.update_household(ctx, saved.id, saved.version, data)

    assert after.version == saved.version + 1
    assert after.notes == "Gesprek gepland"
    assert after.city == "Zeist"  # an empty city is the municipality, as before
    assert after.members == saved.members
    assert after == households.get_household(ctx, saved.id, purpose=None)
    logged = _changes(ctx, saved.id)
    assert len(logged) == len(before) + 1
    last = logged[-1]
    with ctx.database.read_sessions() as session:
        stored = session.get(Household, saved.id)
        assert stored is not None
        assert last.data == snapshot(stored)
        assert (last.version, last.operation) == (stored.version, "update")
        assert last.created_by == stored.updated_by == ctx.actor.username
        assert last.created_at == stored.updated_at
        entry = (
            session.execute(
                select(AuditEntry).where(AuditEntry.action == "wijzigen").order_by(AuditEntry.seq)
            )
            .scalars()
            .all()[-1]
        )
    assert entry.object_id == saved.id
    assert sorted(map(str, entry.person_ids)) == sorted(str(m.id) for m in saved.members)


def test_saving_a_dossier_unchanged_writes_no_new_version(ctx: AppContext) -> None:
    saved = households.register_household(ctx, jansen())
    before = _changes(ctx, saved.id)

    again = households.update_household(
        ctx, saved.id, saved.version, households.household_input_from(saved)
    )

    assert again == saved
    assert [c.seq for c in _changes(ctx, saved.id)] == [c.seq for c in before]


def test_a_changed_member_still_takes_the_full_save(ctx: AppContext) -> None:
    saved = households.register_household(ctx, jansen())
    data = households.household_input_from(saved)
    members = (replace(data.members[0], phone="0612345678"), *data.members[1:])

    after = households.update_household(
        ctx, saved.id, saved.version, replace(data, members=members)
    )

    changed = next(m for m in after.members if m.id == data.members[0].id)
    assert (changed.phone, changed.version) == ("0612345678", data.members[0].version + 1)
    assert after.version == saved.version  # the household's own columns did not change
