"""Indications (toewijzingen): value types with stable values, Dutch labels and iJw codes.

An indication allocates a product of a provider to a jeugdige for a term and a volume.
It is stored in the shape of the national iJw standard (JW301), so every value type here
carries the code of its iJw code list (WJ756 unit, WMO757 frequency, COD327 referrer).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class Perspective(StrEnum):
    """Seed 003 §5.4: development-oriented help (9 months, tenzij) or stabilising help."""

    ONTWIKKELING = "ontwikkeling"
    STABILISATIE = "stabilisatie"

    @property
    def label(self) -> str:
        return {"ontwikkeling": "Ontwikkeling (activerend)", "stabilisatie": "Stabilisatie"}[
            self.value
        ]


class Frequency(StrEnum):
    """Per what period the volume counts; ``code`` is iJw WMO757."""

    DAG = "dag"
    WEEK = "week"
    MAAND = "maand"
    TOTAAL = "totaal"

    @property
    def label(self) -> str:
        return {
            "dag": "per dag",
            "week": "per week",
            "maand": "per maand",
            "totaal": "totaal binnen de looptijd",
        }[self.value]

    @property
    def code(self) -> str:
        return {"dag": "1", "week": "2", "maand": "4", "totaal": "6"}[self.value]


class Unit(StrEnum):
    """Unit of the volume; ``code`` is iJw WJ756. Euro: the volume is a budget (eurocent)."""

    MINUUT = "minuut"
    UUR = "uur"
    DAGDEEL = "dagdeel"
    ETMAAL = "etmaal"
    STUKS = "stuks"
    EURO = "euro"
    STUKS_INSPANNING = "stuks-inspanning"

    @property
    def label(self) -> str:
        return {
            "minuut": "minuten",
            "uur": "uren",
            "dagdeel": "dagdelen (4 uur)",
            "etmaal": "etmalen",
            "stuks": "stuks (output)",
            "euro": "euro (budget)",
            "stuks-inspanning": "stuks (inspanning)",
        }[self.value]

    @property
    def code(self) -> str:
        return {
            "minuut": "01",
            "uur": "04",
            "dagdeel": "16",
            "etmaal": "14",
            "stuks": "82",
            "euro": "83",
            "stuks-inspanning": "84",
        }[self.value]


class Initiator(StrEnum):
    """Who asked for the help (verzoek door); ``referrer_code`` is iJw COD327.

    A provider (``aanbieder``) is never the referrer: its request is assessed by the local
    team, which then allocates as the municipality (seed 004), so the code is 01 gemeente.
    The full COD327 list: 01 gemeente · 02 huisarts · 03 jeugdarts · 04 GI · 05 medisch
    specialist · 06 zelfverwijzer · 08 rechter/OvJ.
    """

    CONSULENT = "consulent"
    AANBIEDER = "aanbieder"
    HUISARTS = "huisarts"
    JEUGDARTS = "jeugdarts"
    GI = "gi"
    MEDISCH_SPECIALIST = "medisch-specialist"
    ZELFVERWIJZER = "zelfverwijzer"
    RECHTER = "rechter-ovj"

    @property
    def label(self) -> str:
        return {
            "consulent": "Consulent lokaal team",
            "aanbieder": "Aanbieder (verzoek)",
            "huisarts": "Huisarts",
            "jeugdarts": "Jeugdarts",
            "gi": "Gecertificeerde instelling",
            "medisch-specialist": "Medisch specialist",
            "zelfverwijzer": "Zelfverwijzer (de jeugdige of ouder zelf)",
            "rechter-ovj": "Rechter of officier van justitie",
        }[self.value]

    @property
    def referrer_code(self) -> str:
        return {
            "consulent": "01",
            "aanbieder": "01",
            "huisarts": "02",
            "jeugdarts": "03",
            "gi": "04",
            "medisch-specialist": "05",
            "zelfverwijzer": "06",
            "rechter-ovj": "08",
        }[self.value]

    @property
    def needs_referral_date(self) -> bool:
        """A referral from outside the local team carries the date it was written."""
        return self in REFERRAL_DATED

    @property
    def referral_expires(self) -> bool:
        """Medical referrals are valid for the region's period (seed 002 §10.3)."""
        return self in REFERRAL_EXPIRING


#: referrers whose referral is a dated document (COD327 02, 03, 04, 05, 08)
REFERRAL_DATED = frozenset(
    {
        Initiator.HUISARTS,
        Initiator.JEUGDARTS,
        Initiator.GI,
        Initiator.MEDISCH_SPECIALIST,
        Initiator.RECHTER,
    }
)
#: medical referrals that lose their validity after the region's period (seed 002 §10.3)
REFERRAL_EXPIRING = frozenset(
    {Initiator.HUISARTS, Initiator.JEUGDARTS, Initiator.MEDISCH_SPECIALIST}
)


