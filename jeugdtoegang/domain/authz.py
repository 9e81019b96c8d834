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


class Scope(StrEnum):
    """On which dossiers a role may use a permission (need-to-know)."""

    NONE = "geen"
    #: only dossiers of the user's own team(s), or one opened by a logged doorbraak
    TEAM = "team"
    #: everything the permission covers (catalogue, users, the log; never dossiers for
    #: the beheerder, who has no dossier permission at all)
    ALL = "alles"


_ORDER = {Scope.NONE: 0, Scope.TEAM: 1, Scope.ALL: 2}

#: THE permission matrix: role x permission -> scope. Everything not listed is NONE.
#: Services apply it through ``jeugdtoegang.services.authz`` (guard / guard_household);
#: tests/integration/test_permission_matrix.py checks every cell at the service layer.
MATRIX: dict[Role, dict[Permission, Scope]] = {
    Role.CONSULENT: {
        Permission.DOSSIER_READ: Scope.TEAM,
        Permission.DOSSIER_EDIT: Scope.TEAM,
        Permission.PLAN_SUBMIT: Scope.TEAM,
        Permission.LETTER_PRINT: Scope.TEAM,
        # a consultant exchanges the laptop's work with the office (DOMAIN: offline)
        Permission.SYNC: Scope.ALL,
    },
    Role.TEAMLEIDER: {
        Permission.DOSSIER_READ: Scope.TEAM,
        # team leads approve their own team's work only (never through a doorbraak)
        Permission.APPROVE: Scope.TEAM,
    },
    Role.BEHEERDER: {
        Permission.CATALOGUE_MANAGE: Scope.ALL,
        Permission.USERS_MANAGE: Scope.ALL,
        Permission.EXPORT: Scope.ALL,
        Permission.SYNC: Scope.ALL,
        Permission.AUDIT_READ: Scope.ALL,
    },
    Role.SYSTEEM: {permission: Scope.ALL for permission in Permission},
}

#: Permissions a logged doorbraak (break-the-glass, with a reason) opens for one dossier
#: of another team: reading only. Editing, submitting, printing and approving stay with
#: the dossier's own team.
DOORBRAAK_PERMISSIONS = frozenset({Permission.DOSSIER_READ})
#: How long a doorbraak stays open for that user and dossier.
DOORBRAAK_HOURS = 8
#: A doorbraak reason must say something.
DOORBRAAK_MIN_REASON = 10

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    role: frozenset(p for p, scope in cells.items() if scope is not Scope.NONE)
    for role, cells in MATRIX.items()
}


def scope_of(actor: Actor, permission: Permission) -> Scope:
    """The widest scope any of the actor's roles gives for ``permission``."""
    best = Scope.NONE
    for role in actor.roles:
        scope = MATRIX.get(role, {}).get(permission, Scope.NONE)
        if _ORDER[scope] > _ORDER[best]:
            best = scope
    return best


def actor_teams(actor: Actor) -> frozenset[str]:
    """The user's teams, case-folded (``team`` may list several, separated by ``|``)."""
    if not actor.team:
        return frozenset()
    return frozenset(t.strip().casefold() for t in actor.team.split("|") if t.strip())


def visible_teams(actor: Actor, permission: Permission) -> frozenset[str] | None:
    """The teams whose dossiers the actor may see in lists (None: no team restriction).

    Raises nothing: an actor without the permission sees an empty set.
    """
    scope = scope_of(actor, permission)
    if scope is Scope.ALL:
        return None
    if scope is Scope.NONE:
        return frozenset()
    teams = actor_teams(actor)
    return teams or None  # a user without a team (no accounts yet) is not team-bound


def in_scope(
    actor: Actor, permission: Permission, household_team: str | None, *, doorbraak: bool = False
) -> bool:
    """Whether the actor may use ``permission`` on a dossier of ``household_team``.

    A dossier without a team (region-wide set-up) is open to every user with the
    permission; a doorbraak opens another team's dossier for DOORBRAAK_PERMISSIONS.
    """
    scope = scope_of(actor, permission)
    if scope is Scope.NONE:
        return False
    if scope is Scope.ALL or not household_team:
        return True
    teams = actor_teams(actor)
    if not teams or household_team.strip().casefold() in teams:
        return True
    return doorbraak and permission in DOORBRAAK_PERMISSIONS


def require_scope(
    actor: Actor, permission: Permission, household_team: str | None, *, doorbraak: bool = False
) -> None:
    """Refuse unless the actor may use ``permission`` on this team's dossier."""
    require(actor, permission)
    if in_scope(actor, permission, household_team, doorbraak=doorbraak):
        return
    assert household_team is not None
    if permission is Permission.APPROVE:
        raise refusal(
            f"Dit hoort bij team {household_team}; u bent teamleider van team {actor.team}. "
            "U beoordeelt alleen het werk van uw eigen team.",
            "team",
        )
    raise refusal(
        f"Dit dossier hoort bij team {household_team}; u werkt in team {actor.team}. "
        "U kunt alleen dossiers van uw eigen team gebruiken. Is het dringend nodig, gebruik "
        "dan 'Doorbraak' en schrijf de reden op: dat wordt vastgelegd en uw teamleider ziet "
        "het.",
        "team",
    )


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


def require_team(actor: Actor, household_team: str | None, *, doorbraak: bool = False) -> None:
    """Consultants edit only their own team's dossiers (see :func:`require_scope`).

    No restriction when the dossier or the user has no team (region-wide set-up, or a
    database without accounts), or for the system actor.
    """
    if Role.SYSTEEM in actor.roles or not household_team or not actor_teams(actor):
        return
    if household_team.strip().casefold() in actor_teams(actor) or doorbraak:
        return
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


def may_see_conflict_data(actor: Actor, household_team: str | None) -> bool:
    """Whether a sync conflict shows this user the records' values (names, BSNs, notes).

    Only whoever may edit that dossier (a consultant of its team) sees and settles them;
    a beheerder or team lead sees which record and which fields differ, never the values
    (need-to-know: the beheerder sees no personal data anywhere).
    """
    return in_scope(actor, Permission.DOSSIER_EDIT, household_team)
