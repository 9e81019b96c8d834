"""The family's perspectiefplan as a document: *1 gezin, 1 plan, 1 regisseur* (seed 000 §3b).

One integral plan per household across the life domains: the family's own words
(krachten en zorgen), the goals, who does what (ouders, netwerk, school, jeugdhulp:
seed 004, Alblasserdam point 3), the network or the reason it is missing plus a
netwerkversterking action (seed 003 §3.1, §5.5), an 18+ perspective for young people
about to turn 18 (seed 000 §3b) and the agreement of the family.

The document is a tree of frozen pydantic models, stored whole as JSON with a ``schema``
number so that later versions of the program can read plans written by earlier ones.
Ids are strings (UUIDs as text) so the JSON round-trips exactly.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class PlanStatus(StrEnum):
    """Where the plan is in its review; values are stable (stored)."""

    CONCEPT = "concept"
    INGEDIEND = "ingediend"
    VASTGESTELD = "vastgesteld"
    TERUGGESTUURD = "teruggestuurd"

    @property
    def label(self) -> str:
        return {
            "concept": "Concept",
            "ingediend": "Ingediend ter beoordeling",
            "vastgesteld": "Vastgesteld",
            "teruggestuurd": "Teruggestuurd",
        }[self.value]


class RegiehouderKind(StrEnum):
    GEZIN = "gezin"
    PROFESSIONAL = "professional"


class GoalPerspective(StrEnum):
    """The two perspectives on help (seed 003 §3.1, §5.4)."""

    ONTWIKKELING = "ontwikkeling"
    STABILISATIE = "stabilisatie"

    @property
    def label(self) -> str:
        return {"ontwikkeling": "Ontwikkeling", "stabilisatie": "Stabilisatie"}[self.value]


class GoalStatus(StrEnum):
    OPEN = "open"
    BEHAALD = "behaald"
    DEELS_BEHAALD = "deels behaald"
    NIET_BEHAALD = "niet behaald"
    BIJGESTELD = "bijgesteld"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class OwnerKind(StrEnum):
    """Who carries an action (the division of responsibilities, seed 004)."""

    OUDERS = "ouders"
    JEUGDIGE = "jeugdige"
    NETWERK = "netwerk"
    SCHOOL = "school"
    VOORLIGGEND_VELD = "voorliggend veld"
    JEUGDHULP = "jeugdhulp"

    @property
    def label(self) -> str:
        return {
            "ouders": "Ouders",
            "jeugdige": "Jeugdige",
            "netwerk": "Netwerk",
            "school": "School",
            "voorliggend veld": "Voorliggend veld",
            "jeugdhulp": "Jeugdhulp",
        }[self.value]


class StrengtheningKind(StrEnum):
    """Netwerkversterking when there is no network (seed 003 §5.5)."""

    MAATJE = "maatje"
    JIM_MENTOR = "jim-mentor"
    EIGEN_KRACHT_CONFERENTIE = "eigen-kracht-conferentie"

    @property
    def label(self) -> str:
        return {
            "maatje": "Maatje",
            "jim-mentor": "JIM-mentor",
            "eigen-kracht-conferentie": "Eigen kracht conferentie",
        }[self.value]


CARE_LAWS_18 = ("Wmo", "Zvw", "Wlz")


def new_id() -> str:
    return str(uuid.uuid4())


class _Doc(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Regiehouder(_Doc):
    """The family itself is regiehouder, or a named professional (seed 000 §3b)."""

    kind: RegiehouderKind = RegiehouderKind.GEZIN
    name: str = ""
    organisation: str = ""


class DomainSituation(_Doc):
    """One life domain in the family's own words."""

    domain: str
    krachten: str = ""
    zorgen: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.krachten.strip() or self.zorgen.strip())


class Action(_Doc):
    """Who does what for a goal. ``owner_name`` names the person (required for netwerk)."""

    id: str = Field(default_factory=new_id)
    owner_kind: OwnerKind | None = None
    owner_name: str = ""
    description: str = ""
    indication_id: str | None = None

    @property
    def has_owner(self) -> bool:
        if self.owner_kind is None:
            return False
        return self.owner_kind is not OwnerKind.NETWERK or bool(self.owner_name.strip())

    @property
    def owner_text(self) -> str:
        if self.owner_kind is None:
            return self.owner_name or "(nog niemand)"
        if self.owner_name.strip():
            return f"{self.owner_kind.label}: {self.owner_name.strip()}"
        return self.owner_kind.label


class Goal(_Doc):
    id: str = Field(default_factory=new_id)
    domain: str = ""
    description: str = ""
    member_ids: tuple[str, ...] = ()
    perspective: GoalPerspective = GoalPerspective.ONTWIKKELING
    target_date: date | None = None
    evaluation_date: date | None = None
    status: GoalStatus = GoalStatus.OPEN
    evaluation_notes: str = ""
    actions: tuple[Action, ...] = ()
    #: themes of the goal (e.g. 'pubers', 'scheiding'): free-access group offers on these
    #: themes come before individual help ("groepsaanbod gaat voor")
    themes: tuple[str, ...] = ()


class NetworkMember(_Doc):
    id: str = Field(default_factory=new_id)
    name: str = ""
    role: str = ""
    person_id: str | None = None


class StrengtheningAction(_Doc):
    kind: StrengtheningKind
    description: str = ""


