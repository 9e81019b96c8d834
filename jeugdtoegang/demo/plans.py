"""Demo plans in every state, with version history, for about two thirds of the households.

Concept, ingediend, vastgesteld (several versions: a first concept, the approved plan,
an evaluated and re-approved version) and teruggestuurd (with the team lead's comment).
Goal ids go to ``state["plans"]`` so the indications step can link help to goals.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, cached_property
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from jeugdtoegang.demo import plan_texts as texts
from jeugdtoegang.demo.ages import text_fits_ages
from jeugdtoegang.demo.names import is_female
from jeugdtoegang.demo.users import LEAD, NAMED_CONSULTANTS
from jeugdtoegang.domain.plans import (
    Action,
    Agreement,
    DomainSituation,
    Familiegroepsplan,
    Goal,
    GoalPerspective,
    GoalStatus,
    Network,
    NetworkMember,
    OwnerKind,
    Perspective18,
    PlanDocument,
    Regiehouder,
    RegiehouderKind,
    StrengtheningAction,
    StrengtheningKind,
    YouthAgreement,
)
from jeugdtoegang.domain.terms import age_on, turns_18_within
from jeugdtoegang.domain.text import fold
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.bulk import bulk_insert
from jeugdtoegang.storage.models.households import Person
from jeugdtoegang.storage.models.plans import Plan, PlanVersion

#: the consultants of the demo accounts, so the team lead can review the submitted plans
#: (never their own: four-eyes rule)
CONSULTANTS = NAMED_CONSULTANTS
PLAN_SHARE = 0.65
#: households whose plan carries the indication stories (demo.indications.STORIES)
STORY_HOUSEHOLDS = 8


def _rid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _stamp(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=UTC)


class _Family:
    def __init__(self, people: list[Any], child: Any | None = None) -> None:
        self.parents = [p for p in people if p.role == "ouder"]
        self.children = [p for p in people if p.role == "jeugdige"]
        self.network = [p for p in people if p.role == "netwerk"]
        #: the jeugdige the plan's goals are about (texts are picked to fit their age)
        self.child = child if child is not None else self.eldest
        #: the jeugdige's age per day: every text of the plan is fitted against the same
        #: two days (the plan's start and today), so each age is worked out once
        self._ages: dict[date, int] = {}

    @property
    def eldest(self) -> Any | None:
        dated = [c for c in self.children if c.birth_date]
        return min(dated, key=lambda c: c.birth_date, default=None)

    @cached_property
    def parent_word(self) -> str:
        """ "moeder" when the family has a mother, else "vader"."""
        if not self.parents or any(is_female(p.first_name) for p in self.parents):
            return "moeder"
        return "vader"

    def age(self, day: date) -> int:
        age = self._ages.get(day)
        if age is None:
            child = self.child
            age = age_on(child.birth_date, day) if child is not None and child.birth_date else 10
            self._ages[day] = age
        return age

    def fits(self, text: str, start: date, today: date) -> bool:
        """The text fits the jeugdige both when the plan starts and today."""
        return text_fits_ages(text, (self.age(start), self.age(today)))


def _name(person: Any | None) -> str:
    return person.first_name if person is not None else "ons kind"


@cache
def _folded(text: str) -> str:
    """fold() of the profile's life-domain names (a handful, asked for every plan)."""
    return fold(text)


def _domain_for(key: str, domains: tuple[str, ...]) -> str:
    return next((d for d in domains if key in _folded(d)), domains[0])


def _fill(template: str, family: _Family) -> str:
    network = family.network[0] if family.network else None
    helper = f"{network.relation} {network.first_name}".strip() if network else "de buurvrouw"
    word = family.parent_word
    return (
        template.replace("{kind}", _name(family.child))
        .replace("{netwerk}", helper)
        .replace("{ouder}", word)
        .replace("{Ouder}", word.capitalize())
    )


