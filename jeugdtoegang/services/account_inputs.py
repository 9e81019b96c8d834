"""An account as the user management shows and takes it, and the rules its input meets.

Split from :mod:`jeugdtoegang.services.auth` (which re-exports these names): no database,
no hashing, only the shapes and the checks.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.errors import FieldError
from jeugdtoegang.storage.models.security import User

MIN_PASSWORD_LENGTH = 10


def check_password_policy(password: str, username: str = "") -> list[FieldError]:
    errors = []
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("password", f"Gebruik minstens {MIN_PASSWORD_LENGTH} tekens."))
    if username and password.casefold() == username.casefold():
        errors.append(FieldError("password", "Het wachtwoord mag niet gelijk zijn aan de naam."))
    return errors


@dataclass(frozen=True)
class UserView:
    id: uuid.UUID
    version: int
    username: str
    display_name: str
    roles: tuple[str, ...]
    team: str | None
    municipality: str | None
    active: bool
    must_change_password: bool
    locked_until: datetime | None
    last_login_at: datetime | None

    @property
    def roles_text(self) -> str:
        return ", ".join(Role(r).label for r in self.roles)


@dataclass(frozen=True)
class UserInput:
    username: str
    display_name: str
    roles: tuple[Role, ...]
    team: str | None = None
    municipality: str | None = None
    password: str | None = None  # required when creating


def user_view(user: User) -> UserView:
    """What the account management shows of an account (lock state not yet applied)."""
    return UserView(
        id=user.id,
        version=user.version,
        username=user.username,
        display_name=user.display_name,
        roles=tuple(user.roles),
        team=user.team,
        municipality=user.municipality,
        active=user.active,
        must_change_password=user.must_change_password,
        locked_until=user.locked_until,
        last_login_at=user.last_login_at,
    )


def actor_for(user: UserView | User) -> Actor:
    """The actor a logged-in user acts as."""
    return Actor(
        user.username,
        user.display_name,
        frozenset(Role(r) for r in user.roles if r in Role._value2member_map_),
        team=user.team,
        user_id=user.id,
    )


def validate_user_input(data: UserInput, *, creating: bool) -> list[FieldError]:
    """What is wrong with an account's input (the password only when creating or given)."""
    errors = []
    name = data.username.strip()
    if not name or len(name) > 60 or any(c.isspace() for c in name):
        errors.append(FieldError("username", "Vul een gebruikersnaam in zonder spaties."))
    if not data.display_name.strip():
        errors.append(FieldError("display_name", "Vul de naam in."))
    if not data.roles:
        errors.append(FieldError("roles", "Kies minstens één rol."))
    if Role.SYSTEEM in data.roles:
        errors.append(FieldError("roles", "De rol 'systeem' is niet voor personen."))
    if creating or data.password:
        errors += check_password_policy(data.password or "", name)
    return errors
