"""The iJw 3.2 JW301 data rules, one table per rule, each case citing its rule id."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jeugdtoegang.domain.ijw_codes import (
    FREQUENCY_LIST,
    UNIT_LIST,
    AllocationTerms,
    ChangeCause,
    Omvang,
    RedenWijziging,
    change_reason,
    jw301_findings,
    omvang_or_budget,
    reason_findings,
)
from jeugdtoegang.domain.indication_rules import check_indication
from jeugdtoegang.domain.indications import Frequency, Unit
from tests.unit.test_indication_rules import context, proposal

START = date(2027, 1, 18)
END = date(2027, 10, 17)


def terms(start: date = START, end: date = END, volume: str = "2") -> AllocationTerms:
    return AllocationTerms(start, end, Decimal(volume), "04", "2")


@pytest.mark.parametrize(
    ("rule", "previous", "current", "cause", "expected"),
    [
        ("IV066 initial: no reason", None, terms(), ChangeCause.HERBEOORDELING, None),
        ("IV066 initial even when 'wijzigen' made it", None, terms(), ChangeCause.AANBIEDER, None),
        (
            "JZ002 04 verlenging",
            terms(),
            terms(end=date(2027, 12, 31)),
            ChangeCause.HERBEOORDELING,
            RedenWijziging.VERLENGING,
        ),
        (
            "JZ002 05 verkorting (not 02 cliënt overleden)",
            terms(),
            terms(end=date(2027, 7, 15)),
            ChangeCause.HERBEOORDELING,
            RedenWijziging.VERKORTING,
        ),
        (
            "JZ002 05 ending help early (not 03 contractwijziging)",
            terms(),
            terms(end=date(2027, 3, 1)),
            ChangeCause.HERBEOORDELING,
            RedenWijziging.VERKORTING,
        ),
        (
            "JZ002 12 provider's request (not 13)",
            terms(),
            terms(end=date(2027, 12, 31)),
            ChangeCause.AANBIEDER,
            RedenWijziging.AANBIEDER,
        ),
        (
            "JZ002 14 administratieve correctie (not 01, CS336)",
            terms(),
            terms(end=date(2027, 10, 10)),
            ChangeCause.CORRECTIE,
            RedenWijziging.ADMINISTRATIEVE_CORRECTIE,
        ),
        (
            "CS335 13 removal: Ingangsdatum = Einddatum",
            terms(),
            terms(end=START),
            ChangeCause.INTREKKING,
            RedenWijziging.VERWIJDERD,
        ),
        (
            "CS335 no 13 when start != end",
            terms(),
            terms(end=date(2027, 5, 1)),
            ChangeCause.INTREKKING,
            RedenWijziging.VERKORTING,
        ),
    ],
)
def test_jz002_reason_follows_from_what_changed(rule, previous, current, cause, expected):
    reason = change_reason(previous, current, cause)
    assert reason == expected, rule
    sent = reason.value if reason else None
    assert (
        reason_findings(sent, initial=previous is None, start=current.start, end=current.end) == []
    ), rule


@pytest.mark.parametrize(
    ("rule", "reason", "initial", "start", "end", "violations"),
    [
        ("IV066", "04", True, START, END, ["IV066"]),
        ("IV066", None, False, START, END, ["IV066"]),
        ("CS336", "01", False, START, END, ["CS336"]),
        ("CS335", "13", False, START, END, ["CS335"]),
        ("CS335", "13", False, START, START, []),
    ],
)
def test_reason_rules_are_checked(rule, reason, initial, start, end, violations):
    assert reason_findings(reason, initial=initial, start=start, end=end) == violations, rule


@pytest.mark.parametrize("unit", list(Unit))
@pytest.mark.parametrize("frequency", list(Frequency))
def test_cd077_cd078_omvang_and_budget_exclude_each_other(unit, frequency):
    omvang, budget = omvang_or_budget(Decimal("3"), unit, frequency, budget_cents=90000)
    assert (omvang is None) != (budget is None)


@pytest.mark.parametrize(
    ("rule", "volume", "unit", "frequency", "omvang", "budget"),
    [
        (
            "CD077 euro per week: Omvang in eurocent, unit 83",
            "125.50",
            Unit.EURO,
            Frequency.WEEK,
            Omvang(12550, "83", "2"),
            None,
        ),
        ("CD078 euro for the term: Budget only", "900", Unit.EURO, Frequency.TOTAAL, None, 90000),
        ("WJ756 uur 04 / WMO757 week 2", "2", Unit.UUR, Frequency.WEEK, Omvang(2, "04", "2"), None),
        (
            "WJ756 84 stuks (inspanning) is usable",
            "6",
            Unit.STUKS_INSPANNING,
            Frequency.TOTAAL,
            Omvang(6, "84", "6"),
            None,
        ),
    ],
)
def test_omvang_or_budget_mapping(rule, volume, unit, frequency, omvang, budget):
    assert omvang_or_budget(Decimal(volume), unit, frequency, 90000) == (omvang, budget), rule


@pytest.mark.parametrize(("volume", "unit"), [("1.5", Unit.ETMAAL), ("12.345", Unit.EURO)])
def test_rs005_a_broken_volume_never_reaches_the_message(volume, unit):
    with pytest.raises(ValueError, match="RS005"):
        omvang_or_budget(Decimal(volume), unit, Frequency.WEEK)


def test_rs005_an_older_fractional_hour_volume_goes_out_in_whole_minutes():
    assert omvang_or_budget(Decimal("1.5"), Unit.UUR, Frequency.WEEK) == (
        Omvang(90, "01", "2"),
        None,
    )


@pytest.mark.parametrize(
    ("rule", "volume", "unit", "frequency", "codes"),
    [
        ("RS005", "1.5", Unit.UUR, Frequency.WEEK, ["IJW_RS005_VOLUME_WHOLE"]),
        ("RS005", "2", Unit.UUR, Frequency.WEEK, []),
        ("RS005 eurocent", "12.345", Unit.EURO, Frequency.WEEK, ["IJW_RS005_VOLUME_WHOLE"]),
        ("RS005 eurocent", "12.34", Unit.EURO, Frequency.WEEK, []),
        ("CS338 etmaal per dag", "1", Unit.ETMAAL, Frequency.DAG, ["IJW_CS338_FREQUENCY"]),
        ("CS338 dagdeel per dag", "1", Unit.DAGDEEL, Frequency.DAG, ["IJW_CS338_FREQUENCY"]),
        ("CS338 euro per dag", "10", Unit.EURO, Frequency.DAG, ["IJW_CS338_FREQUENCY"]),
        ("CS338 84 per dag", "1", Unit.STUKS_INSPANNING, Frequency.DAG, ["IJW_CS338_FREQUENCY"]),
        ("CS338 etmaal per week", "7", Unit.ETMAAL, Frequency.WEEK, []),
        ("CS338 etmaal per maand", "30", Unit.ETMAAL, Frequency.MAAND, []),
        ("CS338 84 totaal", "6", Unit.STUKS_INSPANNING, Frequency.TOTAAL, []),
        ("CS338 does not bind uur", "1", Unit.UUR, Frequency.DAG, []),
        ("CS338 does not bind minuut", "30", Unit.MINUUT, Frequency.DAG, []),
        ("CS338 does not bind 82 stuks", "1", Unit.STUKS, Frequency.DAG, []),
    ],
)
def test_jw301_findings_per_rule(rule, volume, unit, frequency, codes):
    found = jw301_findings(Decimal(volume), unit, frequency)
    assert [f.code for f in found] == codes, rule
    assert all(rule.split()[0] in f.message for f in found), rule


def test_the_rules_are_findings_where_the_indication_is_made():
    result = check_indication(
        proposal(volume=Decimal("1.5"), unit=Unit.ETMAAL, frequency=Frequency.DAG), context()
    )
    assert {"IJW_RS005_VOLUME_WHOLE", "IJW_CS338_FREQUENCY"} <= set(result.codes())
    assert result.ok is False
    assert check_indication(proposal(), context()).ok


def test_code_lists_are_named_as_published():
    assert FREQUENCY_LIST == "WMO757"
    assert UNIT_LIST == "WJ756"
    assert Frequency.WEEK.code == "2" and Unit.STUKS_INSPANNING.code == "84"