def _situations(
    rng: random.Random, domains: tuple[str, ...], family: _Family, start: date, today: date
) -> tuple[DomainSituation, ...]:
    result = []
    for domain in domains:
        options = next((v for k, v in texts.SITUATIONS.items() if k in _folded(domain)), None)
        fitting = [
            (_fill(k, family), _fill(z, family))
            for k, z in options or []
            if family.fits(_fill(f"{k} {z}", family), start, today)
        ]
        if fitting and rng.random() < 0.75:
            krachten, zorgen = rng.choice(fitting)
            result.append(DomainSituation(domain=domain, krachten=krachten, zorgen=zorgen))
        else:
            result.append(DomainSituation(domain=domain))
    return tuple(result)


def goal_fits(goal: texts.GoalText, family: _Family, start: date, today: date) -> bool:
    """True when a goal template (text and actions) fits the age of the plan's jeugdige."""
    whole = " ".join((goal.text, *(what for _k, _o, what in goal.actions)))
    return family.fits(_fill(whole, family), start, today)


def _goals(
    rng: random.Random,
    domains: tuple[str, ...],
    family: _Family,
    start: date,
    today: date,
    count: int,
) -> list[tuple[Goal, tuple[str, ...]]]:
    """Goals that fit the jeugdige's age, each with the kinds of help it may need."""
    fitting = [g for g in texts.GOALS if goal_fits(g, family, start, today)]
    goals = []
    for template in rng.sample(fitting, min(count, len(fitting))):
        if template.about == "ouder" and family.parents:
            members: tuple[str, ...] = (str(family.parents[-1].id),)
        else:
            members = (str(family.child.id),) if family.child is not None else ()
        months = 9 if template.perspective == "ontwikkeling" else 12
        goal_actions = tuple(
            Action(
                id=_rid(rng),
                owner_kind=OwnerKind(kind),
                owner_name=_fill(owner, family),
                description=_fill(what, family),
            )
            for kind, owner, what in template.actions
            if kind != "netwerk" or family.network
        )
        goal = Goal(
            id=_rid(rng),
            domain=_domain_for(template.domain, domains),
            description=_fill(template.text, family),
            member_ids=members,
            perspective=GoalPerspective(template.perspective),
            target_date=start + relativedelta(months=months),
            evaluation_date=start + relativedelta(months=rng.choice((3, 4, 6))),
            actions=goal_actions,
        )
        goals.append((goal, template.help))
    return goals


def _network(rng: random.Random, family: _Family) -> Network:
    if family.network:
        return Network(
            members=tuple(
                NetworkMember(
                    id=_rid(rng),
                    name=f"{p.first_name} {p.surname}".strip(),
                    role=f"{p.relation}, {_fill(rng.choice(texts.NETWORK_ROLES), family)}".strip(
                        ", "
                    ),
                    person_id=str(p.id),
                )
                for p in family.network
            )
        )
    return Network(
        no_network_reason=_fill(rng.choice(texts.NO_NETWORK_REASONS), family),
        strengthening=StrengtheningAction(
            kind=rng.choice(list(StrengtheningKind)),
            description="Aanmelding loopt via het lokale team; eerste kennismaking binnen een maand.",
        ),
    )


def _perspectives(family: _Family, today: date, horizon: int) -> tuple[Perspective18, ...]:
    result = []
    for child in family.children:
        if child.birth_date and turns_18_within(child.birth_date, today, horizon):
            fields = {
                k: _fill(v.replace("{kind}", child.first_name), family)
                for k, v in texts.PERSPECTIVE_18.items()
            }
            result.append(
                Perspective18(person_id=str(child.id), care_laws=("Wmo", "Zvw"), **fields)
            )
    return tuple(result)


def _agreement(family: _Family, agreed: date, today: date) -> Agreement:
    youth = tuple(
        YouthAgreement(person_id=str(c.id), agreed_on=agreed)
        for c in family.children
        if c.birth_date and age_on(c.birth_date, today) >= 12
    )
    return Agreement(parents_agreed_on=agreed, youth=youth)


