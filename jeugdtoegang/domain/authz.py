"""Authorisation rules: which role may do what, team scoping, and the four-eyes rule.

Pure functions over an :class:`~jeugdtoegang.domain.actor.Actor`; the services call
:func:`require` at the top of every use case (authorisation lives in the core, not only in
hidden buttons). Writing the refusal to the audit log is the services' job
(``jeugdtoegang.services.authz.guard`` does both).

Roles and permissions:

* consulent: read and edit dossiers (of the own team), submit plans/decisions, print letters;
* teamleider: read dossiers and approve submissions (never the own submission);
* beheerder: catalogue, users, exports, synchronisation and the audit log, but NOT the
  dossiers themselves unless the user also has a role that may read them;
* systeem: internal processes (demo, import); may do everything.
"""

from __future__ import annotations

from enum import StrEnum

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.errors import PermissionDeniedError


class Permission(StrEnum):
    """What a use case needs. Values are stable (they appear in the audit log)."""

    DOSSIER_READ = "dossier_read"
    DOSSIER_EDIT = "dossier_edit"
    PLAN_SUBMIT = "plan_submit"
    APPROVE = "approve"
    CATALOGUE_MANAGE = "catalogue_manage"
    USERS_MANAGE = "users_manage"
    EXPORT = "export"
    LETTER_PRINT = "letter_print"
    SYNC = "sync"
    AUDIT_READ = "audit_read"

    @property
    def label(self) -> str:
        """What the permission allows, in Dutch ("dossiers inzien")."""
        return _LABELS[self][0]

    @property
    def infinitive(self) -> str:
        """The same as a te-infinitive ("dossiers in te zien") for messages."""
        return _LABELS[self][1]


_LABELS = {
    Permission.DOSSIER_READ: ("dossiers inzien", "dossiers in te zien"),
    Permission.DOSSIER_EDIT: ("dossiers wijzigen", "dossiers te wijzigen"),
    Permission.PLAN_SUBMIT: (
        "plannen en beschikkingen indienen",
        "plannen en beschikkingen in te dienen",
    ),
    Permission.APPROVE: ("indieningen beoordelen", "indieningen te beoordelen"),
    Permission.CATALOGUE_MANAGE: (
        "catalogus en aanbieders beheren",
        "de catalogus en aanbieders te beheren",
    ),
    Permission.USERS_MANAGE: ("gebruikers beheren", "gebruikers te beheren"),
    Permission.EXPORT: ("gegevens exporteren", "gegevens te exporteren"),
    Permission.LETTER_PRINT: ("brieven afdrukken", "brieven af te drukken"),
    Permission.SYNC: ("synchroniseren", "gegevens te synchroniseren"),
    Permission.AUDIT_READ: (
        "logboek raadplegen",
        "het logboek (verwerkingenlogging) te raadplegen",
    ),
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CONSULENT: frozenset(
        {
            Permission.DOSSIER_READ,
            Permission.DOSSIER_EDIT,
            Permission.PLAN_SUBMIT,
            Permission.LETTER_PRINT,
            # a consultant exchanges the laptop's work with the office (DOMAIN: offline)
            Permission.SYNC,
        }
    ),
    Role.TEAMLEIDER: frozenset({Permission.DOSSIER_READ, Permission.APPROVE}),
    Role.BEHEERDER: frozenset(
        {
            Permission.CATALOGUE_MANAGE,
            Permission.USERS_MANAGE,
            Permission.EXPORT,
            Permission.SYNC,
            Permission.AUDIT_READ,
        }
    ),
    Role.SYSTEEM: frozenset(Permission),
}


def permissions_of(actor: Actor) -> frozenset[Permission]:
    """Everything the actor may do: the union over the actor's roles."""
    result: set[Permission] = set()
    for role in actor.roles:
        result |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(result)


def can(actor: Actor, permission: Permission) -> bool:
    """Whether the actor may do this (for enabling buttons; the core checks again)."""
    return permission in permissions_of(actor)


def _roles_text(actor: Actor) -> str:
    roles = sorted(actor.roles, key=lambda r: r.value)
    return ", ".join(r.label.lower() for r in roles) or "geen rol"


def require(actor: Actor, permission: Permission) -> None:
    """Refuse (PermissionDeniedError with a Dutch message) unless the actor may do this."""
    if not can(actor, permission):
        raise refusal(
            f"U heeft geen toestemming om {permission.infinitive} (uw rol: "
            f"{_roles_text(actor)}). Vraag de functioneel beheerder als u dit wel nodig heeft.",
            permission.value,
        )


def require_team(actor: Actor, household_team: str | None) -> None:
    """Consultants edit only their own team's dossiers.

    No restriction when the dossier or the user has no team (region-wide set-up, or a
    database without accounts), or for the system actor.
    """
    if Role.SYSTEEM in actor.roles or not household_team or not actor.team:
        return
    if household_team.strip().casefold() != actor.team.strip().casefold():
        raise refusal(
            f"Dit dossier hoort bij team {household_team}; u werkt in team {actor.team}. "
            "U kunt alleen dossiers van uw eigen team wijzigen.",
            "team",
        )


def forbid_self_approval(actor: Actor, submitted_by: str | None) -> None:
    """Four-eyes rule: nobody approves (or returns) their own submission."""
    if submitted_by and submitted_by.casefold() == actor.username.casefold():
        raise refusal(
            "U heeft dit zelf ingediend en kunt het daarom niet zelf beoordelen. "
            "Een andere teamleider moet het goedkeuren (vier-ogenprincipe).",
            "eigen_indiening",
        )


def refusal(message: str, what: str) -> PermissionDeniedError:
    """A PermissionDeniedError whose ``permission`` attribute names what was refused."""
    error = PermissionDeniedError(message)
    error.permission = what  # type: ignore[attr-defined]
    return error
