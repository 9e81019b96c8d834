"""The demo database hangs together, in every region (issue 16 item 9).

Problems, goals and help fit the jeugdige's age (the table resources/demo/leeftijden.toml),
first names are unique within a family and parents' ages fit their children, addresses lie
in the team's municipalities with their real postcodes, BSNs are valid, unique and
fictional, dates are in order, the screens have realistic work, and the set is seeded.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from jeugdtoegang.demo import fill_demo
from jeugdtoegang.demo.ages import problems_in, product_fits, product_rules_for, text_fits
from jeugdtoegang.demo.households import FICTIONAL_BSN_PREFIX
from jeugdtoegang.demo.postcodes import municipality_postcodes, team_municipalities, woonplaatsen
from jeugdtoegang.domain.bsn import is_valid_bsn
from jeugdtoegang.domain.plans import PlanDocument
from jeugdtoegang.domain.terms import age_on, eighteenth_birthday
from jeugdtoegang.regions import available_slugs
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import initialise, open_database
from jeugdtoegang.storage.models.decisions import Decision
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.indications import Evaluation, Indication
from jeugdtoegang.storage.models.plans import Plan, PlanVersion
from jeugdtoegang.storage.models.requests import Aanvraag
from tests.conftest import CONSULENT, TODAY

HOUSEHOLDS = 60
REGIONS = available_slugs()
AWB_WEEKS = 8


class Demo:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        with ctx.uow(readonly=True) as uow:
            s = uow.session
            self.households = list(s.scalars(select(Household)))
            self.people = list(s.scalars(select(Person)))
            self.plans = list(s.scalars(select(Plan)))
            self.versions = list(s.scalars(select(PlanVersion)))
            self.indications = list(s.scalars(select(Indication)))
            self.evaluations = list(s.scalars(select(Evaluation)))
            self.decisions = list(s.scalars(select(Decision)))
            self.requests = list(s.scalars(select(Aanvraag)))
            s.expunge_all()
        self.by_household: dict[Any, list[Person]] = defaultdict(list)
        for person in self.people:
            self.by_household[person.household_id].append(person)
        self.person = {p.id: p for p in self.people}


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Demo]]:
    found = {}
    opened = []
    for region in REGIONS:
        folder: Path = tmp_path_factory.mktemp(f"coherence-{region}")
        database = open_database(f"sqlite:///{folder / 'demo.sqlite'}")
        opened.append(database)
        initialise(database, region, team_name=CONSULENT.team)
        ctx = AppContext(database, CONSULENT, today=lambda: TODAY)
        fill_demo(ctx, households=HOUSEHOLDS)
        found[region] = Demo(ctx)
    yield found
    for database in opened:
        database.close()


def _jeugdigen_named(text: str, household: list[Person]) -> list[Person]:
    """The jeugdigen of the household a text names (first names are unique per family)."""
    words = set(re.findall(r"[\w'-]+", text))
    return [p for p in household if p.role == "jeugdige" and p.first_name in words]


def _misfits(text: str, people: list[Person], on: Any) -> list[str]:
    return [
        f"{p.first_name} ({age_on(p.birth_date, on)}): {text!r} "
        f"[{', '.join(r.name for r in problems_in(text))}]"
        for p in people
        if p.birth_date and not text_fits(text, age_on(p.birth_date, on))
    ]


# --- households ------------------------------------------------------------------------------


@pytest.mark.parametrize("region", REGIONS)
def test_first_names_are_unique_within_each_family(region: str, demos) -> None:  # type: ignore[no-untyped-def]
    for household_id, people in demos[region].by_household.items():
        names = [p.first_name for p in people]
        assert len(names) == len(set(names)), (household_id, names)


@pytest.mark.parametrize("region", REGIONS)
def test_parents_ages_fit_their_children(region: str, demos) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for people in demos[region].by_household.values():
        children = [p.birth_date for p in people if p.role == "jeugdige" and p.birth_date]
        parents = [p.birth_date for p in people if p.role == "ouder" and p.birth_date]
        assert children and parents
        for parent in parents:
            # 18 or older at the eldest's birth, at most 50 at the youngest's
            assert age_on(parent, min(children)) >= 18
            assert age_on(parent, max(children)) <= 50
            checked += 1
        assert all(born < TODAY for born in children)
    assert checked >= HOUSEHOLDS


@pytest.mark.parametrize("region", REGIONS)
def test_children_carry_a_parents_surname(region: str, demos) -> None:  # type: ignore[no-untyped-def]
    for people in demos[region].by_household.values():
        surnames = {(p.tussenvoegsel, p.surname) for p in people if p.role == "ouder"}
        for child in (p for p in people if p.role == "jeugdige"):
            assert (child.tussenvoegsel, child.surname) in surnames


@pytest.mark.parametrize("region", REGIONS)
def test_young_adults_only_with_verlengde_jeugdhulp(region: str, demos) -> None:  # type: ignore[no-untyped-def]
    demo = demos[region]
    started = defaultdict(list)
    for row in demo.indications:
        started[row.person_id].append(row.start_date)
    for person in demo.people:
        if person.role != "jeugdige":
            continue
        age = age_on(person.birth_date, TODAY)
        assert age < 23
        if age >= 18:  # help that started before the 18th birthday continues
            assert any(d < eighteenth_birthday(person.birth_date) for d in started[person.id])


@pytest.mark.parametrize("region", REGIONS)
def test_addresses_lie_in_the_teams_municipalities_with_their_postcodes(region: str, demos) -> None:  # type: ignore[no-untyped-def]
    demo = demos[region]
    profile = demo.ctx.profile
    served = {m.cbs_code: m for m in team_municipalities(profile, CONSULENT.team)}
    assert len({h.gemeente_code for h in demo.households}) > 1
    for household in demo.households:
        assert household.gemeente_code in served, household.gemeente
        municipality = served[household.gemeente_code]
        assert household.gemeente == municipality.name
        assert re.fullmatch(r"[1-9]\d{3} [A-Z]{2}", household.postcode), household.postcode
        assert household.postcode[5:] not in ("SA", "SD", "SS")
        assert int(household.postcode[:4]) in municipality_postcodes(municipality.cbs_code), (
            household.postcode,
            municipality.name,
        )
        assert household.city in woonplaatsen(municipality.cbs_code)
        assert household.wijk in municipality.wijken
        assert household.street and household.house_number


def test_a_municipality_with_its_own_team_is_left_to_that_team() -> None:
    from jeugdtoegang.regions import load_profile

    profile = load_profile("zuid-holland-zuid")
    default = {m.name for m in team_municipalities(profile, profile.team_name_default)}
    own = {m.name for m in team_municipalities(profile, "Sociaal Team Sliedrecht")}
    assert own == {"Sliedrecht"}
    assert "Sliedrecht" not in default and "Dordrecht" in default
    assert [m.name for m in team_municipalities(profile, None, "Gorinchem")] == ["Gorinchem"]


def test_every_municipality_of_every_region_has_postcodes_for_each_wijk() -> None:
    from jeugdtoegang.demo.postcodes import address_book
    from jeugdtoegang.regions import load_profile

    for region in REGIONS:
        profile = load_profile(region)
        for municipality in profile.municipalities:
            ranges = municipality_postcodes(municipality.cbs_code)
            assert ranges, municipality.name
            book = address_book(profile, None, municipality.cbs_code)
            assert {a.wijk for a in book} == set(municipality.wijken)
            for address in book:
                assert set(address.pc4) <= set(ranges), (municipality.name, address.wijk)


@pytest.mark.parametrize("region", REGIONS)
def test_bsns_are_valid_unique_and_fictional(region: str, demos) -> None:  # type: ignore[no-untyped-def]
    bsns = [p.bsn for p in demos[region].people if p.bsn]
    assert len(bsns) == len(set(bsns))
    for bsn in bsns:
        assert is_valid_bsn(bsn), bsn
        assert bsn.startswith(FICTIONAL_BSN_PREFIX)
    assert all(p.bsn for p in demos[region].people if p.role != "netwerk")


def test_the_demo_database_is_marked_fictional(demos) -> None:  # type: ignore[no-untyped-def]
    from jeugdtoegang.services.region_setup import setup_on

    for demo in demos.values():
        assert setup_on(demo.ctx.database, TODAY).fictional


# --- plans, help and decisions fit the jeugdige's age ------------------------------------


def _plan_texts(document: PlanDocument) -> Iterator[tuple[str, list[str]]]:
    """(text, member ids) of every goal, action and situation in a plan."""
    for goal in document.goals:
        yield goal.description, list(goal.member_ids)
        for action in goal.actions:
            yield action.description, list(goal.member_ids)
    members = [m for g in document.goals for m in g.member_ids]
    for situation in document.domains:
        yield f"{situation.krachten} {situation.zorgen}", members


@pytest.mark.parametrize("region", REGIONS)
def test_plan_problems_and_goals_fit_the_jeugdiges_age(region: str, demos) -> None:  # type: ignore[no-untyped-def]
    demo = demos[region]
    household_of = {p.id: p.household_id for p in demo.plans}
    misfits: list[str] = []
    checked = 0
    for version in demo.versions:
        document = PlanDocument.from_json(version.content)
        household = demo.by_household[household_of[version.plan_id]]
        start = document.start_date
        for text, member_ids in _plan_texts(document):
            named = _jeugdigen_named(text, household)
            members = [
                demo.person[m]
                for m in {uuid.UUID(i) for i in member_ids}
                if m in demo.person and demo.person[m].role == "jeugdige"
            ]
            people = named or members
            misfits += _misfits(text, people, start)
            checked += bool(problems_in(text)) and bool(people)
        for goal in document.goals:
            for member in goal.member_ids:
                person = demo.person.get(uuid.UUID(member))
                assert person is not None and person.birth_date < start, "born before the plan"
    assert not misfits, "\n".join(misfits[:20])
    assert checked > 10  # the table is really used


@pytest.mark.parametrize("region", REGIONS)
def test_help_fits_the_jeugdiges_age_and_the_plans_period(region: str, demos) -> None:  # type: ignore[no-untyped-def]
    demo = demos[region]
    plan_start = {}
    for version in demo.versions:
        if version.version_no == 1:
            plan = next(p for p in demo.plans if p.id == version.plan_id)
            plan_start[plan.household_id] = PlanDocument.from_json(version.content).start_date
    assert demo.indications
    for row in demo.indications:
        person = demo.person[row.person_id]
        age = age_on(person.birth_date, row.start_date)
        assert person.role == "jeugdige"
        assert person.birth_date < row.start_date
        assert product_fits(row.product_name, age), (row.product_name, age, person.first_name)
        assert row.segment in {p.segment for p in demo.ctx.profile.products}
        assert row.start_date <= row.end_date
        assert row.household_id in plan_start, "help belongs to a plan"
        assert row.start_date >= plan_start[row.household_id], (row.start_date, plan_start)
        if row.requested_on is not None:
            assert row.requested_on <= row.start_date
        texts = [*(row.motivations or {}).values()]
        for text in texts:
            assert text_fits(text, age), (text, age)
    for evaluation in demo.evaluations:
        row = next(i for i in demo.indications if i.id == evaluation.indication_id)
        assert row.start_date <= evaluation.evaluated_on <= row.end_date
        assert evaluation.evaluated_on <= TODAY
        assert text_fits(evaluation.notes, age_on(demo.person[row.person_id].birth_date, TODAY))


def test_products_with_an_age_rule_exist_in_the_catalogues() -> None:
    from jeugdtoegang.regions import load_profile

    names = [p.name for r in REGIONS for p in load_profile(r).products]
    assert any(product_rules_for(n) for n in names)
    assert not product_fits("Ernstige enkelvoudige dyslexie", 3)
    assert not product_fits("Begeleiding 18-/18+", 9)
    assert product_fits("Ambulante jeugdhulp individueel", 1)


@pytest.mark.parametrize("region", REGIONS)
def test_decision_texts_fit_the_jeugdiges_age(region: str, demos) -> None:  # type: ignore[no-untyped-def]
    demo = demos[region]
    misfits: list[str] = []
    for decision in demo.decisions:
        person = demo.person[decision.person_id]
        household = demo.by_household[person.household_id]
        parts = decision.motivation_parts or {}
        texts = [decision.request_text, *decision.goals]
        for key, value in parts.items():
            if key in ("facts", "weighing", "refused_part", "refused_reason", "evaluation_result"):
                texts += value if isinstance(value, list) else [str(value)]
        for text in texts:
            named = _jeugdigen_named(text, household)
            misfits += _misfits(text, named or [person], decision.request_date)
    assert not misfits, "\n".join(misfits[:20])


def test_the_age_table_reads_as_intended() -> None:
    assert not text_fits("Noah is nog niet zindelijk.", 16)
    assert not text_fits("Sem spijbelt elke week.", 2)
    assert not text_fits("Mila maakt de mbo-opleiding af en zoekt een stage.", 9)
    assert text_fits("Mila slaapt slecht.", 2)
    assert text_fits("Sem spijbelt elke week.", 14)


# --- dates and realistic work for the screens ------------------------------------------------


@pytest.mark.parametrize("region", REGIONS)
def test_the_screens_have_realistic_work(region: str, demos) -> None:  # type: ignore[no-untyped-def]
    demo = demos[region]
    window = timedelta(weeks=demo.ctx.profile.term_rules.evaluation_window_weeks)
    running = [i for i in demo.indications if i.status == "afgegeven"]
    due = [i for i in running if i.evaluation_due and TODAY <= i.evaluation_due <= TODAY + window]
    overdue = [i for i in running if i.evaluation_due and i.evaluation_due < TODAY]
    tenzij = [i for i in demo.indications if i.predecessor_id and i.approved_by]
    longer = [i for i in running if "TERM_DEVELOPMENT_EXCEEDED" in str(i.findings)]
    assert due and overdue and tenzij and longer
    # nothing happened after today; the queue waits days to weeks, not months
    for row in demo.indications:
        assert row.submitted_at is None or row.submitted_at.date() <= TODAY
        assert row.submitted_by in (None, "c.jansen", "m.elamrani")
    for plan in demo.plans:
        for stamp in (plan.submitted_at, plan.decided_at):
            assert stamp is None or stamp.date() <= TODAY
        if plan.status == "ingediend":
            assert (TODAY - plan.submitted_at.date()).days <= 60
    # the review queue: submitted plans, indications and decisions
    assert any(p.status == "ingediend" for p in demo.plans)
    assert any(i.status == "ingediend" for i in demo.indications)
    assert any(d.status == "concept" and d.submitted_at for d in demo.decisions)
    # aanvragen within and beyond the Awb term of eight weeks
    open_requests = [a for a in demo.requests if a.outcome == "open"]
    beyond = [
        a
        for a in open_requests
        if not a.suspensions
        and a.received_on + relativedelta(weeks=AWB_WEEKS + a.extension_weeks) < TODAY
    ]
    within = [a for a in open_requests if a not in beyond]
    assert beyond and within
    for request in demo.requests:
        assert request.received_on <= TODAY
        person = demo.person[request.person_id]
        assert person.birth_date < request.received_on
        assert text_fits(request.requested, age_on(person.birth_date, request.received_on))


def test_the_demo_is_deterministic(tmp_path: Path) -> None:
    def make(name: str) -> list[tuple]:
        database = open_database(f"sqlite:///{tmp_path / name}")
        try:
            initialise(database, "twente", team_name=CONSULENT.team)
            ctx = AppContext(database, CONSULENT, today=lambda: TODAY)
            fill_demo(ctx, households=20)
            with ctx.uow(readonly=True) as uow:
                people = uow.session.execute(
                    select(Household.postcode, Household.city, Person.first_name, Person.bsn)
                    .join(Person, Person.household_id == Household.id)
                    .order_by(Household.dossier_number, Person.sort_key, Person.first_name)
                ).all()
                products = uow.session.execute(
                    select(Indication.product_code, Indication.start_date).order_by(
                        Indication.start_date, Indication.product_code
                    )
                ).all()
            return [tuple(r) for r in people] + [tuple(r) for r in products]
        finally:
            database.close()

    assert make("a.sqlite") == make("b.sqlite")