def _evaluated(rng: random.Random, goals: tuple[Goal, ...], today: date) -> tuple[Goal, ...]:
    result = []
    for goal in goals:
        if goal.evaluation_date and goal.evaluation_date < today and rng.random() < 0.8:
            status = rng.choice(
                ("behaald", "deels behaald", "deels behaald", "niet behaald", "bijgesteld")
            )
            result.append(
                goal.model_copy(
                    update={
                        "status": GoalStatus(status),
                        "evaluation_notes": texts.EVALUATION_NOTES[status],
                    }
                )
            )
        else:
            result.append(goal)
    return tuple(result)


def _versions(
    rng: random.Random,
    ctx: AppContext,
    family: _Family,
    state_kind: str,
    start: date,
    goals_help: list[tuple[Goal, tuple[str, ...]]],
) -> list[tuple[PlanDocument, str, date]]:
    """The versions (document, status, saved on) of one plan, oldest first."""
    today = ctx.today()
    profile = ctx.profile
    domains = tuple(profile.life_domains)
    consultant = rng.choice(CONSULTANTS)[1]
    goals = [goal for goal, _help in goals_help]
    regie = (
        Regiehouder()
        if rng.random() < 0.7
        else Regiehouder(
            kind=RegiehouderKind.PROFESSIONAL, name=consultant, organisation="Lokaal team"
        )
    )
    first = PlanDocument(
        start_date=start,
        regiehouder=regie,
        consultant=consultant,
        domains=_situations(rng, domains, family, start, today),
        goals=tuple(goals[:2]),
    )
    complete = first.model_copy(
        update={
            "goals": tuple(goals),
            "network": _network(rng, family),
            "perspectives_18": _perspectives(
                family, today, profile.settings.turns_18_horizon_months
            ),
            "agreement": _agreement(family, start + timedelta(days=7), today),
            "familiegroepsplan": Familiegroepsplan(
                present=profile.policies.familiegroepsplan_required,
                made_on=start - timedelta(days=14)
                if profile.policies.familiegroepsplan_required
                else None,
            ),
        }
    )
    day = start
    if state_kind == "concept":
        versions = [(first, "concept", day)]
        if rng.random() < 0.5:
            versions.append((complete, "concept", day + timedelta(days=3)))
    elif state_kind == "ingediend":
        versions = [(first, "concept", day), (complete, "ingediend", day + timedelta(days=5))]
    elif state_kind == "teruggestuurd":
        versions = [(first, "concept", day), (complete, "teruggestuurd", day + timedelta(days=5))]
    else:
        evaluated = complete.model_copy(update={"goals": _evaluated(rng, complete.goals, today)})
        versions = [(first, "concept", day), (complete, "vastgesteld", day + timedelta(days=6))]
        if evaluated != complete:
            extra = Goal(
                id=_rid(rng),
                domain=domains[0],
                description="We houden vol wat goed gaat en vieren dat met elkaar.",
                member_ids=goals[0].member_ids,
                perspective=GoalPerspective.STABILISATIE,
                evaluation_date=today + timedelta(days=rng.randint(30, 120)),
                target_date=today + timedelta(days=180),
                actions=(
                    Action(
                        id=_rid(rng),
                        owner_kind=OwnerKind.OUDERS,
                        description="Elke zondag noemen we één ding dat goed ging deze week.",
                    ),
                ),
            )
            evaluated = evaluated.with_goal(extra)
            versions.append((evaluated, "vastgesteld", today - timedelta(days=10)))
            if rng.random() < 0.3:  # being edited again after approval
                note = evaluated.domains[0].model_copy(
                    update={"krachten": evaluated.domains[0].krachten + " Het gaat echt beter."}
                )
                edited = evaluated.model_copy(update={"domains": (note, *evaluated.domains[1:])})
                versions.append((edited, "concept", today - timedelta(days=1)))
    return versions


