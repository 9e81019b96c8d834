"""The structured motivation of a decision (Awb 3:46-3:47) and the checks before approval.

A decision letter that holds up in bezwaar states the facts of *this* family, the rule
applied (Jeugdwet article and verordening article) and the weighing that connects them.
Each decision type adds its own required parts (the reason category and the named
alternative of an afwijzing, the refused part of a gedeeltelijke toekenning, the
evaluation result and legal ground of a beëindiging, ...). Approval is refused while a
required part is empty.

Periods: help that starts before the decision needs an explicit retroactive motivation;
a decision whose whole period lies in the past cannot be approved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import StrEnum
from typing import Any

from jeugdtoegang.domain.decisions import DecisionType
from jeugdtoegang.errors import RuleViolationError


class ReasonCategory(StrEnum):
    """Why help is refused (afwijzing, or the refused part); values are stable."""

    VOORLIGGENDE_VOORZIENING = "voorliggende_voorziening"
    EIGEN_KRACHT_NETWERK = "eigen_kracht_netwerk"
    ANDERE_WET_WLZ = "andere_wet_wlz"
    ANDERE_WET_ZVW = "andere_wet_zvw"
    ANDERE_WET_WMO = "andere_wet_wmo"
    ONDERWIJS = "onderwijs"
    GEEN_JEUGDHULP_NODIG = "geen_jeugdhulp_nodig"
    NIET_DE_GEMEENTE = "niet_de_gemeente"

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]


_REASON_LABELS = {
    ReasonCategory.VOORLIGGENDE_VOORZIENING: "Voorliggende voorziening (vrij toegankelijk)",
    ReasonCategory.EIGEN_KRACHT_NETWERK: "Eigen kracht en netwerk",
    ReasonCategory.ANDERE_WET_WLZ: "Andere wet: Wet langdurige zorg (Wlz)",
    ReasonCategory.ANDERE_WET_ZVW: "Andere wet: Zorgverzekeringswet (Zvw)",
    ReasonCategory.ANDERE_WET_WMO: "Andere wet: Wmo 2015",
    ReasonCategory.ONDERWIJS: "Onderwijs (passend onderwijs)",
    ReasonCategory.GEEN_JEUGDHULP_NODIG: "Geen jeugdhulp nodig",
    ReasonCategory.NIET_DE_GEMEENTE: "Andere gemeente betaalt (woonplaatsbeginsel)",
}


@dataclass(frozen=True)
class AfbouwStep:
    """One step of a phase-out: a period and the help in it ("2 uur per week")."""

    start: date
    end: date
    omvang: str


@dataclass(frozen=True)
class MotivationParts:
    """Everything a consultant writes and the team lead approves; stored as JSON."""

    facts: tuple[str, ...] = ()
    jeugdwet_artikel: str = ""
    verordening_artikel: str = ""
    weighing: str = ""
    reason_category: str = ""
    alternative: str = ""
    refused_part: str = ""
    refused_reason: str = ""
    evaluation_result: str = ""
    legal_ground: str = ""
    change: str = ""
    withdrawal_reason: str = ""
    retroactive_reason: str = ""
    afbouw: tuple[AfbouwStep, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "facts":
                data[f.name] = list(value)
            elif f.name == "afbouw":
                data[f.name] = [
                    {"start": s.start.isoformat(), "end": s.end.isoformat(), "omvang": s.omvang}
                    for s in value
                ]
            else:
                data[f.name] = value
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> MotivationParts:
        """Read stored or submitted parts; unknown keys are refused by the caller."""
        data = dict(data or {})
        facts = data.get("facts") or ()
        if isinstance(facts, str):
            facts = [p for p in facts.split("\n\n")]
        steps = tuple(
            AfbouwStep(
                date.fromisoformat(str(s["start"])),
                date.fromisoformat(str(s["end"])),
                str(s["omvang"]).strip(),
            )
            for s in data.get("afbouw") or ()
        )
        texts = {
            f.name: str(data.get(f.name) or "").strip()
            for f in fields(cls)
            if f.name not in ("facts", "afbouw")
        }
        return cls(
            facts=tuple(str(f).strip() for f in facts if str(f).strip()),
            afbouw=steps,
            **texts,
        )

    def merged(self, **changes: Any) -> MotivationParts:
        return replace(self, **changes)


PART_LABELS: dict[str, str] = {
    "facts": "de feiten van dit gezin",
    "jeugdwet_artikel": "het artikel van de Jeugdwet",
    "verordening_artikel": "het artikel van de verordening",
    "weighing": "de afweging",
    "reason_category": "de soort reden van de afwijzing",
    "alternative": "de andere oplossing (met naam)",
    "refused_part": "welk deel niet wordt toegekend",
    "refused_reason": "waarom dat deel niet wordt toegekend",
    "evaluation_result": "de uitkomst van de evaluatie",
    "legal_ground": "de wettelijke grond voor het beëindigen",
    "change": "wat er verandert en waarom",
    "withdrawal_reason": "waarom het eerdere besluit wordt ingetrokken",
    "retroactive_reason": "waarom de hulp al voor de datum van het besluit begint",
}

_COMMON = ("facts", "jeugdwet_artikel", "verordening_artikel", "weighing")
REQUIRED_PARTS: dict[DecisionType, tuple[str, ...]] = {
    DecisionType.TOEKENNING: _COMMON,
    DecisionType.GEDEELTELIJKE_TOEKENNING: (*_COMMON, "refused_part", "refused_reason"),
    DecisionType.AFWIJZING: (*_COMMON, "reason_category", "alternative"),
    DecisionType.WIJZIGING: (*_COMMON, "change"),
    DecisionType.VERLENGING: (*_COMMON, "evaluation_result"),
    DecisionType.BEEINDIGING: (*_COMMON, "evaluation_result", "legal_ground"),
    DecisionType.CORRECTIE: (*_COMMON, "withdrawal_reason"),
}


def missing_parts(
    decision_type: DecisionType,
    parts: MotivationParts,
    *,
    periods: Sequence[tuple[date, date]] = (),
    today: date | None = None,
) -> list[str]:
    """Keys of the required parts still empty (incl. a retroactive reason when needed)."""
    missing = [key for key in REQUIRED_PARTS[decision_type] if not getattr(parts, key)]
    if parts.reason_category and parts.reason_category not in ReasonCategory.__members__.values():
        missing.append("reason_category")
    if (
        today is not None
        and needs_retroactive_reason(periods, today)
        and not parts.retroactive_reason
    ):
        missing.append("retroactive_reason")
    return missing


def describe_missing(keys: Iterable[str]) -> str:
    return ", ".join(PART_LABELS.get(k, k) for k in keys)


def needs_retroactive_reason(periods: Sequence[tuple[date, date]], decision_day: date) -> bool:
    """Help starting before the day of the decision is granted with terugwerkende kracht."""
    return any(start < decision_day for start, _end in periods)


def check_approvable(
    decision_type: DecisionType,
    parts: MotivationParts,
    periods: Sequence[tuple[date, date]],
    today: date,
) -> None:
    """Raise a Dutch rule violation when the decision may not be approved today."""
    if (
        periods
        and decision_type is not DecisionType.BEEINDIGING
        and all(end < today for _start, end in periods)
    ):
        raise RuleViolationError(
            "De hele periode van de hulp ligt in het verleden. Zo'n besluit kan niet "
            "worden goedgekeurd: het geeft het gezin niets meer. Pas de periode aan."
        )
    missing = missing_parts(decision_type, parts, periods=periods, today=today)
    if missing:
        raise RuleViolationError(
            "De motivering is nog niet compleet (Awb 3:46). Vul nog in: "
            + describe_missing(missing)
            + "."
        )


def check_end_date(end_date: date | None, today: date, retroactive_reason: str) -> None:
    """A beëindiging ends help on a date; a date in the past needs its own motivation."""
    if end_date is None:
        raise RuleViolationError("Een beëindiging noemt de datum waarop de hulp stopt.")
    if end_date < today and not retroactive_reason.strip():
        raise RuleViolationError(
            "De hulp zou stoppen op een datum die al voorbij is. Dat kan alleen met een "
            "motivering waarom het besluit terugwerkt."
        )
