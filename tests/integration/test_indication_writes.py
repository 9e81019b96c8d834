"""A new concept saved by one Core INSERT (issue 19) writes what the ORM's flush wrote:
every column, the version stamps, the change-log row (its JSON text too), the commitments,
the audit entry and the view; bad input leaves everything as it was, with the same error.

The reference is the ORM way of saving a new concept as ``save_concept`` did it before:
an ``Indication`` object given the same columns, flushed through the session hooks.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError

from jeugdtoegang.domain.authz import Permission, require_team
from jeugdtoegang.domain.indication_rules import check_indication
from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.errors import JeugdtoegangError, ValidationError
from jeugdtoegang.services import indications as svc
from jeugdtoegang.services.authz import guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_drafts import apply_draft
from jeugdtoegang.services.indication_inputs import IndicationDraft, build_context
from jeugdtoegang.services.indication_views import IndicationView, indication_view
from jeugdtoegang.storage.models import AuditEntry
from jeugdtoegang.storage.models.changelog import ChangeLogEntry
from jeugdtoegang.storage.models.commitments import ProviderCommitment
from jeugdtoegang.storage.models.indications import Indication
from tests.indication_helpers import add_plan, add_provider, draft, make_family
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
_COUNTED = (Indication, ChangeLogEntry, AuditEntry, ProviderCommitment)

_TIMES = ("created_at", "updated_at")


@guarded(Permission.DOSSIER_EDIT, object_type="indication")
def _save_through_the_orm(ctx: AppContext, draft: IndicationDraft) -> IndicationView:
    """The ORM save of a new concept, step by step as ``save_concept`` did it before."""
    with ctx.uow() as uow:
        row = Indication(status=IndicationStatus.CONCEPT.value)
        proposal, context, subject, facts = build_context(ctx, uow.session, draft)
        if subject.household_id is not None:
            require_team(ctx.actor, subject.team)
        result = check_indication(proposal, context)
        draft = replace(draft, proposal=proposal)
        row.person_id = draft.person_id
        row.household_id = subject.household_id  # type: ignore[assignment]
        row.gemeente_code = subject.gemeente_code
        apply_draft(ctx, row, draft, result, facts)
        uow.session.add(row)
        uow.session.flush()
        uow.log_access(
            "opslaan", "indication", row.id, [row.person_id], "indicatie (concept) opslaan"
        )
        view = indication_view(row, subject.person_name)
        uow.commit()
        return view


def _assert_written_alike(
    ctx: AppContext, core: IndicationView, orm: IndicationView, renames: dict[str, str]
) -> None:
    """``orm`` was saved for a second, identical family: ``renames`` maps its ids
    (indication, jeugdige, household, goals) to the first family's."""
    renames = {str(orm.id): str(core.id), **renames}
    stored, reference = (
        stored_row(ctx, Indication.__table__, core.id),
        stored_row(ctx, Indication.__table__, orm.id),
    )
    assert list(stored) == list(reference)
    assert without(stored, *_TIMES) == renamed(without(reference, *_TIMES), renames)
    assert stored["created_at"] == stored["updated_at"]
    assert stored["version"] == 1
    assert stored["created_by"] == stored["updated_by"] == ctx.actor.username

    [change] = change_rows(ctx, core.id)
    [reference_change] = change_rows(ctx, orm.id)
    assert change["created_at"] == stored["updated_at"]
    assert list(change["data"]) == list(reference_change["data"])  # the same key order
    for name in _TIMES:  # the stamps in the snapshot are the row's
        assert change["data"][name] == stored[name].isoformat()
        renames[reference_change["data"][name]] = change["data"][name]
    ignore = ("id", "seq", "created_at")
    assert without(change, *ignore) == renamed(without(reference_change, *ignore), renames)

    [entry], [reference_entry] = audit_entries(ctx, core.id), audit_entries(ctx, orm.id)
    # which chain an entry joins is the audit writer's choice (a chain free at that moment),
    # not the save path's: the number and place in a chain may differ
    differ = ("id", "seq", "created_at", "chain_hash", "chain_seq", "chain_id")
    assert without(entry, *differ) == renamed(without(reference_entry, *differ), renames)

    assert core == _renamed_view(orm, renames)


