"""Decisions (beschikkingen): types, statuses, the bezwaar term and who the letter is for.

Pure rules only; the clock comes in as a parameter.

Procedure law (Awb) applied here:
- 6:7-6:8: the bezwaar term is six weeks (``settings.bezwaar_weeks``) and starts the day
  after the decision was sent. Six weeks starting the day after the letter date end on the
  same weekday six weeks after the letter date: last day = letter date + 6 weeks.
- Algemene termijnenwet art. 1 and 3: a term that ends on a Saturday, Sunday or a general
  public holiday runs on to the next day that is none of those.
- 4:13: decide within a reasonable term, at most 8 weeks after the request
  (``settings.awb_decision_weeks``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dateutil.easter import easter

from jeugdtoegang.domain.terms import ADULT_AGE, age_on
from jeugdtoegang.errors import RuleViolationError

#: From this age a jeugdige may receive the decision letter himself (BW 7:447: from 16 a
#: young person agrees to help on his own).
JEUGDIGE_ADDRESSEE_MIN_AGE = 16


class DecisionType(StrEnum):
    """What a decision does; values are stable (stored), ``label`` is Dutch."""

    TOEKENNING = "toekenning"
    GEDEELTELIJKE_TOEKENNING = "gedeeltelijke_toekenning"
    AFWIJZING = "afwijzing"
    WIJZIGING = "wijziging"
    VERLENGING = "verlenging"
    BEEINDIGING = "beeindiging"  # includes afbouw: ending after a phase-out period
    CORRECTIE = "correctie"  # withdraws (intrekking) an earlier decision and replaces it

    @property
    def label(self) -> str:
        return _TYPE_LABELS[self]


_TYPE_LABELS = {
    DecisionType.TOEKENNING: "Toekenning",
    DecisionType.GEDEELTELIJKE_TOEKENNING: "Gedeeltelijke toekenning",
    DecisionType.AFWIJZING: "Afwijzing",
    DecisionType.WIJZIGING: "Wijziging",
    DecisionType.VERLENGING: "Verlenging",
    DecisionType.BEEINDIGING: "Beëindiging (afbouw)",
    DecisionType.CORRECTIE: "Correctie (intrekking)",
}

#: Types that grant help: they need at least one indication in the letter's table.
GRANTING_TYPES = frozenset(
    {
        DecisionType.TOEKENNING,
        DecisionType.GEDEELTELIJKE_TOEKENNING,
        DecisionType.WIJZIGING,
        DecisionType.VERLENGING,
    }
)
#: Types that refer to an earlier decision of the same jeugdige (replace or withdraw it).
REFERRING_TYPES = frozenset({DecisionType.WIJZIGING, DecisionType.CORRECTIE})
#: Types the municipality may take without an aanvraag (ambtshalve).
AMBTSHALVE_TYPES = frozenset(
    {DecisionType.WIJZIGING, DecisionType.BEEINDIGING, DecisionType.CORRECTIE}
)


class DecisionStatus(StrEnum):
    """Life of a decision: a draft (concept), approved (final letter) and sent."""

    CONCEPT = "concept"
    GOEDGEKEURD = "goedgekeurd"
    VERZONDEN = "verzonden"

    @property
    def label(self) -> str:
        return {"concept": "Concept", "goedgekeurd": "Goedgekeurd", "verzonden": "Verzonden"}[
            self.value
        ]


#: Statuses whose letter is final: stored once, never rendered differently again.
FINAL_STATUSES = frozenset({DecisionStatus.GOEDGEKEURD, DecisionStatus.VERZONDEN})


class AddresseeChoice(StrEnum):
    """To whom the letter goes: the parents/carers with gezag, or the jeugdige (16+)."""

    OUDERS = "ouders"
    JEUGDIGE = "jeugdige"

    @property
    def label(self) -> str:
        return {"ouders": "Ouders/verzorgers met gezag", "jeugdige": "De jeugdige zelf"}[self.value]


# --- terms ---------------------------------------------------------------------------------


def public_holidays(year: int) -> frozenset[date]:
    """General public holidays of the Algemene termijnenwet (art. 3) in ``year``."""
    easter_sunday = easter(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:  # on a Sunday it is celebrated on the Saturday before
        kings_day -= timedelta(days=1)
    return frozenset(
        {
            date(year, 1, 1),
            easter_sunday,
            easter_sunday + timedelta(days=1),
            kings_day,
            date(year, 5, 5),
            easter_sunday + timedelta(days=39),  # Hemelvaartsdag
            easter_sunday + timedelta(days=49),
            easter_sunday + timedelta(days=50),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def next_working_day_from(day: date) -> date:
    """``day`` itself, or the first later day that is no weekend day or public holiday."""
    while day.weekday() >= 5 or day in public_holidays(day.year):
        day += timedelta(days=1)
    return day


def bezwaar_last_day(sent_on: date, weeks: int = 6) -> date:
    """The last day to object to a decision sent on ``sent_on`` (Awb 6:7-6:8, Atw).

    The term starts the day after the verzenddatum (6:8), so it ends on the same weekday
    ``weeks`` weeks later; a weekend day or holiday moves it to the next working day.
    """
    if weeks < 1:
        raise ValueError("the bezwaar term lasts at least one week")
    first_day = sent_on + timedelta(days=1)
    return next_working_day_from(first_day + timedelta(weeks=weeks) - timedelta(days=1))


def decision_due(request_date: date, weeks: int = 8) -> date:
    """The latest decision date for a request (Awb 4:13: at most 8 weeks)."""
    return request_date + timedelta(weeks=weeks)


# --- addressee -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Addressee:
    """The resolved addressee: name lines then address lines, plus the salutation names."""

    choice: AddresseeChoice
    names: tuple[str, ...]
    salutation_names: str

    def name_line(self) -> str:
        return " en ".join(self.names)


def default_addressee_choice(jeugdige_birth: date | None, letter_date: date) -> AddresseeChoice:
    """Parents under 18; the young adult himself from 18 (verlengde jeugdhulp)."""
    if jeugdige_birth is not None and age_on(jeugdige_birth, letter_date) >= ADULT_AGE:
        return AddresseeChoice.JEUGDIGE
    return AddresseeChoice.OUDERS


def check_addressee_choice(
    choice: AddresseeChoice, jeugdige_birth: date | None, letter_date: date
) -> None:
    """The jeugdige can be the addressee only from 16 (raises a Dutch rule violation)."""
    if choice is AddresseeChoice.JEUGDIGE:
        age = age_on(jeugdige_birth, letter_date) if jeugdige_birth else None
        if age is None or age < JEUGDIGE_ADDRESSEE_MIN_AGE:
            raise RuleViolationError(
                "De brief kan pas naar de jeugdige zelf als hij of zij 16 jaar of ouder is. "
                "Kies de ouders of verzorgers met gezag."
            )


def resolve_addressee(
    choice: AddresseeChoice,
    jeugdige_name: str,
    parents_with_gezag: Sequence[str],
) -> Addressee:
    """Who the letter names. Without a known parent with gezag: 'De ouders/verzorgers van X'."""
    if choice is AddresseeChoice.JEUGDIGE:
        return Addressee(choice, (jeugdige_name,), jeugdige_name)
    names = tuple(n for n in parents_with_gezag if n.strip())
    if not names:
        generic = f"De ouders/verzorgers van {jeugdige_name}"
        return Addressee(choice, (generic,), "ouders of verzorgers van " + jeugdige_name)
    return Addressee(choice, names, " en ".join(names))