def fill(ctx: AppContext, state: dict[str, Any]) -> None:
    """Add demo plans; ``state["plans"]`` = {household_id: [goal ids]}."""
    rng = random.Random(f"{state['seed']}-plans")
    household_ids = list(state.get("household_ids", []))
    plan_rows: list[dict[str, Any]] = []
    version_rows: list[dict[str, Any]] = []
    goal_ids: dict[Any, list[str]] = {}
    meta: dict[Any, dict[str, Any]] = {}
    stories: list[Any] = []
    with ctx.uow() as uow:
        people: dict[Any, list[Any]] = defaultdict(list)
        for person in uow.session.scalars(
            select(Person).where(Person.household_id.in_(household_ids))
        ):
            people[person.household_id].append(person)
        dev = ctx.profile.term_rules.development_max_months
        today = ctx.today()
        for household_id in household_ids:
            if rng.random() > PLAN_SHARE:
                continue
            members = sorted(people[household_id], key=lambda p: (p.sort_key, p.first_name))
            children = [c for c in members if c.role == "jeugdige" and c.birth_date]
            if not children:
                continue
            # the plan is about one jeugdige (mostly the eldest); texts fit their age
            child = (
                children[0] if len(children) == 1 or rng.random() < 0.6 else rng.choice(children)
            )
            family = _Family(members, child)
            born_days = (today - child.birth_date).days
            story = len(stories) < STORY_HOUSEHOLDS and age_on(child.birth_date, today) >= 8
            if story:
                # the indication stories (demo.indications) start up to dev + 2 months ago:
                # their plan was approved before that
                kind = "vastgesteld"
                start = today - relativedelta(months=dev + 3) - timedelta(days=rng.randint(0, 25))
                stories.append(household_id)
            else:
                kind = rng.choices(
                    ("concept", "ingediend", "vastgesteld", "teruggestuurd"), (30, 20, 40, 10)
                )[0]
                # the plan starts after the jeugdige's birth (a baby: some weeks after); a
                # submitted plan waits days to weeks for the team lead, not months
                latest = 45 if kind == "ingediend" else 320
                start = today - timedelta(days=rng.randint(6, max(7, min(latest, born_days - 30))))
            goals_help = _goals(
                rng, tuple(ctx.profile.life_domains), family, start, today, rng.randint(2, 4)
            )
            versions = _versions(rng, ctx, family, kind, start, goals_help)
            plan_id = uuid.uuid4()
            submitter = rng.choice(CONSULTANTS)[0]
            last_doc, last_status, last_day = versions[-1]
            approved = max(
                (n for n, (_, s, _) in enumerate(versions, 1) if s == "vastgesteld"), default=None
            )
            decided = last_status in ("vastgesteld", "teruggestuurd") or (
                approved is not None and last_status == "concept"
            )
            plan_rows.append(
                {
                    "id": plan_id,
                    "household_id": household_id,
                    "status": last_status,
                    "current_version_no": len(versions),
                    "approved_version_no": approved,
                    "submitted_by": submitter if last_status != "concept" or approved else None,
                    "submitted_at": _stamp(last_day, rng) if last_status != "concept" else None,
                    "decided_by": LEAD if decided else None,
                    "decided_at": _stamp(last_day + timedelta(days=1), rng) if decided else None,
                    "decision_comment": None,
                    "return_comment": _return_comment(last_doc)
                    if last_status == "teruggestuurd"
                    else None,
                }
            )
            for number, (document, status, day) in enumerate(versions, 1):
                version_rows.append(
                    {
                        "plan_id": plan_id,
                        "version_no": number,
                        "content": document.to_json(),
                        "status": status,
                        "saved_by": submitter,
                        "saved_at": _stamp(day, rng),
                    }
                )
            goal_ids[household_id] = [g.id for g in last_doc.goals]
            help_of = {goal.id: help_words for goal, help_words in goals_help}
            meta[household_id] = {
                "start": start,
                "status": last_status,
                "approved": approved is not None,
                "child_id": child.id,
                "goals": [(g.id, help_of.get(g.id, ())) for g in last_doc.goals],
            }
        bulk_insert(uow.session, Plan, plan_rows, ctx.actor.username)
        bulk_insert(uow.session, PlanVersion, version_rows, ctx.actor.username)
        uow.commit()
    state["plans"] = goal_ids
    state["plan_meta"] = meta
    state["story_households"] = stories


def _return_comment(document: PlanDocument) -> str:
    """The team lead's comment; the one about the school goal only when there is one."""
    school = any("school" in fold(g.description) for g in document.goals)
    return texts.RETURN_COMMENTS[0 if school else 1]
