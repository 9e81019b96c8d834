"""Each rule of the perspectiefplan, with its stable code and a Dutch message."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from jeugdtoegang.domain.findings import Severity
from jeugdtoegang.domain.plan_diff import ChangeKind, diff_documents
from jeugdtoegang.domain.plan_rules import check_plan
from jeugdtoegang.domain.plans import (
    Action,
    Agreement,
    Familiegroepsplan,
    Goal,
    GoalStatus,
    Network,
    NetworkMember,
    OwnerKind,
    Perspective18,
    PlanDocument,
    StrengtheningAction,
    StrengtheningKind,
    YouthAgreement,
)

TODAY = date(2026, 11, 23)


@dataclass(frozen=True)
class Member:
    id: uuid.UUID
    role: str
    birth_date: date | None
    name: str


@dataclass(frozen=True)
class Settings:
    turns_18_horizon_months: int = 12


@dataclass(frozen=True)
class Policies:
    familiegroepsplan_required: bool = False


@dataclass(frozen=True)
class Profile:
    settings: Settings = field(default_factory=Settings)
    policies: Policies = field(default_factory=Policies)


PARENT = Member(uuid.uuid4(), "ouder", date(1985, 3, 1), "Anna de Vries")
CHILD = Member(uuid.uuid4(), "jeugdige", date(2016, 5, 5), "Sem de Vries")
TEEN = Member(uuid.uuid4(), "jeugdige", date(2009, 6, 1), "Noor de Vries")  # 18 on 2027-06-01


def good_goal(**changes: object) -> Goal:
    goal = Goal(
        description="Sem gaat weer elke dag naar school.",
        domain="Onderwijs en dagbesteding",
        target_date=date(2027, 6, 1),
        evaluation_date=date(2027, 2, 1),
        actions=(Action(owner_kind=OwnerKind.SCHOOL, description="Mentor belt wekelijks."),),
    )
    return goal.model_copy(update=changes)


def good_plan(**changes: object) -> PlanDocument:
    plan = PlanDocument(
        start_date=date(2026, 11, 1),
        consultant="Carla Jansen",
        goals=(good_goal(),),
        network=Network(members=(NetworkMember(name="Oma Ria", role="past op"),)),
        agreement=Agreement(parents_agreed_on=date(2026, 11, 10)),
    )
    return plan.model_copy(update=changes)


def codes(plan: PlanDocument, members=(PARENT, CHILD), profile=Profile()) -> list[str]:
    return [f.code for f in check_plan(plan, members, profile, TODAY)]


def test_a_complete_plan_has_no_findings() -> None:
    assert check_plan(good_plan(), (PARENT, CHILD), Profile(), TODAY) == []


def test_plan_without_goals_is_an_error_in_dutch() -> None:
    findings = check_plan(good_plan(goals=()), (PARENT, CHILD), Profile(), TODAY)
    assert findings[0].code == "PLAN_NO_GOALS"
    assert findings[0].severity is Severity.ERROR
    assert "nog geen doelen" in findings[0].message


def test_goal_without_an_owner_is_an_error() -> None:
    assert "GOAL_NO_OWNER" in codes(good_plan(goals=(good_goal(actions=()),)))
    unnamed_network = Action(owner_kind=OwnerKind.NETWERK, description="Brengt naar school")
    assert "GOAL_NO_OWNER" in codes(good_plan(goals=(good_goal(actions=(unnamed_network,)),)))
    named = unnamed_network.model_copy(update={"owner_name": "Oma Ria"})
    assert "GOAL_NO_OWNER" not in codes(good_plan(goals=(good_goal(actions=(named,)),)))


def test_missing_network_needs_a_reason_and_a_strengthening_action() -> None:
    assert "NETWORK_MISSING" in codes(good_plan(network=Network()))
    reason_only = Network(no_network_reason="Net verhuisd, familie woont in Turkije.")
    assert "NETWORK_MISSING" in codes(good_plan(network=reason_only))
    motivated = reason_only.model_copy(
        update={"strengthening": StrengtheningAction(kind=StrengtheningKind.MAATJE)}
    )
    assert "NETWORK_MISSING" not in codes(good_plan(network=motivated))


def test_jeugdige_turning_18_within_the_horizon_needs_an_18_plus_perspective() -> None:
    members = (PARENT, TEEN)
    youth_ok = Agreement(
        parents_agreed_on=date(2026, 11, 10),
        youth=(YouthAgreement(person_id=str(TEEN.id), agreed_on=date(2026, 11, 10)),),
    )
    plan = good_plan(agreement=youth_ok)
    findings = check_plan(plan, members, Profile(), TODAY)
    assert [f.code for f in findings] == ["PERSPECTIVE_18_MISSING"]
    assert "Noor de Vries wordt binnen 12 maanden 18" in findings[0].message
    short_horizon = Profile(settings=Settings(turns_18_horizon_months=3))
    assert codes(plan, members, short_horizon) == []
    filled = Perspective18(
        person_id=str(TEEN.id),
        wonen="thuis",
        onderwijs_werk="mbo",
        inkomen="studiefinanciering",
        zorg_na_18="Wmo-begeleiding",
        arranged_by="Noor met moeder",
    )
    assert codes(plan.model_copy(update={"perspectives_18": (filled,)}), members) == []
    partial = filled.model_copy(update={"inkomen": ""})
    assert codes(plan.model_copy(update={"perspectives_18": (partial,)}), members) == [
        "PERSPECTIVE_18_INCOMPLETE"
    ]


def test_evaluation_before_the_start_of_the_plan_is_an_error() -> None:
    goal = good_goal(evaluation_date=date(2026, 10, 1))
    findings = check_plan(good_plan(goals=(goal,)), (PARENT, CHILD), Profile(), TODAY)
    before = [f for f in findings if f.code == "EVALUATION_BEFORE_START"]
    assert before and before[0].severity is Severity.ERROR
    assert "01-10-2026" in before[0].message and "01-11-2026" in before[0].message


def test_familiegroepsplan_is_required_only_where_the_region_asks_for_it() -> None:
    required = Profile(policies=Policies(familiegroepsplan_required=True))
    assert "FAMILIEGROEPSPLAN_MISSING" not in codes(good_plan())
    assert "FAMILIEGROEPSPLAN_MISSING" in codes(good_plan(), profile=required)
    present = good_plan(familiegroepsplan=Familiegroepsplan(present=True))
    assert "FAMILIEGROEPSPLAN_MISSING" not in codes(present, profile=required)


def test_missing_agreement_is_a_warning_naming_who() -> None:
    findings = check_plan(good_plan(agreement=Agreement()), (PARENT, CHILD, TEEN), Profile(), TODAY)
    agreement = next(f for f in findings if f.code == "AGREEMENT_MISSING")
    assert agreement.severity is Severity.WARNING
    assert "de ouders en Noor de Vries" in agreement.message
    # a view instead of a date counts: they said what they think
    view = Agreement(parents_view="Vader wil er nog een nacht over slapen.")
    assert "AGREEMENT_MISSING" not in codes(good_plan(agreement=view))


def test_goal_without_target_date_is_a_warning() -> None:
    findings = check_plan(
        good_plan(goals=(good_goal(target_date=None),)), (PARENT, CHILD), Profile(), TODAY
    )
    assert [(f.code, f.severity) for f in findings] == [("GOAL_NO_TARGET_DATE", Severity.WARNING)]


def test_open_goal_past_its_evaluation_date_is_overdue() -> None:
    overdue = good_goal(evaluation_date=date(2026, 11, 20))
    assert codes(good_plan(goals=(overdue,))) == ["EVALUATION_OVERDUE"]
    evaluated = overdue.model_copy(update={"status": GoalStatus.BEHAALD})
    assert codes(good_plan(goals=(evaluated,))) == []


def test_plan_without_start_date_and_goal_without_text_are_errors() -> None:
    found = codes(good_plan(start_date=None, goals=(good_goal(description=" "),)))
    assert "PLAN_NO_START_DATE" in found and "GOAL_NO_DESCRIPTION" in found


def test_errors_come_before_warnings() -> None:
    plan = good_plan(goals=(good_goal(target_date=None, actions=()),), agreement=Agreement())
    severities = [f.severity for f in check_plan(plan, (PARENT,), Profile(), TODAY)]
    assert severities == sorted(severities, key=lambda s: s is not Severity.ERROR)


def test_document_round_trips_through_json_with_a_schema_number() -> None:
    plan = good_plan()
    data = plan.to_json()
    assert data["schema"] == 1
    assert PlanDocument.from_json(data) == plan


def test_diff_names_added_removed_and_changed_goals_and_actions() -> None:
    old = good_plan()
    goal = old.goals[0]
    changed = goal.model_copy(
        update={
            "description": "Sem gaat 4 dagen per week naar school.",
            "actions": (*goal.actions, Action(owner_kind=OwnerKind.OUDERS, description="Wekker")),
        }
    )
    new = old.model_copy(update={"goals": (changed, good_goal(id="g2", description="Slapen"))})
    changes = diff_documents(old, new)
    kinds = {(c.kind, c.area) for c in changes}
    assert (ChangeKind.CHANGED, "Doelen") in kinds
    assert (ChangeKind.ADDED, "Doelen") in kinds
    assert (ChangeKind.ADDED, "Afspraken") in kinds
    removed = diff_documents(new, old)
    assert any(c.kind is ChangeKind.REMOVED and c.before == "Slapen" for c in removed)


def test_a_missing_familiegroepsplan_never_blocks_the_plan_itself() -> None:
    """Issue 11: seed 000 §3b makes it a condition for non-free help, checked on the
    indication with a maatwerk route; a plan without jeugdhulp must still be submittable."""
    required = Profile(policies=Policies(familiegroepsplan_required=True))
    found = [
        f
        for f in check_plan(good_plan(), (PARENT, CHILD, TEEN), required, TODAY)
        if f.code == "FAMILIEGROEPSPLAN_MISSING"
    ]
    assert found and found[0].severity is Severity.WARNING
