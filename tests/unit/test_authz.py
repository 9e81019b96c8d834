"""Every role × permission: allowed or refused, with a Dutch message; team and four-eyes."""

from __future__ import annotations

import pytest

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.authz import (
    Permission,
    can,
    forbid_self_approval,
    permissions_of,
    require,
    require_team,
)
from jeugdtoegang.errors import PermissionDeniedError

P = Permission
ALLOWED: dict[Role, set[Permission]] = {
    Role.CONSULENT: {P.DOSSIER_READ, P.DOSSIER_EDIT, P.PLAN_SUBMIT, P.LETTER_PRINT, P.SYNC},
    Role.TEAMLEIDER: {P.DOSSIER_READ, P.APPROVE},
    Role.BEHEERDER: {P.CATALOGUE_MANAGE, P.USERS_MANAGE, P.EXPORT, P.SYNC, P.AUDIT_READ},
}
CASES = [
    (role, permission, permission in ALLOWED[role]) for role in ALLOWED for permission in Permission
]


def actor(*roles: Role, team: str | None = "Team Zeist", name: str = "x.user") -> Actor:
    return Actor(name, name, frozenset(roles), team=team)


@pytest.mark.parametrize(("role", "permission", "allowed"), CASES)
def test_each_role_is_allowed_exactly_its_permissions(
    role: Role, permission: Permission, allowed: bool
) -> None:
    user = actor(role)
    assert can(user, permission) is allowed
    if allowed:
        require(user, permission)
    else:
        with pytest.raises(PermissionDeniedError) as refused:
            require(user, permission)
        assert "geen toestemming" in refused.value.message
        assert permission.infinitive in refused.value.message
        assert refused.value.permission == permission.value  # type: ignore[attr-defined]


def test_an_administrator_does_not_read_dossiers_unless_also_given_such_a_role() -> None:
    assert not can(actor(Role.BEHEERDER), P.DOSSIER_READ)
    assert can(actor(Role.BEHEERDER, Role.TEAMLEIDER), P.DOSSIER_READ)
    assert not can(actor(Role.BEHEERDER, Role.TEAMLEIDER), P.DOSSIER_EDIT)


def test_roles_combine_as_the_union_of_their_permissions() -> None:
    both = actor(Role.CONSULENT, Role.TEAMLEIDER)
    assert permissions_of(both) == ALLOWED[Role.CONSULENT] | ALLOWED[Role.TEAMLEIDER]


def test_the_system_may_do_everything_and_a_user_without_roles_nothing() -> None:
    assert permissions_of(actor(Role.SYSTEEM)) == frozenset(Permission)
    assert permissions_of(actor()) == frozenset()


def test_consultants_edit_only_their_own_teams_dossiers() -> None:
    consultant = actor(Role.CONSULENT, team="Team Zeist")
    require_team(consultant, "Team Zeist")
    require_team(consultant, "team zeist ")
    require_team(consultant, None)  # a dossier without team: region-wide
    with pytest.raises(PermissionDeniedError, match="eigen team"):
        require_team(consultant, "Team Bunnik")
    require_team(actor(Role.CONSULENT, team=None), "Team Bunnik")  # no accounts set up


def test_nobody_approves_their_own_submission() -> None:
    lead = actor(Role.TEAMLEIDER, name="t.bakker")
    with pytest.raises(PermissionDeniedError, match="zelf ingediend"):
        forbid_self_approval(lead, "t.bakker")
    with pytest.raises(PermissionDeniedError):
        forbid_self_approval(lead, "T.Bakker")
    forbid_self_approval(lead, "c.jansen")
    forbid_self_approval(lead, None)


def test_every_permission_has_a_dutch_label() -> None:
    for permission in Permission:
        assert permission.label and permission.infinitive.endswith(("te zien", "en", "ren"))


def test_password_hashes_are_the_same_scrypt_as_the_standard_library() -> None:
    """Hashes made by earlier versions (hashlib.scrypt) still verify."""
    import hashlib

    from jeugdtoegang.services.auth import _scrypt

    salt = bytes(range(16))
    expected = hashlib.scrypt(b"geheim", salt=salt, n=2**10, r=8, p=1, dklen=32)
    assert _scrypt("geheim", salt, 10, 8, 1) == expected