def _renamed_view(view: IndicationView, renames: dict[str, str]) -> IndicationView:
    return replace(
        view,
        id=renamed(view.id, renames),
        person_id=renamed(view.person_id, renames),
        household_id=renamed(view.household_id, renames),
        goal_ids=tuple(renamed(list(view.goal_ids), renames)),
    )


def _family(ctx: AppContext) -> tuple[uuid.UUID, uuid.UUID, list[str]]:
    household_id, person_id = make_family(ctx)
    return household_id, person_id, add_plan(ctx, household_id, person_id)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"end": None},  # the end the term allows
        {"end": date(2027, 12, 31), "requested_on": date(2026, 10, 1)},  # findings, a request
        {"provider_agb": None, "maatwerk_name": "Maatwerk Zeist", "tariff": Decimal("55.50")},
    ],
)
def test_a_new_concept_is_stored_as_the_orm_stored_it(
    ctx: AppContext, changes: dict[str, Any]
) -> None:
    add_provider(ctx)
    household_id, person_id, goals = _family(ctx)
    twin_household_id, twin_id, twin_goals = _family(ctx)

    core = svc.save_concept(ctx, draft(person_id, goals, **changes))
    orm = _save_through_the_orm(ctx, draft(twin_id, twin_goals, **changes))

    renames = {
        str(twin_id): str(person_id),
        str(twin_household_id): str(household_id),
        **dict(zip(twin_goals, goals, strict=True)),
    }
    _assert_written_alike(ctx, core, orm, renames)
    assert core == svc.get_indication(ctx, core.id)


def test_bad_input_leaves_everything_as_it_was_with_the_same_error(ctx: AppContext) -> None:
    add_provider(ctx)
    _, person_id = make_family(ctx)
    before = row_counts(ctx, *_COUNTED)
    for proposed in (
        draft(person_id, start=date(2027, 3, 1), end=date(2027, 1, 1)),  # end before start
        draft(uuid.uuid4()),  # no such jeugdige
    ):
        with pytest.raises(JeugdtoegangError) as core:
            svc.save_concept(ctx, proposed)
        with pytest.raises(JeugdtoegangError) as orm:
            _save_through_the_orm(ctx, proposed)
        assert (type(core.value), str(core.value)) == (type(orm.value), str(orm.value))
        assert row_counts(ctx, *_COUNTED) == before
    with pytest.raises(ValidationError):
        svc.save_concept(ctx, replace(draft(person_id), person_id=None))
    assert row_counts(ctx, *_COUNTED) == before


def test_a_value_the_database_refuses_is_refused_alike(ctx: AppContext) -> None:
    """A concept may carry rule errors, so a value too long for its column reaches the
    database: PostgreSQL refuses it (the same error from the server, nothing written),
    SQLite stores it (both ways alike)."""
    add_provider(ctx)
    _, person_id = make_family(ctx)
    _, twin_id = make_family(ctx)
    before = row_counts(ctx, *_COUNTED)
    outcomes = []
    for save, person in ((svc.save_concept, person_id), (_save_through_the_orm, twin_id)):
        try:
            view = save(ctx, draft(person, maatwerk_name="M" * 201, provider_agb=None))
        except DBAPIError as error:
            outcomes.append((type(error), type(error.orig), str(error.orig)))
            assert row_counts(ctx, *_COUNTED) == before
        else:
            outcomes.append(view.maatwerk_name)
    assert outcomes[0] == outcomes[1]
    refused = ctx.database.engines.write.dialect.name == "postgresql"
    assert isinstance(outcomes[0], tuple) is refused


def test_a_changed_concept_is_its_next_version_seen_as_stored(ctx: AppContext) -> None:
    add_provider(ctx)
    _, person_id, goals = _family(ctx)
    saved = svc.save_concept(ctx, draft(person_id, goals))

    changed = svc.save_concept(
        ctx, draft(person_id, goals[:1], volume=Decimal("3")), saved.id, saved.version
    )

    assert (changed.id, changed.version, changed.volume) == (saved.id, 2, Decimal("3"))
    assert changed.person_name == saved.person_name == "Sem Test"
    assert changed == svc.get_indication(ctx, saved.id)
    assert [c["version"] for c in change_rows(ctx, saved.id)] == [1, 2]
