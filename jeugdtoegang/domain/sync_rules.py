"""Who may make which change, checked again for every change that arrives in a bundle.

A bundle is authorised as if its changes were made here: per table a policy names the
permission (from :mod:`jeugdtoegang.domain.authz`, the same matrix the services use) that
the change's author needs, and approvals are re-checked against the four-eyes rule and the
approver's account. Tables without a policy are refused: a new table syncs only once
somebody decides who may write it (add one line to :data:`TABLE_POLICIES`).

Pure: the caller supplies the accounts (:class:`Account`) and the record states.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.domain.authz import can as _can_uncached
from jeugdtoegang.domain.authz import in_scope as _in_scope_uncached


@lru_cache(maxsize=4096)
def can(actor: Actor, permission: Permission) -> bool:
    """:func:`domain.authz.can`, remembered per actor (a bundle checks thousands of
    changes by the same few authors)."""
    return _can_uncached(actor, permission)


@lru_cache(maxsize=4096)
def in_scope(actor: Actor, permission: Permission, team: str | None) -> bool:
    """:func:`domain.authz.in_scope` (never a doorbraak), remembered per actor and team."""
    return _in_scope_uncached(actor, permission, team)


class TablePolicy(StrEnum):
    """Who may write a table's records."""

    #: a family's dossier: whoever may edit dossiers (consulent), approvals checked apart
    DOSSIER = "dossier"
    #: review steps: submitting needs PLAN_SUBMIT, approving/returning APPROVE (not own)
    REVIEW = "review"
    #: accounts and roles: only a beheerder (a user may change only the own password)
    ACCOUNTS = "accounts"
    #: the region's set-up and the workstation register: only a beheerder
    SETUP = "setup"
    #: providers and contracts: whoever manages the catalogue (beheerder)
    CATALOGUE = "catalogue"


#: Table name → policy. Unknown tables are refused. Other areas add their tables here
#: (region setup: SETUP; an audit anchor: SETUP or a policy of its own).
TABLE_POLICIES: dict[str, TablePolicy] = {
    "household": TablePolicy.DOSSIER,
    "person": TablePolicy.DOSSIER,
    "plan": TablePolicy.DOSSIER,
    "plan_version": TablePolicy.DOSSIER,
    "indication": TablePolicy.DOSSIER,
    "indication_evaluation": TablePolicy.DOSSIER,
    "provider_request": TablePolicy.DOSSIER,
    "decision": TablePolicy.DOSSIER,
    "decision_indication": TablePolicy.DOSSIER,
    "final_letter": TablePolicy.DOSSIER,
    "review_step": TablePolicy.REVIEW,
    "app_user": TablePolicy.ACCOUNTS,
    "sync_workstation": TablePolicy.SETUP,
    "provider": TablePolicy.CATALOGUE,
    "contract": TablePolicy.CATALOGUE,
    "free_access_provision": TablePolicy.CATALOGUE,
    "aanvraag": TablePolicy.DOSSIER,
    "region_setup": TablePolicy.SETUP,
    # iJw messages in and out, requests and start/stop of care: dossier data
    "ijw_message": TablePolicy.DOSSIER,
    "ijw_request": TablePolicy.DOSSIER,
    "ijw_care_event": TablePolicy.DOSSIER,
}

_NEEDS: dict[TablePolicy, tuple[Permission, ...]] = {
    # a team lead's approval also touches the dossier's record (status, approved_by)
    TablePolicy.DOSSIER: (Permission.DOSSIER_EDIT, Permission.APPROVE),
    TablePolicy.REVIEW: (Permission.PLAN_SUBMIT, Permission.APPROVE),
    TablePolicy.ACCOUNTS: (Permission.USERS_MANAGE,),
    TablePolicy.SETUP: (Permission.USERS_MANAGE,),
    TablePolicy.CATALOGUE: (Permission.CATALOGUE_MANAGE,),
}

