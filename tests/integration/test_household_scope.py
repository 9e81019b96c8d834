"""Opening and saving a dossier check its team scope on their own read (issue 19).

``get_household`` and ``update_household`` read the dossier's team with the row they
read anyway instead of a separate team lookup first. The refusals must be exactly those
of the separate lookup (:func:`authz.guard_household`): the same message, one logged
"geweigerd" entry with the same action and object, nothing else logged or written; a
doorbraak still opens the dossier for reading (not for editing).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import select

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.errors import NotFoundError, PermissionDeniedError
from jeugdtoegang.services import authz, households
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.models.audit import AuditEntry
from jeugdtoegang.storage.models.households import Household
from tests.conftest import TODAY
from tests.integration.test_permission_matrix import ACTORS, BUNNIK, ZEIST, Dossier, two_teams

pytestmark = pytest.mark.postgres
__all__ = ["two_teams"]  # the fixture, used by name


def _entries(database: Database, username: str) -> list[tuple[object, ...]]:
    from jeugdtoegang.storage.audit_writer import flush_pending

    flush_pending(database)
    with database.read_sessions() as session:
        return [
            tuple(row)
            for row in session.execute(
                select(
                    AuditEntry.action,
                    AuditEntry.object_type,
                    AuditEntry.object_id,
                    AuditEntry.person_ids,
                    AuditEntry.purpose,
                    AuditEntry.outcome,
                )
                .where(AuditEntry.created_by == username)
                .order_by(AuditEntry.seq)
            )
        ]


def _looked_up_first(permission: Permission) -> Callable[[AppContext, uuid.UUID], None]:
    """A use case guarded as before: the team lookup runs before it (its body never runs
    for a dossier out of scope)."""

    @authz.guarded(permission, object_type="household", target="household")
    def use_case(ctx: AppContext, household_id: uuid.UUID) -> None:
        return None

    return use_case


def _refused_like_the_lookup(
    database: Database,
    ctx: AppContext,
    permission: Permission,
    household_id: uuid.UUID,
    call: Callable[[], object],
) -> None:
    """``call`` is refused with the message and the single entry of the team lookup."""
    before = len(_entries(database, ctx.actor.username))
    with pytest.raises(PermissionDeniedError) as expected:
        _looked_up_first(permission)(ctx, household_id)
    lookup_entries = _entries(database, ctx.actor.username)[before:]
    with pytest.raises(PermissionDeniedError) as refused:
        call()
    own_entries = _entries(database, ctx.actor.username)[before + len(lookup_entries) :]
    assert refused.value.message == expected.value.message
    assert len(lookup_entries) == len(own_entries) == 1
    assert own_entries == lookup_entries
    assert own_entries[0][5] == "geweigerd"


def test_opening_and_saving_another_teams_dossier_is_refused_as_before(
    two_teams: tuple[Database, dict[str, Dossier]],
) -> None:
    database, dossiers = two_teams
    bunnik = AppContext(database, ACTORS["consulent-bunnik"], today=lambda: TODAY)
    zeist_id = dossiers[ZEIST].household_id
    own = households.get_household(
        AppContext(database, ACTORS["consulent-zeist"], today=lambda: TODAY), zeist_id
    )
    data = households.household_input_from(own)
    with database.read_sessions() as session:
        stored = session.execute(select(Household.version, Household.notes)).all()

    _refused_like_the_lookup(
        database, bunnik, Permission.DOSSIER_READ, zeist_id,
        lambda: households.get_household(bunnik, zeist_id),
    )  # fmt: skip
    _refused_like_the_lookup(
        database, bunnik, Permission.DOSSIER_EDIT, zeist_id,
        lambda: households.update_household(bunnik, zeist_id, own.version, data),
    )  # fmt: skip
    with database.read_sessions() as session:
        assert session.execute(select(Household.version, Household.notes)).all() == stored
    # the beheerder has no dossier permission at all: refused before any read
    beheer = AppContext(database, ACTORS["beheerder"], today=lambda: TODAY)
    with pytest.raises(PermissionDeniedError):
        households.get_household(beheer, zeist_id)


def test_a_doorbraak_opens_for_reading_only_and_a_missing_dossier_is_not_found(
    two_teams: tuple[Database, dict[str, Dossier]],
) -> None:
    database, dossiers = two_teams
    bunnik = AppContext(database, ACTORS["consulent-bunnik"], today=lambda: TODAY)
    zeist_id = dossiers[ZEIST].household_id
    authz.declare_doorbraak(bunnik, zeist_id, "Crisismelding in de nacht, consulent afwezig")
    detail = households.get_household(bunnik, zeist_id)
    assert detail.id == zeist_id and detail.team == ZEIST
    assert _entries(database, bunnik.actor.username)[-1][:3] == ("inzien", "household", zeist_id)
    with pytest.raises(PermissionDeniedError) as refused:
        households.update_household(
            bunnik, zeist_id, detail.version, households.household_input_from(detail)
        )
    assert "Dit dossier hoort bij team Team Zeist" in refused.value.message
    # the own team's dossier opens and saves without any refusal
    own_id = dossiers[BUNNIK].household_id
    own = households.get_household(bunnik, own_id)
    households.update_household(bunnik, own_id, own.version, households.household_input_from(own))
    for call in (
        lambda: households.get_household(bunnik, uuid.uuid4()),
        lambda: households.update_household(
            bunnik, uuid.uuid4(), 1, households.household_input_from(own)
        ),
    ):
        with pytest.raises(NotFoundError):
            call()
