"""Awb terms: the decision term with opschorting and verdaging, bezwaar from the day after
sending, and the motivation rules that block approval."""

from __future__ import annotations

from datetime import date

import pytest

from jeugdtoegang.domain.decisions import DecisionType, bezwaar_last_day
from jeugdtoegang.domain.motivation import (
    MotivationParts,
    check_approvable,
    check_end_date,
    missing_parts,
)
from jeugdtoegang.domain.requests import Suspension, check_extension, decision_term
from jeugdtoegang.errors import RuleViolationError

RECEIVED = date(2026, 10, 1)
COMPLETE = MotivationParts(
    facts=("Daan is vaak boos.",),
    jeugdwet_artikel="artikel 2.3",
    verordening_artikel="artikel 5",
    weighing="Oma helpt, maar niet genoeg.",
)


def test_the_decision_term_is_eight_weeks_after_receipt() -> None:
    term = decision_term(RECEIVED, date(2026, 10, 20))
    assert term.due == date(2026, 11, 26)
    assert term.days_left(date(2026, 10, 20)) == 37
    assert not term.overdue(date(2026, 11, 26)) and term.overdue(date(2026, 11, 27))


def test_an_opschorting_adds_the_days_waited_for_information() -> None:
    waited = Suspension(date(2026, 10, 10), date(2026, 10, 24), "verslag huisarts")
    term = decision_term(RECEIVED, date(2026, 11, 1), suspensions=[waited])
    assert term.suspended_days == 14
    assert term.due == date(2026, 12, 10)


def test_the_days_left_stand_still_while_an_opschorting_runs() -> None:
    running = Suspension(date(2026, 10, 10), None, "verslag huisarts")
    first = decision_term(RECEIVED, date(2026, 10, 15), suspensions=[running])
    later = decision_term(RECEIVED, date(2026, 11, 30), suspensions=[running])
    assert first.suspended_now and later.suspended_now
    assert first.days_left(date(2026, 10, 15)) == later.days_left(date(2026, 11, 30)) == 47
    assert not later.overdue(date(2026, 11, 30))


def test_verdaging_extends_the_term_when_told_in_time() -> None:
    term = decision_term(RECEIVED, date(2026, 11, 20))
    check_extension(term, date(2026, 11, 20), 4, "onderzoek duurt langer")
    extended = decision_term(RECEIVED, date(2026, 11, 20), extension_weeks=4)
    assert extended.due == date(2026, 12, 24)


def test_verdaging_after_the_term_ended_or_without_reason_is_refused() -> None:
    term = decision_term(RECEIVED, date(2026, 12, 1))
    with pytest.raises(RuleViolationError, match="Awb 4:14"):
        check_extension(term, date(2026, 11, 27), 4, "te laat")
    with pytest.raises(RuleViolationError):
        check_extension(term, date(2026, 11, 20), 4, " ")
    with pytest.raises(RuleViolationError):
        check_extension(term, date(2026, 11, 20), 9, "te lang")


def test_the_bezwaar_term_starts_the_day_after_the_verzenddatum() -> None:
    # sent Friday 27 November: day 1 is Saturday 28 November; six weeks end Friday 8 January
    assert bezwaar_last_day(date(2026, 11, 27)) == date(2027, 1, 8)
    # sent Thursday 12 November: ends Thursday 24 December (not the 25th, a holiday)
    assert bezwaar_last_day(date(2026, 11, 12)) == date(2026, 12, 24)
    # sent Friday 13 November: ends on Christmas, runs on past Boxing Day and the weekend
    assert bezwaar_last_day(date(2026, 11, 13)) == date(2026, 12, 28)


def test_each_decision_type_has_its_own_required_parts() -> None:
    assert missing_parts(DecisionType.TOEKENNING, COMPLETE) == []
    assert missing_parts(DecisionType.AFWIJZING, COMPLETE) == ["reason_category", "alternative"]
    assert missing_parts(DecisionType.GEDEELTELIJKE_TOEKENNING, COMPLETE) == [
        "refused_part",
        "refused_reason",
    ]
    assert missing_parts(DecisionType.BEEINDIGING, COMPLETE) == [
        "evaluation_result",
        "legal_ground",
    ]
    assert missing_parts(DecisionType.WIJZIGING, COMPLETE) == ["change"]
    assert missing_parts(DecisionType.VERLENGING, COMPLETE) == ["evaluation_result"]
    assert missing_parts(DecisionType.CORRECTIE, COMPLETE) == ["withdrawal_reason"]
    assert "weighing" in missing_parts(DecisionType.TOEKENNING, COMPLETE.merged(weighing=""))


def test_approval_is_refused_while_a_required_part_is_empty() -> None:
    today = date(2026, 11, 23)
    period = [(date(2026, 12, 1), date(2027, 8, 31))]
    with pytest.raises(RuleViolationError, match="de afweging"):
        check_approvable(DecisionType.TOEKENNING, COMPLETE.merged(weighing=""), period, today)
    check_approvable(DecisionType.TOEKENNING, COMPLETE, period, today)


def test_a_period_wholly_in_the_past_cannot_be_approved() -> None:
    today = date(2026, 11, 23)
    past = [(date(2026, 1, 1), date(2026, 9, 30))]
    with pytest.raises(RuleViolationError, match="verleden"):
        check_approvable(
            DecisionType.TOEKENNING, COMPLETE.merged(retroactive_reason="x"), past, today
        )


def test_a_period_starting_in_the_past_needs_a_retroactive_motivation() -> None:
    today = date(2026, 11, 23)
    started = [(date(2026, 11, 1), date(2027, 7, 31))]
    with pytest.raises(RuleViolationError, match="voor de datum van het besluit"):
        check_approvable(DecisionType.TOEKENNING, COMPLETE, started, today)
    check_approvable(
        DecisionType.TOEKENNING,
        COMPLETE.merged(retroactive_reason="Crisis: de hulp moest direct beginnen."),
        started,
        today,
    )


def test_a_beeindiging_needs_a_date_and_a_past_date_needs_its_own_motivation() -> None:
    today = date(2026, 11, 23)
    with pytest.raises(RuleViolationError):
        check_end_date(None, today, "")
    with pytest.raises(RuleViolationError, match="terugwerkt"):
        check_end_date(date(2026, 1, 31), today, "")
    check_end_date(date(2026, 12, 31), today, "")