#: Fields a user may change on the own account (a new password) without being beheerder.
OWN_ACCOUNT_FIELDS = frozenset({"password_hash", "must_change_password"})
#: Bookkeeping columns that never count as a change of content.
META_FIELDS = frozenset({"id", "version", "created_at", "created_by", "updated_at", "updated_by"})
#: Record states that are an approval by a team lead.
APPROVED_STATUSES = frozenset({"goedgekeurd", "vastgesteld"})
REVIEW_DECISIONS = frozenset({"goedgekeurd", "teruggestuurd"})
#: Who-and-when columns of a team lead's decision on a dossier record.
APPROVER_FIELDS = (("approved_by", "approved_at"), ("decided_by", "decided_at"))
#: What a team lead's review (approve or return) changes, per table: the only columns a
#: change by someone who may approve but not edit dossiers (a team lead, or any author on
#: a workstation enrolled for the teamleider role only) may change, and the statuses it
#: may set. Everything else from such an author is refused.
REVIEW_FIELDS: dict[str, frozenset[str]] = {
    "plan": frozenset(
        {
            "status",
            "decided_by",
            "decided_at",
            "approved_version_no",
            "decision_comment",
            "return_comment",
        }
    ),
    "plan_version": frozenset({"status"}),
    "indication": frozenset({"status", "approved_by", "approved_at", "review_comment"}),
    "decision": frozenset(
        {
            "status",
            "decision_date",
            "approved_by",
            "approved_at",
            "approver_name",
            "approver_function",
            "review_comment",
            "submitted_by",
            "submitted_at",
        }
    ),
}
REVIEW_STATUSES: dict[str, frozenset[str]] = {
    "plan": frozenset({"vastgesteld", "teruggestuurd"}),
    "plan_version": frozenset({"vastgesteld", "teruggestuurd"}),
    "indication": frozenset({"goedgekeurd", "concept"}),
    "decision": frozenset({"goedgekeurd", "concept"}),
}
#: Columns a review may only clear (a returned decision is no longer submitted).
REVIEW_CLEARS = frozenset({"submitted_by", "submitted_at"})
#: The review step a team lead's workstation records for a submission it had not seen
#: as a step yet (``services.review``), in the submitter's name.
SUBMITTED_STEP = "ingediend"


@lru_cache(maxsize=4096)
def _actor_of(username: str, roles: frozenset[Role], team: str | None) -> Actor:
    """The actor an account stands for (one object per account: checked per change)."""
    return Actor(username, username, roles, team=team)


@dataclass(frozen=True)
class Account:
    """What the receiver knows of an account when it checks a change made by it."""

    username: str
    roles: frozenset[Role]
    active: bool
    team: str | None = None
    created_at: datetime | None = None
    #: when it was last changed (an inactive account was valid before this moment)
    updated_at: datetime | None = None

    def actor(self) -> Actor:
        return _actor_of(self.username, self.roles, self.team)

    def valid_at(self, moment: datetime | None) -> bool:
        """Whether the account existed and was active at ``moment`` (as far as known)."""
        if moment is not None and self.created_at is not None and moment < self.created_at:
            return False
        if self.active:
            return True
        return moment is not None and self.updated_at is not None and moment < self.updated_at


@dataclass(frozen=True)
class ChangeFacts:
    """One incoming change as the rules see it."""

    table: str
    author: str
    at: datetime
    old: Mapping[str, Any] | None  # the receiver's current state (None: new here)
    new: Mapping[str, Any] | None  # the incoming state (None: a deletion)
    #: the teams of the dossier the record belongs to, before and after the change (a
    #: record moved to another team must be in the author's scope on both sides)
    teams: tuple[str | None, ...] = ()


Accounts = Callable[[str], Account | None]
#: returns the submitter of a reviewed object (plan, indication, decision), if known
Submitter = Callable[[str], str | None]


