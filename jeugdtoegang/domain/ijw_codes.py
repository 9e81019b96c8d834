"""iJw 3.2 code lists and the JW301 data rules, in one place (pure, no I/O).

Every rule carries the id iStandaarden gives it, so a finding or a test names the rule:

- **IV066**: an initial allocation carries no RedenWijziging; a changed one always does.
- **JZ002** RedenWijziging: chosen from what actually changed (:func:`change_reason`):
  04 verlenging, 05 verkorting, 12 geïnitieerd door de aanbieder, 13 verwijderd (only
  when Ingangsdatum = Einddatum, **CS335**), 14 administratieve correctie. 01 is vervallen
  (**CS336**: niet gebruiken); 02 and 03 are other causes this program never infers.
- **CD077/CD078**: Omvang and Budget exclude each other (:func:`omvang_or_budget`).
- **RS005**: Volume is a whole number (for unit 83 in whole eurocent).
- **CS338**: units 14 etmaal, 16 dagdeel, 83 euro's and 84 stuks (inspanning) need
  frequency 2 (per week), 4 (per maand) or 6 (totaal binnen geldigheidsduur toewijzing).
- Unit list **WJ756**, frequency list **WMO757** (shared by iWmo and iJw; not "WJ757").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from jeugdtoegang.domain.findings import Finding, Severity
from jeugdtoegang.domain.indications import Frequency, Unit

#: units that convert exactly to minutes, for older fractional volumes (RS005)
MINUTES_PER = {Unit.UUR: Decimal(60), Unit.DAGDEEL: Decimal(240)}
#: name of the code list of Eenheid and of Frequentie (iStandaarden spelling)
UNIT_LIST = "WJ756"
FREQUENCY_LIST = "WMO757"
#: CS338: these units need a frequency per week, per maand or totaal
PERIOD_BOUND_UNITS = frozenset({"14", "16", "83", "84"})
PERIOD_FREQUENCIES = frozenset({"2", "4", "6"})


class RedenWijziging(StrEnum):
    """JZ002 RedenWijziging toewijzing (the codes this program sends or reads)."""

    CLIENT_OVERLEDEN = "02"
    CONTRACTWIJZIGING = "03"
    VERLENGING = "04"
    VERKORTING = "05"
    AANBIEDER = "12"
    VERWIJDERD = "13"
    ADMINISTRATIEVE_CORRECTIE = "14"

    @property
    def label(self) -> str:
        return {
            "02": "Cliënt overleden",
            "03": "Contractwijziging",
            "04": "Herbeoordeling: verlenging",
            "05": "Herbeoordeling: verkorting",
            "12": "Geïnitieerd door de aanbieder",
            "13": "Toewijzing verwijderd",
            "14": "Administratieve correctie",
        }[self.value]


#: JZ002 codes that are never sent (CS336: 01 vervallen)
RETIRED_REASONS = frozenset({"01"})


class VerzoekAntwoord(StrEnum):
    """WJ760 VerzoekAntwoord in a JW319 (an allocation itself is the JW301)."""

    AFGEWEZEN = "1"
    IN_ONDERZOEK = "2"

    @property
    def label(self) -> str:
        return {"1": "Verzoek afgewezen", "2": "Verzoek in onderzoek"}[self.value]


class RedenAfwijzing(StrEnum):
    """WJ759 RedenAfwijzingVerzoek in a JW319 with VerzoekAntwoord 1 (afgewezen)."""

    CLIENT_ONBEKEND = "01"
    GEEN_CONTRACT = "02"
    GEEN_RECHT = "03"
    ANDERE_VOORZIENING = "04"
    VERWIJZER_ONJUIST = "05"
    ANDERS = "06"

    @property
    def label(self) -> str:
        return {
            "01": "Cliënt niet bekend bij de gemeente",
            "02": "Aanbieder niet gecontracteerd voor dit product",
            "03": "Geen recht op deze jeugdhulp",
            "04": "Een andere (voorliggende) voorziening past beter",
            "05": "Verwijzer onjuist of ontbreekt",
            "06": "Andere reden (zie commentaar)",
        }[self.value]


class RedenBeeindiging(StrEnum):
    """JZ588 Reden beëindiging in a JW307 stop zorg (the common codes)."""

    OVERLIJDEN = "01"
    VERHUIZING = "02"
    DOELEN_BEREIKT = "07"
    AFGEBROKEN_CLIENT = "08"
    NIET_DOOR_CLIENT_GEWENST = "09"
    EINDE_TOEWIJZING = "10"
    VERWIJZING_ELDERS = "11"
    EINDE_ZORGPLICHT = "12"
    ANDERS = "25"

    @property
    def label(self) -> str:
        return {
            "01": "Overlijden",
            "02": "Verhuizing",
            "07": "Doelen bereikt",
            "08": "Zorg afgebroken door de cliënt",
            "09": "Zorg niet meer gewenst door de cliënt",
            "10": "Einde toewijzing",
            "11": "Doorverwijzing naar andere hulp",
            "12": "Einde zorgplicht",
            "25": "Andere reden",
        }[self.value]


@dataclass(frozen=True)
class AllocationTerms:
    """The JW301 fields of one allocation that a change can touch."""

    start: date
    end: date
    volume: Decimal
    unit_code: str
    frequency_code: str
    budget_cents: int | None = None


class ChangeCause(StrEnum):
    """Who or what caused a change, as the consultant records it."""

    HERBEOORDELING = "herbeoordeling"
    AANBIEDER = "aanbieder"
    CORRECTIE = "correctie"
    INTREKKING = "intrekking"


#: the stored reason of a change (indications.ChangeReason value) → its cause
_CAUSES = {
    "administratieve-correctie": ChangeCause.CORRECTIE,
    "verzoek-aanbieder": ChangeCause.AANBIEDER,
    "intrekking": ChangeCause.INTREKKING,
}


def cause_of(stored_reason: object) -> ChangeCause:
    """The cause behind a stored change reason; a plain change is a reassessment."""
    value = getattr(stored_reason, "value", stored_reason)
    return (
        _CAUSES.get(str(value), ChangeCause.HERBEOORDELING) if value else ChangeCause.HERBEOORDELING
    )


def change_reason(
    previous: AllocationTerms | None,
    current: AllocationTerms,
    cause: ChangeCause = ChangeCause.HERBEOORDELING,
) -> RedenWijziging | None:
    """JZ002 for ``current`` given what the provider last received (``previous``).

    IV066: no reason on an initial allocation (``previous`` is None). CS335: 13 only when
    the allocation is removed, i.e. Ingangsdatum = Einddatum. A change the provider asked
    for is 12; a correction of recorded data 14; a later end 04, an earlier end 05.
    """
    if previous is None:
        return None
    if cause is ChangeCause.INTREKKING and current.start == current.end:
        return RedenWijziging.VERWIJDERD
    if cause is ChangeCause.CORRECTIE:
        return RedenWijziging.ADMINISTRATIEVE_CORRECTIE
    if cause is ChangeCause.AANBIEDER:
        return RedenWijziging.AANBIEDER
    if current.end > previous.end:
        return RedenWijziging.VERLENGING
    if current.end < previous.end:
        return RedenWijziging.VERKORTING
    return RedenWijziging.ADMINISTRATIEVE_CORRECTIE


def reason_findings(reason: str | None, *, initial: bool, start: date, end: date) -> list[str]:
    """Violations of IV066/CS335/CS336 for a RedenWijziging as it would be sent."""
    problems: list[str] = []
    if initial and reason is not None:
        problems.append("IV066")
    if not initial and reason is None:
        problems.append("IV066")
    if reason in RETIRED_REASONS:
        problems.append("CS336")
    if reason == RedenWijziging.VERWIJDERD.value and start != end:
        problems.append("CS335")
    return problems


@dataclass(frozen=True)
class Omvang:
    """CDT_Omvang: Volume (whole number), Eenheid (WJ756), Frequentie (WMO757)."""

    volume: int
    eenheid: str
    frequentie: str


def omvang_or_budget(
    volume: Decimal, unit: Unit, frequency: Frequency, budget_cents: int | None = None
) -> tuple[Omvang | None, int | None]:
    """Exactly one of Omvang and Budget (CD077/CD078).

    A euro allocation for the whole term (frequency 6) is sent as Budget in eurocent; any
    other allocation as Omvang, euro volumes in eurocent (unit 83). A fractional volume in
    hours or dagdelen (recorded before the RS005 finding existed) goes out in minutes;
    any other fractional volume raises ``ValueError("RS005")``: it cannot be sent.
    """
    if unit is Unit.EURO:
        cents = volume * 100
        if cents != cents.to_integral_value():
            raise ValueError("RS005")
        if frequency is Frequency.TOTAAL:
            return None, int(budget_cents if budget_cents is not None else cents)
        return Omvang(int(cents), unit.code, frequency.code), None
    if volume != volume.to_integral_value():
        minutes = volume * MINUTES_PER.get(unit, Decimal("0.5"))
        if unit not in MINUTES_PER or minutes != minutes.to_integral_value():
            raise ValueError("RS005")
        # an older fractional volume is sent without loss in minutes (WJ756 01)
        return Omvang(int(minutes), Unit.MINUUT.code, frequency.code), None
    return Omvang(int(volume), unit.code, frequency.code), None


def jw301_findings(volume: Decimal, unit: Unit, frequency: Frequency) -> list[Finding]:
    """Findings for the omvang of a proposed indication, where it is made (not at export)."""
    found: list[Finding] = []
    if volume > 0:
        whole = volume * 100 if unit is Unit.EURO else volume
        if whole != whole.to_integral_value():
            text = (
                "Een bedrag in euro mag hoogstens 2 cijfers achter de komma hebben"
                if unit is Unit.EURO
                else f"De omvang moet een heel getal zijn (geen {volume} {unit.label}); "
                "kies een kleinere eenheid, bijvoorbeeld minuten in plaats van uren"
            )
            found.append(
                Finding("IJW_RS005_VOLUME_WHOLE", Severity.ERROR, text + " (iJw RS005).", "volume")
            )
    if unit.code in PERIOD_BOUND_UNITS and frequency.code not in PERIOD_FREQUENCIES:
        found.append(
            Finding(
                "IJW_CS338_FREQUENCY",
                Severity.ERROR,
                f"Bij de eenheid {unit.label} hoort een frequentie per week, per maand of "
                f"totaal binnen de looptijd, niet {frequency.label} (iJw CS338).",
                "frequentie",
            )
        )
    return found
