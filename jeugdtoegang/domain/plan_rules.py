"""Rules a perspectiefplan must meet before it goes to the team lead.

Errors block submission; warnings are shown but never block. Codes are stable (tests,
exports and the review screen use them); messages are Dutch and name the goal or person.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.findings import Finding, Severity
from jeugdtoegang.domain.plans import Goal, GoalStatus, PlanDocument
from jeugdtoegang.domain.terms import age_on, turns_18_within

PLAN_NO_GOALS = "PLAN_NO_GOALS"
PLAN_NO_START_DATE = "PLAN_NO_START_DATE"
GOAL_NO_DESCRIPTION = "GOAL_NO_DESCRIPTION"
GOAL_NO_OWNER = "GOAL_NO_OWNER"
NETWORK_MISSING = "NETWORK_MISSING"
PERSPECTIVE_18_MISSING = "PERSPECTIVE_18_MISSING"
PERSPECTIVE_18_INCOMPLETE = "PERSPECTIVE_18_INCOMPLETE"
EVALUATION_BEFORE_START = "EVALUATION_BEFORE_START"
FAMILIEGROEPSPLAN_MISSING = "FAMILIEGROEPSPLAN_MISSING"
AGREEMENT_MISSING = "AGREEMENT_MISSING"
GOAL_NO_TARGET_DATE = "GOAL_NO_TARGET_DATE"
EVALUATION_OVERDUE = "EVALUATION_OVERDUE"

#: From this age the jeugdige's own agreement (or view) is asked for.
YOUTH_AGREEMENT_AGE = 12
#: From this age the 18+ section is shown in the editor, even beyond the horizon.
PERSPECTIVE_18_SHOW_AGE = 16


class PlanMember(Protocol):
    """What the rules need of a household member (PersonView satisfies it)."""

    @property
    def id(self) -> object: ...
    @property
    def role(self) -> str: ...
    @property
    def birth_date(self) -> date | None: ...
    @property
    def name(self) -> str: ...


class _Settings(Protocol):
    @property
    def turns_18_horizon_months(self) -> int: ...


class _Policies(Protocol):
    @property
    def familiegroepsplan_required(self) -> bool: ...


class PlanProfile(Protocol):
    """The part of a RegionProfile the rules read."""

    @property
    def settings(self) -> _Settings: ...
    @property
    def policies(self) -> _Policies: ...


def _goal_label(index: int, goal: Goal) -> str:
    text = goal.description.strip()
    if len(text) > 50:
        text = text[:47].rstrip() + "..."
    return f"doel {index + 1}" + (f" ('{text}')" if text else "")


def needs_perspective_18(member: PlanMember, today: date, horizon_months: int) -> bool:
    """A jeugdige whose 18th birthday falls within the horizon needs an 18+ perspective."""
    return (
        member.role == "jeugdige"
        and member.birth_date is not None
        and turns_18_within(member.birth_date, today, horizon_months)
    )


def shows_perspective_18(member: PlanMember, today: date, horizon_months: int) -> bool:
    """Whether the editor shows the 18+ section for this member (16+ or turning 18 soon)."""
    if member.role != "jeugdige" or member.birth_date is None:
        return False
    return age_on(member.birth_date, today) >= PERSPECTIVE_18_SHOW_AGE or needs_perspective_18(
        member, today, horizon_months
    )


def _goal_findings(plan: PlanDocument, today: date) -> list[Finding]:
    findings: list[Finding] = []
    for index, goal in enumerate(plan.goals):
        label = _goal_label(index, goal)
        field = f"goals[{index}]"
        if not goal.description.strip():
            findings.append(
                Finding(
                    GOAL_NO_DESCRIPTION,
                    Severity.ERROR,
                    f"Beschrijf bij doel {index + 1} wat het gezin wil bereiken.",
                    f"{field}.description",
                )
            )
        if not any(action.has_owner for action in goal.actions):
            findings.append(
                Finding(
                    GOAL_NO_OWNER,
                    Severity.ERROR,
                    f"Bij {label} staat nog niet wie wat doet. Voeg een afspraak toe met "
                    "ouders, jeugdige, netwerk (met naam), school, voorliggend veld of jeugdhulp.",
                    f"{field}.actions",
                )
            )
        if plan.start_date and goal.evaluation_date and goal.evaluation_date < plan.start_date:
            findings.append(
                Finding(
                    EVALUATION_BEFORE_START,
                    Severity.ERROR,
                    f"De evaluatiedatum van {label} ({short_date(goal.evaluation_date)}) ligt "
                    f"vóór de start van het plan ({short_date(plan.start_date)}).",
                    f"{field}.evaluation_date",
                )
            )
        if goal.target_date is None:
            findings.append(
                Finding(
                    GOAL_NO_TARGET_DATE,
                    Severity.WARNING,
                    f"Bij {label} staat geen streefdatum: wanneer wil het gezin dit bereikt hebben?",
                    f"{field}.target_date",
                )
            )
        if (
            goal.status is GoalStatus.OPEN
            and goal.evaluation_date is not None
            and goal.evaluation_date < today
        ):
            findings.append(
                Finding(
                    EVALUATION_OVERDUE,
                    Severity.WARNING,
                    f"De evaluatie van {label} stond gepland op "
                    f"{short_date(goal.evaluation_date)} en is nog niet gedaan.",
                    f"{field}.evaluation_date",
                )
            )
    return findings


def _network_findings(plan: PlanDocument) -> list[Finding]:
    network = plan.network
    if network.named_members:
        return []
    if network.no_network_reason.strip() and network.strengthening is not None:
        return []
    if network.no_network_reason.strip():
        detail = "Kies ook een actie voor netwerkversterking (maatje, JIM-mentor of eigen kracht conferentie)."
    else:
        detail = (
            "Noem wie uit het netwerk meedoet, of schrijf op waarom er geen netwerk is en "
            "kies een actie voor netwerkversterking (maatje, JIM-mentor of eigen kracht "
            "conferentie)."
        )
    return [
        Finding(
            NETWORK_MISSING,
            Severity.ERROR,
            "Het netwerk van het gezin ontbreekt in het plan. " + detail,
            "network",
        )
    ]


def _perspective_findings(
    plan: PlanDocument, members: Iterable[PlanMember], horizon: int, today: date
) -> list[Finding]:
    findings: list[Finding] = []
    for member in members:
        if not needs_perspective_18(member, today, horizon):
            continue
        perspective = plan.perspective_for(str(member.id))
        field = f"perspectives_18[{member.id}]"
        if perspective is None or perspective.is_empty:
            findings.append(
                Finding(
                    PERSPECTIVE_18_MISSING,
                    Severity.ERROR,
                    f"{member.name} wordt binnen {horizon} maanden 18. Beschrijf het perspectief "
                    "na 18: wonen, school of werk, inkomen, zorg en ondersteuning na 18 en wie "
                    "dat regelt.",
                    field,
                )
            )
        elif not perspective.is_complete:
            findings.append(
                Finding(
                    PERSPECTIVE_18_INCOMPLETE,
                    Severity.WARNING,
                    f"Het perspectief na 18 van {member.name} is nog niet helemaal ingevuld.",
                    field,
                )
            )
    return findings


def _agreement_findings(
    plan: PlanDocument, members: Iterable[PlanMember], today: date
) -> list[Finding]:
    missing: list[str] = []
    agreement = plan.agreement
    if agreement.parents_agreed_on is None and not agreement.parents_view.strip():
        missing.append("de ouders")
    for member in members:
        if member.role != "jeugdige" or member.birth_date is None:
            continue
        if age_on(member.birth_date, today) < YOUTH_AGREEMENT_AGE:
            continue
        youth = agreement.for_person(str(member.id))
        if youth is None or (youth.agreed_on is None and not youth.view.strip()):
            missing.append(member.name)
    if not missing:
        return []
    who = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " en " + missing[-1]
    return [
        Finding(
            AGREEMENT_MISSING,
            Severity.WARNING,
            f"Nog niet vastgelegd of {who} akkoord {'is' if len(missing) == 1 else 'zijn'} "
            "met het plan (of wat hun mening is).",
            "agreement",
        )
    ]


def check_plan(
    plan: PlanDocument, members: Iterable[PlanMember], profile: PlanProfile, today: date
) -> list[Finding]:
    """All findings for ``plan``: errors first (they block submission), then warnings."""
    people = list(members)
    findings: list[Finding] = []
    if not plan.goals:
        findings.append(
            Finding(
                PLAN_NO_GOALS,
                Severity.ERROR,
                "Het plan heeft nog geen doelen. Schrijf samen met het gezin minstens één doel op.",
                "goals",
            )
        )
    if plan.start_date is None:
        findings.append(
            Finding(
                PLAN_NO_START_DATE,
                Severity.ERROR,
                "Vul de startdatum van het plan in.",
                "start_date",
            )
        )
    findings += _goal_findings(plan, today)
    findings += _network_findings(plan)
    findings += _perspective_findings(plan, people, profile.settings.turns_18_horizon_months, today)
    if profile.policies.familiegroepsplan_required and not plan.familiegroepsplan.present:
        findings.append(
            Finding(
                FAMILIEGROEPSPLAN_MISSING,
                Severity.WARNING,
                "In deze regio maakt het gezin eerst een familiegroepsplan voordat niet vrij "
                "toegankelijke hulp start (000 §3b). Dat wordt bij de indicatie gevraagd; "
                "maatwerk blijft altijd mogelijk.",
                "familiegroepsplan",
            )
        )
    findings += _agreement_findings(plan, people, today)
    order = {Severity.ERROR: 0, Severity.APPROVAL: 1, Severity.WARNING: 2}
    return sorted(findings, key=lambda f: order[f.severity])