def changed_fields(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> set[str]:
    if old is None or new is None:
        return set((old or new or {}).keys()) - META_FIELDS
    names = set(new)  # columns kept only locally (lock-out counters) do not travel
    return {n for n in names - META_FIELDS if old.get(n) != new.get(n)}


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def refusal_reason(
    facts: ChangeFacts,
    accounts: Accounts,
    submitter: Submitter,
    *,
    authority_author_ok: bool = False,
) -> str | None:
    """Why this change may not be accepted (Dutch), or None when it is authorised.

    ``authority_author_ok``: the bundle comes from the office (the authority for
    accounts); an author without an account there is one of its own processes (demo,
    catalogue import) and counts as the system, and approvals were checked there.
    """
    policy = TABLE_POLICIES.get(facts.table)
    if policy is None:
        return f"gegevens van '{facts.table}' mogen niet via synchronisatie worden gewijzigd"
    account = accounts(facts.author)
    if account is None:
        if not authority_author_ok:
            return f"'{facts.author}' heeft geen account in deze database"
        actor = Actor(facts.author, facts.author, frozenset({Role.SYSTEEM}))
    elif not account.valid_at(facts.at):
        return f"het account '{facts.author}' was niet geldig op het moment van de wijziging"
    else:
        actor = account.actor()
    reason = _role_reason(policy, facts, actor)
    if reason is None and policy in (TablePolicy.DOSSIER, TablePolicy.REVIEW):
        reason = _team_reason(facts, actor)
    if authority_author_ok:
        # the office checked every approval when it was made there or imported there
        return reason
    if reason is None and policy in (TablePolicy.DOSSIER, TablePolicy.REVIEW):
        reason = _review_only_reason(policy, facts, actor, submitter)
    if reason is None and policy in (TablePolicy.DOSSIER, TablePolicy.REVIEW):
        reason = _approval_reason(policy, facts, actor, accounts, submitter)
    return reason


def _review_only_reason(
    policy: TablePolicy, facts: ChangeFacts, actor: Actor, submitter: Submitter
) -> str | None:
    """An author who may approve but not edit dossiers (a team lead, or anyone on a
    workstation enrolled for the teamleider role only) brings reviews and nothing else:
    the review fields of an existing plan, indication or decision (:data:`REVIEW_FIELDS`)
    and new review steps of the own decisions."""
    if can(actor, Permission.DOSSIER_EDIT) or not can(actor, Permission.APPROVE):
        return None
    where = (
        f"'{actor.username}' werkt op een werkplek voor teamleiders, die alleen "
        "goedkeuringen en terugsturingen mag meebrengen"
    )
    old, new = facts.old, facts.new
    if policy is TablePolicy.REVIEW:
        if old is not None or new is None:
            return f"{where}; een beoordelingsstap wordt alleen toegevoegd"
        action = new.get("action")
        made_by = str(new.get("created_by") or "").casefold()
        if action in REVIEW_DECISIONS and made_by == actor.username.casefold():
            return None
        known = submitter(str(new.get("object_id")))
        if action == SUBMITTED_STEP and known and made_by == str(known).casefold():
            return None
        return f"{where}; deze beoordelingsstap ('{action}' door '{made_by}') hoort daar niet bij"
    allowed = REVIEW_FIELDS.get(facts.table)
    changed = changed_fields(old, new)
    if allowed is None:
        fields = ", ".join(f"'{name}'" for name in sorted(changed)[:3])
        return f"{where}, geen wijzigingen van '{facts.table}' ({fields})"
    if old is None or new is None:
        return f"{where}, geen nieuwe of verwijderde gegevens ('{facts.table}')"
    extra = sorted(changed - allowed)
    if extra:
        return f"{where}; '{extra[0]}' van '{facts.table}' mag zo niet veranderen"
    for name in sorted(changed & REVIEW_CLEARS):
        if new.get(name) is not None:
            return f"{where}; '{name}' van '{facts.table}' mag zo niet veranderen"
    status = new.get("status")
    if "status" in changed and status not in REVIEW_STATUSES.get(facts.table, frozenset()):
        return f"{where}; de status '{status}' van '{facts.table}' is geen beoordeling"
    return None


def _team_reason(facts: ChangeFacts, actor: Actor) -> str | None:
    """Need-to-know holds for bundles too: a dossier of another team is refused, as it is
    when the author works locally (a doorbraak only opens reading, never writing)."""
    for team in facts.teams:
        if not (
            in_scope(actor, Permission.DOSSIER_EDIT, team)
            or in_scope(actor, Permission.APPROVE, team)
        ):
            return (
                f"'{actor.username}' (team: {actor.team or 'geen'}) mag geen dossiers van "
                f"{team} wijzigen"
            )
    return None


def _roles_text(actor: Actor) -> str:
    return ", ".join(sorted(r.value for r in actor.roles)) or "geen rol"


def _role_reason(policy: TablePolicy, facts: ChangeFacts, actor: Actor) -> str | None:
    needs = _NEEDS[policy]
    if any(can(actor, permission) for permission in needs):
        return None
    if (
        policy is TablePolicy.ACCOUNTS
        and facts.old is not None
        and facts.new is not None
        and str(facts.old.get("username", "")).casefold() == actor.username.casefold()
        and changed_fields(facts.old, facts.new) <= OWN_ACCOUNT_FIELDS
    ):
        return None  # a new password for the own account
    what = {
        TablePolicy.DOSSIER: "dossiers wijzigen",
        TablePolicy.REVIEW: "indienen of beoordelen",
        TablePolicy.ACCOUNTS: "accounts en rollen beheren (alleen de beheerder)",
        TablePolicy.SETUP: "de inrichting en werkplekken beheren (alleen de beheerder)",
        TablePolicy.CATALOGUE: "de catalogus beheren",
    }[policy]
    return f"'{actor.username}' (rol: {_roles_text(actor)}) mag geen {what}"


def _approval_reason(
    policy: TablePolicy,
    facts: ChangeFacts,
    actor: Actor,
    accounts: Accounts,
    submitter: Submitter,
) -> str | None:
    new = facts.new
    if new is None:
        return None
    old = facts.old or {}
    if policy is TablePolicy.REVIEW:
        if new.get("action") not in REVIEW_DECISIONS or old.get("action") == new.get("action"):
            return None
        approver = str(new.get("created_by") or facts.author)
        when = _parse_time(new.get("created_at")) or facts.at
        return _approver_reason(
            approver, when, submitter(str(new.get("object_id"))), accounts, actor
        )
    approver = None
    for by, at in APPROVER_FIELDS:
        approver = approver or new.get(by)
        if new.get(by) and (new.get(by), new.get(at)) != (old.get(by), old.get(at)):
            when = _parse_time(new.get(at)) or facts.at
            reason = _approver_reason(
                str(new.get(by)), when, new.get("submitted_by"), accounts, actor
            )
            if reason is not None:
                return reason
    status_now = new.get("status") in APPROVED_STATUSES and old.get("status") != new.get("status")
    version_now = new.get("approved_version_no") not in (None, old.get("approved_version_no"))
    if (status_now or version_now) and not approver:
        # a plan (or version) is approved without an approved_by: the author approved it
        return _approver_reason(facts.author, facts.at, new.get("submitted_by"), accounts, actor)
    return None


def _approver_reason(
    approver: str,
    when: datetime,
    submitted_by: Any,
    accounts: Accounts,
    actor: Actor,
) -> str | None:
    if Role.SYSTEEM in actor.roles and accounts(approver) is None:
        return None  # the office's own processes (demo) record approvals by name
    account = accounts(approver)
    if account is None:
        return f"de goedkeuring door '{approver}' hoort niet bij een account in deze database"
    if Role.TEAMLEIDER not in account.roles and Role.SYSTEEM not in account.roles:
        return f"de goedkeuring door '{approver}' is ongeldig: die is geen teamleider"
    if not account.valid_at(when):
        return f"de goedkeuring door '{approver}' is ongeldig: dat account was toen niet geldig"
    if submitted_by and str(submitted_by).casefold() == approver.casefold():
        return f"'{approver}' keurde de eigen indiening goed; dat mag niet (vier-ogenprincipe)"
    return None
