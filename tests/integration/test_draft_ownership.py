"""Autosaved drafts belong to their author: per user and record, never offered to another."""

from __future__ import annotations

from jeugdtoegang.services import autosave
from tests.conftest import CONSULENT, TEAMLEIDER
from tests.integration.test_plans import complete_plan, make_household


def test_a_draft_typed_by_one_user_is_never_offered_to_another(ctx) -> None:
    household_id = make_household(ctx)
    typed = complete_plan(ctx, household_id).to_json()
    autosave.write_recovery(household_id, typed, 0, author=TEAMLEIDER.username)

    assert autosave.pending_recovery(household_id, None, None, author=CONSULENT.username) is None
    assert autosave.read_recovery(household_id, author=CONSULENT.username) is None
    own = autosave.pending_recovery(household_id, None, None, author=TEAMLEIDER.username)
    assert own is not None and own.author == TEAMLEIDER.username and own.content == typed


def test_two_users_keep_separate_drafts_of_the_same_plan(ctx) -> None:
    household_id = make_household(ctx)
    mine = complete_plan(ctx, household_id).to_json()
    theirs = dict(mine, consultant="Iemand anders")
    autosave.write_recovery(household_id, mine, 0, author=CONSULENT.username)
    autosave.write_recovery(household_id, theirs, 0, author="m.elamrani")

    assert autosave.read_recovery(household_id, author=CONSULENT.username).content == mine
    assert autosave.read_recovery(household_id, author="M.Elamrani").content == theirs
    autosave.clear_recovery(household_id, author=CONSULENT.username)
    assert autosave.read_recovery(household_id, author=CONSULENT.username) is None
    assert autosave.read_recovery(household_id, author="m.elamrani") is not None


def test_a_moved_draft_file_is_not_offered_to_the_folder_owner(ctx) -> None:
    household_id = make_household(ctx)
    path = autosave.write_recovery(household_id, {"x": 1}, 0, author=TEAMLEIDER.username)
    target = autosave.recovery_path(household_id, CONSULENT.username)
    target.parent.mkdir(parents=True, exist_ok=True)
    path.rename(target)
    assert autosave.read_recovery(household_id, author=CONSULENT.username) is None


def test_saving_removes_only_the_savers_own_draft(ctx) -> None:
    from jeugdtoegang.services import plans

    household_id = make_household(ctx)
    document = complete_plan(ctx, household_id)
    autosave.write_recovery(household_id, document.to_json(), 0, author="m.elamrani")
    autosave.write_recovery(household_id, document.to_json(), 0, author=CONSULENT.username)
    plans.save_draft(ctx, household_id, document, 0)
    assert autosave.read_recovery(household_id, author=CONSULENT.username) is None
    assert autosave.read_recovery(household_id, author="m.elamrani") is not None
