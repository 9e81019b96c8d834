"""The aanvraag (request for help) and its Awb decision term.

Pure rules; the clock comes in as a parameter.

- Awb 4:13: decide within the term of the verordening, at most 8 weeks after receipt
  (``settings.awb_decision_weeks``).
- Awb 4:15: the term is suspended (opschorting) from the day after the municipality asks
  for missing information until the day the information arrives (or the set term ends).
  A suspension still open counts up to today: the days left stand still.
- Awb 4:14: when the term cannot be met, the applicant is told so *before the term ends*
  and given a new reasonable term (verdaging). Here at most 8 extra weeks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from jeugdtoegang.errors import RuleViolationError

MAX_EXTENSION_WEEKS = 8


class RequestedBy(StrEnum):
    """Who asked: the parents, the jeugdige (16+), or a referrer on their behalf."""

    OUDERS = "ouders"
    JEUGDIGE = "jeugdige"
    VERWIJZER = "verwijzer"

    @property
    def label(self) -> str:
        return {
            "ouders": "Ouders/verzorgers",
            "jeugdige": "De jeugdige zelf (16 jaar of ouder)",
            "verwijzer": "Verwijzer (huisarts, jeugdarts, medisch specialist, GI)",
        }[self.value]


class RequestOutcome(StrEnum):
    """What became of the request: still open, or the kind of decision that answered it."""

    OPEN = "open"
    TOEGEKEND = "toegekend"
    GEDEELTELIJK = "gedeeltelijk"
    AFGEWEZEN = "afgewezen"
    INGETROKKEN = "ingetrokken"  # the applicant withdrew the request

    @property
    def label(self) -> str:
        return {
            "open": "Open",
            "toegekend": "Toegekend",
            "gedeeltelijk": "Gedeeltelijk toegekend",
            "afgewezen": "Afgewezen",
            "ingetrokken": "Ingetrokken door aanvrager",
        }[self.value]


@dataclass(frozen=True)
class Suspension:
    """An opschorting (Awb 4:15): from ``start`` (the day after asking) until ``end``."""

    start: date
    end: date | None  # None: still waiting for the information
    reason: str

    def days(self, today: date) -> int:
        """Days the term stands still; an open suspension counts up to ``today``."""
        until = self.end if self.end is not None else max(today, self.start)
        return max(0, (until - self.start).days)


@dataclass(frozen=True)
class AwbTerm:
    """The decision term of one request, as the Awb counts it."""

    received: date
    base_due: date
    suspended_days: int
    extension_weeks: int
    due: date
    suspended_now: bool

    def days_left(self, today: date) -> int:
        """Days until ``due`` (negative: overdue). Stands still while suspended."""
        return (self.due - today).days

    def overdue(self, today: date) -> bool:
        return not self.suspended_now and today > self.due


def decision_term(
    received: date,
    today: date,
    *,
    weeks: int = 8,
    suspensions: Sequence[Suspension] = (),
    extension_weeks: int = 0,
) -> AwbTerm:
    """The last day to decide: receipt + term + suspended days + verdaging."""
    base_due = received + timedelta(weeks=weeks)
    suspended = sum(s.days(today) for s in suspensions)
    due = base_due + timedelta(days=suspended, weeks=extension_weeks)
    open_now = any(s.end is None for s in suspensions)
    return AwbTerm(received, base_due, suspended, extension_weeks, due, open_now)


def check_suspension(start: date, end: date | None, received: date, reason: str) -> None:
    """An opschorting starts after receipt, ends after it starts and names what is missing."""
    if start < received:
        raise RuleViolationError(
            "De opschorting kan niet beginnen voor de datum waarop de aanvraag binnenkwam."
        )
    if end is not None and end < start:
        raise RuleViolationError("De opschorting kan niet eindigen voordat zij begint.")
    if not reason.strip():
        raise RuleViolationError(
            "Schrijf op welke informatie ontbreekt (Awb 4:15): dat is de reden van de opschorting."
        )


def check_extension(term: AwbTerm, notified_on: date, weeks: int, reason: str) -> None:
    """Verdaging (Awb 4:14): told before the term ends, for a reasonable term, with a reason."""
    if weeks < 1 or term.extension_weeks + weeks > MAX_EXTENSION_WEEKS:
        raise RuleViolationError(
            f"Verdagen kan met 1 tot {MAX_EXTENSION_WEEKS} weken in totaal "
            f"(nu al {term.extension_weeks} weken verdaagd)."
        )
    if notified_on > term.due:
        raise RuleViolationError(
            f"De beslistermijn liep af op {term.due.isoformat()}. Verdagen moet u melden "
            "voordat de termijn afloopt (Awb 4:14)."
        )
    if not reason.strip():
        raise RuleViolationError("Schrijf op waarom het besluit later komt (Awb 4:14).")
