"""The term follows the child: a chain of indications shares one development term.

Seed 003 §5.4 gives development help 9 months, "tenzij". That term belongs to the
jeugdige and the help, not to one record: replacing an issued indication ("wijzigen"),
correcting it, or saving a new indication for the same help shortly after the earlier one
ended must not start a fresh term. This module finds the chain a proposal continues.

A *link* is earlier granted help of the same jeugdige (approved, issued, or ended after
issue). A proposal continues a link when both have the same segment and perspective, the
link started before the proposal and the proposal starts no later than ``gap_months``
after the link ended. The chain grows backwards the same way. An evaluation closes the
chain: help after an evaluated link is a follow-up with a term of its own (the evaluation
decided about it), except for a replacement, which always keeps the replaced term.

Pure: no database, no clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class ChainLink:
    """Earlier granted help of the jeugdige, as the chain needs it."""

    id: uuid.UUID
    segment: str
    product_code: str
    perspective: str
    start: date
    end: date
    evaluated: bool = False


@dataclass(frozen=True)
class TermChain:
    """The chain a proposal continues.

    ``term_start`` is where the term is counted from (the proposal's own start when it
    continues nothing or follows an evaluation). ``previous`` is the link the proposal
    directly continues (None: new help); ``links`` are the links whose term the proposal
    shares, oldest first.
    """

    term_start: date
    previous: ChainLink | None = None
    links: tuple[ChainLink, ...] = ()

    @property
    def continues(self) -> bool:
        return self.previous is not None


def _continues(link: ChainLink, start: date, gap_months: int) -> bool:
    """Whether help starting on ``start`` continues ``link`` (within the gap after its end)."""
    if link.start >= start:
        return False
    try:
        latest = link.end + timedelta(days=1) + relativedelta(months=gap_months)
    except OverflowError:
        return True
    return start <= latest


def find_chain(
    links: Iterable[ChainLink],
    *,
    segment: str,
    perspective: str,
    start: date,
    gap_months: int,
    replaces: uuid.UUID | None = None,
    own_id: uuid.UUID | None = None,
) -> TermChain:
    """The chain that help of ``segment``/``perspective`` starting on ``start`` continues.

    ``replaces`` is the indication this proposal replaces (it is always part of the chain,
    evaluated or not); ``own_id`` is the proposal's own record (never a link).
    """
    candidates = sorted(
        (
            link
            for link in links
            if link.id != own_id
            and (
                link.id == replaces or (link.segment == segment and link.perspective == perspective)
            )
        ),
        key=lambda link: (link.end, link.start),
        reverse=True,
    )
    chain: list[ChainLink] = []
    current_start = start
    previous: ChainLink | None = None
    used: set[uuid.UUID] = set()
    while True:
        link = next(
            (
                c
                for c in candidates
                if c.id not in used and _continues(c, current_start, gap_months)
            ),
            None,
        )
        if previous is None and replaces is not None:
            link = next((c for c in candidates if c.id == replaces), link)
        if link is None:
            break
        is_replaced = previous is None and link.id == replaces
        if previous is None:
            previous = link
        if link.evaluated and not is_replaced:
            # an evaluation decided about what follows: the term starts anew after it
            break
        chain.append(link)
        used.add(link.id)
        current_start = min(current_start, link.start)
    chain.reverse()
    return TermChain(term_start=current_start, previous=previous, links=tuple(chain))