class IndicationStatus(StrEnum):
    CONCEPT = "concept"
    INGEDIEND = "ingediend"
    GOEDGEKEURD = "goedgekeurd"
    AFGEGEVEN = "afgegeven"
    BEEINDIGD = "beeindigd"

    @property
    def label(self) -> str:
        return {
            "concept": "Concept",
            "ingediend": "Ingediend",
            "goedgekeurd": "Goedgekeurd",
            "afgegeven": "Afgegeven",
            "beeindigd": "Beëindigd",
        }[self.value]


#: statuses in which an indication still claims the product for its term (overlap, budget)
ACTIVE_STATUSES = frozenset(
    {
        IndicationStatus.CONCEPT,
        IndicationStatus.INGEDIEND,
        IndicationStatus.GOEDGEKEURD,
        IndicationStatus.AFGEGEVEN,
    }
)
#: statuses that commit money of a provider's budget
COMMITTED_STATUSES = frozenset({IndicationStatus.GOEDGEKEURD, IndicationStatus.AFGEGEVEN})
#: statuses in which the indication can still be edited freely
EDITABLE_STATUSES = frozenset({IndicationStatus.CONCEPT})


class Progress(StrEnum):
    """Progress on one plan goal at the evaluation."""

    JA = "ja"
    DEELS = "deels"
    NEE = "nee"

    @property
    def label(self) -> str:
        return {"ja": "Ja, vooruitgang", "deels": "Deels", "nee": "Geen vooruitgang"}[self.value]


class EvaluationDecision(StrEnum):
    """What happens after the evaluation (seed 003 §5.4)."""

    AFSCHALEN = "afschalen"
    AFBOUWEN = "afbouwen"
    BEEINDIGEN = "beeindigen"
    VOORTZETTEN_TENZIJ = "voortzetten_tenzij"

    @property
    def label(self) -> str:
        return {
            "afschalen": "Afschalen naar lichtere hulp of vrij toegankelijk aanbod",
            "afbouwen": "Afbouwen (lager volume, korte termijn)",
            "beeindigen": "Beëindigen",
            "voortzetten_tenzij": "Voortzetten, tenzij (motivering en akkoord teamleider)",
        }[self.value]

    @property
    def short_label(self) -> str:
        return {
            "afschalen": "afschalen",
            "afbouwen": "afbouwen",
            "beeindigen": "beëindigen",
            "voortzetten_tenzij": "voortzetten (tenzij)",
        }[self.value]


class RequestStatus(StrEnum):
    """A provider's request (JW315/JW317 equivalent): open until the consultant assessed it."""

    OPEN = "open"
    BEOORDEELD = "beoordeeld"

    @property
    def label(self) -> str:
        return {"open": "Open", "beoordeeld": "Beoordeeld"}[self.value]


class ChangeReason(StrEnum):
    """Why an allocation changed, as the consultant records it (JW301: see ijw_codes)."""

    ADMINISTRATIEVE_CORRECTIE = "administratieve-correctie"
    WIJZIGING = "wijziging"
    VERZOEK_AANBIEDER = "verzoek-aanbieder"
    EINDE_HULP = "einde-hulp"

    @property
    def label(self) -> str:
        return {
            "administratieve-correctie": "Administratieve correctie",
            "wijziging": "Wijziging toewijzing",
            "verzoek-aanbieder": "Op verzoek van de aanbieder",
            "einde-hulp": "Hulp beëindigd",
        }[self.value]

    # The JW301 RedenWijziging (JZ002) is not a fixed code per reason: it depends on what
    # changed since the provider's last message (domain.ijw_codes.change_reason).


def overall_progress(per_goal: dict[str, Progress] | list[Progress]) -> Progress | None:
    """One verdict from the per-goal progress: all yes → ja, all no → nee, else deels."""
    values = list(per_goal.values()) if isinstance(per_goal, dict) else list(per_goal)
    if not values:
        return None
    if all(v is Progress.JA for v in values):
        return Progress.JA
    if all(v is Progress.NEE for v in values):
        return Progress.NEE
    return Progress.DEELS


def add_working_days(day: date, days: int) -> date:
    """The date ``days`` working days after ``day`` (weekends and Dutch holidays skipped)."""
    from jeugdtoegang.domain.working_days import add_working_days as _add

    return _add(day, days)
