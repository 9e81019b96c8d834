"""Who is acting: stamped on every record and audit entry."""

from __future__ import annotations

import getpass
import uuid
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """User roles. Values are stable (stored); ``label`` is the Dutch name."""

    CONSULENT = "consulent"
    TEAMLEIDER = "teamleider"
    BEHEERDER = "beheerder"
    SYSTEEM = "systeem"

    @property
    def label(self) -> str:
        return {
            "consulent": "Consulent",
            "teamleider": "Teamleider",
            "beheerder": "Functioneel beheerder",
            "systeem": "Systeem",
        }[self.value]


@dataclass(frozen=True)
class Actor:
    """The person (or process) on whose behalf the core acts."""

    username: str
    display_name: str
    roles: frozenset[Role]
    team: str | None = None
    user_id: uuid.UUID | None = None

    @property
    def primary_role(self) -> Role:
        for role in (Role.TEAMLEIDER, Role.CONSULENT, Role.BEHEERDER, Role.SYSTEEM):
            if role in self.roles:
                return role
        return Role.SYSTEEM

    def has(self, role: Role) -> bool:
        return role in self.roles


SYSTEM_ACTOR = Actor("systeem", "Systeem", frozenset({Role.SYSTEEM}))


def local_actor() -> Actor:
    """An actor for the local OS user (used before accounts are set up, and by tests)."""
    try:
        name = getpass.getuser()
    except Exception:  # pragma: no cover - no user name on some platforms
        name = "gebruiker"
    return Actor(name, name, frozenset({Role.CONSULENT, Role.TEAMLEIDER}))