class Network(_Doc):
    """Involved network members, or why there are none and what is done about it."""

    members: tuple[NetworkMember, ...] = ()
    no_network_reason: str = ""
    strengthening: StrengtheningAction | None = None

    @property
    def named_members(self) -> tuple[NetworkMember, ...]:
        return tuple(m for m in self.members if m.name.strip())


class Perspective18(_Doc):
    """What happens after the 18th birthday (no gap at 18: seed 000 §3b, 003 §5.5)."""

    person_id: str
    wonen: str = ""
    onderwijs_werk: str = ""
    inkomen: str = ""
    zorg_na_18: str = ""
    care_laws: tuple[str, ...] = ()
    arranged_by: str = ""

    def text_fields(self) -> tuple[str, ...]:
        return (self.wonen, self.onderwijs_werk, self.inkomen, self.zorg_na_18, self.arranged_by)

    @property
    def is_empty(self) -> bool:
        return not any(t.strip() for t in self.text_fields()) and not self.care_laws

    @property
    def is_complete(self) -> bool:
        return all(t.strip() for t in self.text_fields())


class YouthAgreement(_Doc):
    person_id: str
    agreed_on: date | None = None
    view: str = ""


class Agreement(_Doc):
    """When the parents and (from 12) the jeugdige agreed, or their own view if not."""

    parents_agreed_on: date | None = None
    parents_view: str = ""
    youth: tuple[YouthAgreement, ...] = ()

    def for_person(self, person_id: str) -> YouthAgreement | None:
        return next((y for y in self.youth if y.person_id == person_id), None)


class Familiegroepsplan(_Doc):
    """Marker for regions that ask a familiegroepsplan before non-free help (seed 000 §3b)."""

    present: bool = False
    made_on: date | None = None
    note: str = ""


class PlanDocument(_Doc):
    """The whole plan; what a PlanVersion stores as JSON."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    schema_version: int = Field(default=SCHEMA_VERSION, alias="schema")
    start_date: date | None = None
    regiehouder: Regiehouder = Regiehouder()
    consultant: str = ""
    domains: tuple[DomainSituation, ...] = ()
    goals: tuple[Goal, ...] = ()
    network: Network = Network()
    perspectives_18: tuple[Perspective18, ...] = ()
    agreement: Agreement = Agreement()
    familiegroepsplan: Familiegroepsplan = Familiegroepsplan()

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict (dates as ISO text), with ``schema`` first."""
        return self.model_dump(mode="json", by_alias=True)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlanDocument:
        """Read a stored document; refuses schemas newer than this program knows."""
        schema = int(data.get("schema", 1))
        if schema > SCHEMA_VERSION:
            raise ValueError(f"plan schema {schema} is newer than {SCHEMA_VERSION}")
        return cls.model_validate(data)

    def goal(self, goal_id: str) -> Goal | None:
        return next((g for g in self.goals if g.id == goal_id), None)

    def perspective_for(self, person_id: str) -> Perspective18 | None:
        return next((p for p in self.perspectives_18 if p.person_id == person_id), None)

    def situation(self, domain: str) -> DomainSituation | None:
        return next((d for d in self.domains if d.domain == domain), None)

    def with_goal(self, goal: Goal) -> PlanDocument:
        """The document with ``goal`` replaced (same id) or appended."""
        goals = list(self.goals)
        for index, existing in enumerate(goals):
            if existing.id == goal.id:
                goals[index] = goal
                break
        else:
            goals.append(goal)
        return self.model_copy(update={"goals": tuple(goals)})

    def evaluation_dates(self) -> list[date]:
        return sorted({g.evaluation_date for g in self.goals if g.evaluation_date})


def new_plan(life_domains: Iterable[str], consultant: str, start_date: date) -> PlanDocument:
    """An empty plan for a household: every life domain of the region, family as regiehouder."""
    return PlanDocument(
        start_date=start_date,
        consultant=consultant,
        domains=tuple(DomainSituation(domain=d) for d in life_domains),
    )


def with_domains(document: PlanDocument, life_domains: Iterable[str]) -> PlanDocument:
    """Add missing life domains of the region (keeps the family's texts and order)."""
    present = {d.domain for d in document.domains}
    extra = tuple(DomainSituation(domain=d) for d in life_domains if d not in present)
    if not extra:
        return document
    return document.model_copy(update={"domains": document.domains + extra})


def _without_agreement(document: PlanDocument) -> dict[str, Any]:
    data = document.to_json()
    data.pop("agreement", None)
    return data


def _has_consent(agreement: Agreement) -> bool:
    return agreement.parents_agreed_on is not None or any(
        y.agreed_on is not None for y in agreement.youth
    )


def consent_for_new_version(previous: PlanDocument | None, new: PlanDocument) -> PlanDocument:
    """The family agrees to one version of the plan, not to whatever it becomes later.

    When a saved version had the family's agreement and the new version changes anything
    else while carrying the same agreement over unchanged, the agreement dates are cleared
    (the family's own views stay): the new version asks for agreement again. A consultant
    who records a new agreement in the same save keeps it.
    """
    if previous is None or not _has_consent(previous.agreement):
        return new
    if new.agreement != previous.agreement:
        return new
    if _without_agreement(new) == _without_agreement(previous):
        return new
    cleared = Agreement(
        parents_agreed_on=None,
        parents_view=new.agreement.parents_view,
        youth=tuple(y.model_copy(update={"agreed_on": None}) for y in new.agreement.youth),
    )
    return new.model_copy(update={"agreement": cleared})
