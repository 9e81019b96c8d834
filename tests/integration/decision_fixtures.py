"""Test data for decisions: a household with a jeugdige and indications stored directly.

Indications are inserted as rows (not through the indications service) so these tests
depend only on the stored shape of an indication.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import date
from decimal import Decimal

from jeugdtoegang.domain.decisions import DecisionType
from jeugdtoegang.domain.households import HouseholdInput, PersonInput, PersonRole
from jeugdtoegang.domain.motivation import MotivationParts
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.households import register_household
from jeugdtoegang.storage.models.indications import Indication

START = date(2027, 1, 4)
_bsn_counter = itertools.count(100_000_00)


def new_bsn() -> str:
    """A fresh BSN that passes the 11-check."""
    while True:
        candidate = f"{next(_bsn_counter):08d}"
        for last in range(10):
            digits = candidate + str(last)
            total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
            if (total - int(digits[8])) % 11 == 0 and digits[0] != "0":
                return digits


END = date(2027, 10, 3)


def make_household(ctx: AppContext, gemeente: str = "Zeist") -> tuple[uuid.UUID, uuid.UUID]:
    """Register a family; returns (household id, jeugdige id)."""
    detail = register_household(
        ctx,
        HouseholdInput(
            name="Yılmaz-Çelik",
            gemeente=gemeente,
            street="Lindelaan",
            house_number="12 a",
            postcode="3701AB",
            city=gemeente,
            members=(
                PersonInput(
                    role=PersonRole.OUDER,
                    first_name="Eva",
                    surname="Yılmaz-Çelik",
                    birth_date=date(1988, 3, 1),
                    has_gezag=True,
                    bsn=new_bsn(),
                ),
                PersonInput(
                    role=PersonRole.OUDER,
                    first_name="Mehmet",
                    surname="Yılmaz",
                    birth_date=date(1986, 7, 9),
                    has_gezag=True,
                    bsn=new_bsn(),
                ),
                PersonInput(
                    role=PersonRole.JEUGDIGE,
                    first_name="Daan",
                    surname="Yılmaz-Çelik",
                    birth_date=date(2015, 5, 17),
                    bsn=new_bsn(),
                ),
            ),
        ),
    )
    jeugdige = next(m for m in detail.members if m.role == "jeugdige")
    return detail.id, jeugdige.id


def add_indication(
    ctx: AppContext,
    household_id: uuid.UUID,
    person_id: uuid.UUID,
    *,
    product: str = "Ambulante jeugdhulp individueel",
    provider: str = "Stichting De Linde Jeugdhulp",
    volume: Decimal = Decimal(4),
    unit: str = "uur",
    frequency: str = "week",
    start: date = START,
    end: date = END,
    perspective: str = "ontwikkeling",
) -> uuid.UUID:
    unit_codes = {"minuut": "01", "uur": "04", "etmaal": "14", "dagdeel": "16", "euro": "83"}
    frequency_codes = {"dag": "1", "week": "2", "maand": "4", "totaal": "6"}
    with ctx.uow() as uow:
        row = Indication(
            household_id=household_id,
            person_id=person_id,
            gemeente_code="0355",
            goal_ids=[],
            segment="ambulant",
            product_code="45A01",
            product_name=product,
            product_category="45",
            provider_name=provider,
            perspective=perspective,
            start_date=start,
            end_date=end,
            volume=volume,
            unit=unit,
            unit_code=unit_codes[unit],
            frequency=frequency,
            frequency_code=frequency_codes[frequency],
            initiator="consulent",
            referrer_code="01",
            status="goedgekeurd",
            motivations={},
            findings=[],
        )
        uow.session.add(row)
        uow.commit()
        return row.id


def case_parts(decision_type: DecisionType) -> MotivationParts:
    """A complete structured motivation for ``decision_type``, with this family's facts."""
    parts = MotivationParts(
        facts=(
            "Daan is vaak boos, thuis en op school.",
            "Oma helpt twee middagen per week.",
        ),
        weighing="Oma helpt al, maar dat is niet genoeg voor de boosheid van Daan op school.",
    )
    extra: dict[str, dict[str, str]] = {
        "gedeeltelijke_toekenning": {
            "refused_part": "de tweede middag begeleiding op school",
            "refused_reason": "De school geeft Daan al een eigen begeleider op dinsdag.",
        },
        "afwijzing": {
            "reason_category": "voorliggende_voorziening",
            "alternative": "de gratis weerbaarheidsgroep van het CJG Zeist op woensdag",
        },
        "wijziging": {"change": "Daan krijgt 2 uur in plaats van 4 uur per week."},
        "verlenging": {"evaluation_result": "Daan gaat weer elke dag naar school."},
        "beeindiging": {
            "evaluation_result": "De boosheid van Daan is veel minder. Het doel is bereikt.",
            "legal_ground": "De hulp is niet meer nodig: het doel in het plan is bereikt.",
        },
        "correctie": {"withdrawal_reason": "De eerste brief noemde de verkeerde aanbieder."},
    }
    return parts.merged(**extra.get(decision_type.value, {}))
