"""The indication rule check: every finding code, follow-ups, costs, and robustness."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jeugdtoegang.domain.costs import budget_cents, max_cost
from jeugdtoegang.domain.findings import Finding, Severity
from jeugdtoegang.domain.indication_rules import (
    CheckResult,
    EvaluationInput,
    ExistingTerm,
    IndicationProposal,
    PredecessorInput,
    RuleContext,
    check_indication,
)
from jeugdtoegang.domain.indications import (
    EvaluationDecision,
    Frequency,
    Initiator,
    Perspective,
    Progress,
    Unit,
)
from jeugdtoegang.regions import load_profile

TODAY = date(2026, 11, 23)
PROFILE = load_profile("zuidoost-utrecht")


def proposal(**changes) -> IndicationProposal:
    values = {
        "segment": "ambulant",
        "product_code": "45Z01",
        "perspective": Perspective.ONTWIKKELING,
        "start": date(2027, 1, 15),
        "end": date(2027, 10, 14),
        "volume": Decimal("2"),
        "unit": Unit.UUR,
        "frequency": Frequency.WEEK,
        "tariff": Decimal("80.00"),
        "provider_agb": "12345678",
    }
    values.update(changes)
    return IndicationProposal(**values)


def context(**changes) -> RuleContext:
    values = {"today": TODAY, "profile": PROFILE, "birth_date": date(2015, 3, 1)}
    values.update(changes)
    return RuleContext(**values)


def check(proposal_changes=None, **context_changes) -> CheckResult:
    return check_indication(proposal(**(proposal_changes or {})), context(**context_changes))


def codes(result: CheckResult) -> dict[str, Severity]:
    return {f.code: f.severity for f in result.findings}


def predecessor(progress: dict[str, Progress] | None, **changes) -> PredecessorInput:
    values = {
        "segment": "ambulant",
        "product_code": "45Z01",
        "volume": Decimal("2"),
        "unit": Unit.UUR,
        "frequency": Frequency.WEEK,
        "start": date(2026, 4, 15),
        "end": date(2027, 1, 14),
        "evaluation": EvaluationInput(progress, EvaluationDecision.AFSCHALEN)
        if progress is not None
        else None,
    }
    values.update(changes)
    return PredecessorInput(**values)


# --- terms ----------------------------------------------------------------------------------


def test_nine_months_of_development_help_is_fine_and_suggested():
    result = check()
    assert result.ok and not result.approval_required
    assert result.findings == ()
    assert result.max_eind == date(2027, 10, 14)


def test_end_before_start_is_an_error():
    result = check({"end": date(2027, 1, 1)})
    assert codes(result) == {"END_BEFORE_START": Severity.ERROR}
    assert not result.ok


def test_one_day_past_the_region_maximum_needs_tenzij_approval():
    result = check({"end": date(2027, 10, 15), "motivations": {"*": "Behandeling loopt door"}})
    assert codes(result) == {"TERM_DEVELOPMENT_EXCEEDED": Severity.APPROVAL}
    assert result.ok and result.approval_required
    assert "9 maanden" in result.findings[0].message
    assert "14-10-2027" in result.findings[0].message


def test_an_approval_finding_without_motivation_is_an_error():
    result = check({"end": date(2027, 12, 31)})
    assert codes(result) == {"TERM_DEVELOPMENT_EXCEEDED": Severity.ERROR}
    assert not result.ok


def test_a_motivation_for_another_code_does_not_count():
    result = check({"end": date(2027, 12, 31), "motivations": {"OVERLAP": "iets anders"}})
    assert codes(result)["TERM_DEVELOPMENT_EXCEEDED"] is Severity.ERROR


def test_a_region_with_a_twelve_month_maximum_allows_twelve_months():
    twente = load_profile("twente")
    months = twente.term_rules.development_max_months
    from jeugdtoegang.domain.terms import term_end

    result = check_indication(
        proposal(end=term_end(date(2027, 1, 15), months), product_code=_any_product(twente)),
        context(profile=twente),
    )
    assert "TERM_DEVELOPMENT_EXCEEDED" not in codes(result)


def _any_product(profile) -> str:
    return next(p.code for p in profile.products if p.segment == "ambulant")


def test_stabilising_help_may_run_longer_up_to_the_stabilising_maximum():
    longer = check(
        {"perspective": Perspective.STABILISATIE, "product_code": "45Z02", "end": date(2029, 1, 14)}
    )
    assert longer.ok and longer.findings == ()
    assert longer.max_eind == date(2030, 1, 14)
    too_long = check(
        {"perspective": Perspective.STABILISATIE, "product_code": "45Z02", "end": date(2030, 1, 15)}
    )
    assert codes(too_long) == {"TERM_STABILISING_EXCEEDED": Severity.ERROR}


# --- provider findings pass through with per-code motivation ----------------------------------


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("PROVIDER_NOT_ELIGIBLE", Severity.APPROVAL),
        ("PROVIDER_SUSPENDED", Severity.ERROR),
        ("GROUP_OFFER_FIRST", Severity.APPROVAL),
        ("WONEN_ORDER", Severity.APPROVAL),
    ],
)
def test_provider_findings_are_part_of_the_check(code, severity):
    finding = Finding(code, severity, "tekst")
    without = check(provider_findings=(finding,))
    assert codes(without)[code] is Severity.ERROR
    motivated = check({"motivations": {code: "Omdat het moet"}}, provider_findings=(finding,))
    assert codes(motivated)[code] is severity
    assert motivated.ok is (severity is not Severity.ERROR)


# --- overlap, 18, retroactive, budget -----------------------------------------------------------


def test_overlap_with_the_same_product_is_an_error_and_other_products_are_fine():
    other = ExistingTerm(uuid.uuid4(), "45Z01", date(2027, 10, 1), date(2028, 1, 31))
    result = check(existing=(other,))
    assert codes(result) == {"OVERLAP": Severity.ERROR}
    different = ExistingTerm(uuid.uuid4(), "45Z02", date(2027, 1, 1), date(2027, 12, 31))
    assert check(existing=(different,)).ok
    before = ExistingTerm(uuid.uuid4(), "45Z01", date(2026, 4, 15), date(2027, 1, 14))
    assert check(existing=(before,)).ok  # ends the day before: no overlap


def test_the_proposal_itself_is_not_an_overlap():
    own = uuid.uuid4()
    term = ExistingTerm(own, "45Z01", date(2027, 1, 15), date(2027, 10, 14))
    assert check({"own_id": own}, existing=(term,)).ok


def test_turning_18_during_the_term_needs_the_plans_18_plus_perspective():
    missing = check(birth_date=date(2009, 5, 1))
    assert codes(missing) == {"TURNS_18_DURING_TERM": Severity.ERROR}
    present = check(birth_date=date(2009, 5, 1), has_18plus_perspective=True)
    assert codes(present) == {"TURNS_18_DURING_TERM": Severity.WARNING}
    assert present.ok
    after_term = check(birth_date=date(2009, 12, 1))
    assert after_term.findings == ()


def test_a_start_in_the_past_needs_approval():
    result = check(
        {"start": date(2026, 11, 1), "end": date(2027, 7, 31), "motivations": {"*": "Crisis"}}
    )
    assert codes(result) == {"RETROACTIVE_START": Severity.APPROVAL}
    assert check({"start": TODAY, "end": date(2027, 8, 22)}).ok


def test_budget_signal_is_only_a_warning():
    # 6.400 for the term, of which ~3.900 falls in the first half year (one figure, pro rata)
    result = check(provider_half_year_budget=Decimal("3000"), provider_committed=Decimal("0"))
    assert codes(result) == {"BUDGET_SIGNAL": Severity.WARNING}
    assert "halfjaarbudget van € 3.000,00" in result.findings[0].message
    assert result.ok and not result.approval_required
    assert check(provider_half_year_budget=Decimal("7000")).findings == ()


def test_the_providers_own_budget_signal_is_not_doubled():
    signal = Finding("BUDGET_SIGNAL", Severity.WARNING, "signaal")
    result = check(provider_findings=(signal,), provider_half_year_budget=Decimal("1"))
    assert [f.code for f in result.findings] == ["BUDGET_SIGNAL"]


def test_a_request_by_the_provider_is_marked_for_assessment():
    result = check({"initiator": Initiator.AANBIEDER})
    assert codes(result) == {"PROVIDER_INITIATED": Severity.WARNING}
    assert "nooit zelf" in result.findings[0].message


def test_unknown_product_and_wrong_segment_are_errors():
    assert "UNKNOWN_PRODUCT" in codes(check({"product_code": "99X99"}))
    assert "PRODUCT_SEGMENT_MISMATCH" in codes(check({"product_code": "43Z01"}))
    assert "VOLUME_INVALID" in codes(check({"volume": Decimal("0")}))


# --- follow-ups (the heart of "tenzij") ---------------------------------------------------------


def test_a_follow_up_without_evaluation_is_refused():
    result = check({"predecessor": predecessor(None)})
    assert codes(result) == {"EXTENSION_NEEDS_EVALUATION": Severity.ERROR}


def test_after_progress_the_same_help_needs_approval():
    result = check({"predecessor": predecessor({"a": Progress.JA, "b": Progress.DEELS})})
    assert codes(result) == {"EXTENSION_NOT_LIGHTER": Severity.ERROR}  # no motivation
    motivated = check(
        {
            "predecessor": predecessor({"a": Progress.JA}),
            "motivations": {"EXTENSION_NOT_LIGHTER": "Terugval dreigt bij afschalen"},
        }
    )
    assert codes(motivated) == {"EXTENSION_NOT_LIGHTER": Severity.APPROVAL}


@pytest.mark.parametrize(
    "lighter",
    [
        {"volume": Decimal("1")},  # lower volume
        {"volume": Decimal("6"), "frequency": Frequency.MAAND},  # 6 a month < 2 a week
        {"product_code": "45Z03", "unit": Unit.DAGDEEL},  # group offer
    ],
)
def test_after_progress_lighter_help_needs_no_approval(lighter):
    result = check({"predecessor": predecessor({"a": Progress.JA}), **lighter})
    assert "EXTENSION_NOT_LIGHTER" not in codes(result)


def test_a_lighter_segment_after_progress_needs_no_approval():
    before = predecessor({"a": Progress.JA}, segment="verblijf", product_code="43Z01")
    result = check({"predecessor": before, "volume": Decimal("5")})
    assert "EXTENSION_NOT_LIGHTER" not in codes(result)


def test_after_no_progress_only_a_phase_out_is_allowed_without_approval():
    before = predecessor({"a": Progress.NEE, "b": Progress.NEE})
    phase_out = check({"predecessor": before, "volume": Decimal("1"), "end": date(2027, 4, 14)})
    assert phase_out.ok and phase_out.findings == ()
    too_long = check({"predecessor": before, "volume": Decimal("1"), "end": date(2027, 4, 15)})
    assert codes(too_long) == {"NO_PROGRESS_PHASE_OUT": Severity.ERROR}
    same_volume = check(
        {
            "predecessor": before,
            "end": date(2027, 4, 14),
            "motivations": {"NO_PROGRESS_PHASE_OUT": "Andere aanpak binnen dezelfde hulp"},
        }
    )
    assert codes(same_volume) == {"NO_PROGRESS_PHASE_OUT": Severity.APPROVAL}


def test_partial_progress_counts_as_progress():
    result = check({"predecessor": predecessor({"a": Progress.NEE, "b": Progress.JA})})
    assert "EXTENSION_NOT_LIGHTER" in codes(result)


# --- costs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("volume", "tariff", "unit", "frequency", "start", "end", "cost"),
    [
        ("2", "80.00", Unit.UUR, Frequency.WEEK, date(2027, 1, 15), date(2027, 10, 14), "6240.00"),
        ("2.5", "87.43", Unit.UUR, Frequency.WEEK, date(2027, 1, 1), date(2027, 1, 8), "437.15"),
        (
            "90",
            "1.37",
            Unit.MINUUT,
            Frequency.TOTAAL,
            date(2027, 1, 1),
            date(2027, 6, 30),
            "123.30",
        ),
        ("1", "212.50", Unit.ETMAAL, Frequency.DAG, date(2028, 2, 1), date(2028, 2, 29), "6162.50"),
        (
            "4",
            "33.335",
            Unit.DAGDEEL,
            Frequency.MAAND,
            date(2027, 1, 15),
            date(2027, 10, 14),
            "1200.06",
        ),
        ("0.1", "0.10", Unit.UUR, Frequency.TOTAAL, date(2027, 1, 1), date(2027, 1, 1), "0.01"),
    ],
)
def test_max_cost_is_exact_to_the_cent(volume, tariff, unit, frequency, start, end, cost):
    result = max_cost(Decimal(volume), Decimal(tariff), unit, frequency, start, end)
    assert result == Decimal(cost)
    assert str(result) == cost


def test_a_euro_unit_is_a_budget_in_eurocent():
    cost = max_cost(
        Decimal("250.00"), None, Unit.EURO, Frequency.MAAND, date(2027, 1, 1), date(2027, 6, 30)
    )
    assert cost == Decimal("1500.00")
    assert (
        budget_cents(
            Decimal("250.00"), Unit.EURO, Frequency.MAAND, date(2027, 1, 1), date(2027, 6, 30)
        )
        == 150000
    )


def test_the_check_reports_the_max_cost():
    assert check().max_kosten == Decimal("6240.00")
    assert check({"tariff": None}).max_kosten is None


# --- robustness -----------------------------------------------------------------------------

_codes = st.sampled_from(["45Z01", "45Z02", "45Z03", "43Z01", "99X99", "", "45z01 "])
_segments = st.sampled_from([s.id for s in PROFILE.segments] + ["onbekend", ""])
_days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
_decimals = st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**6), max_value=10**6)
_progress = st.dictionaries(st.text(max_size=3), st.sampled_from(list(Progress)), max_size=3)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    segment=_segments,
    code=_codes,
    perspective=st.sampled_from(list(Perspective)),
    start=_days,
    end=st.none() | _days,
    volume=_decimals,
    unit=st.sampled_from(list(Unit)),
    frequency=st.sampled_from(list(Frequency)),
    initiator=st.sampled_from(list(Initiator)),
    tariff=st.none() | _decimals,
    motivations=st.dictionaries(st.text(max_size=30), st.text(max_size=10), max_size=3),
    with_predecessor=st.booleans(),
    progress=st.none() | _progress,
    birth=st.none() | _days,
    today=_days,
    budget=st.none() | _decimals,
)
def test_no_combination_of_inputs_crashes_the_checker(
    segment,
    code,
    perspective,
    start,
    end,
    volume,
    unit,
    frequency,
    initiator,
    tariff,
    motivations,
    with_predecessor,
    progress,
    birth,
    today,
    budget,
):
    before = None
    if with_predecessor:
        before = PredecessorInput(
            segment=segment,
            product_code=code,
            volume=volume,
            unit=unit,
            frequency=frequency,
            start=start,
            end=end or start,
            evaluation=EvaluationInput(progress) if progress is not None else None,
        )
    result = check_indication(
        IndicationProposal(
            segment=segment,
            product_code=code,
            perspective=perspective,
            start=start,
            end=end,
            volume=volume,
            unit=unit,
            frequency=frequency,
            initiator=initiator,
            tariff=tariff,
            motivations=motivations,
            predecessor=before,
        ),
        RuleContext(
            today=today,
            profile=PROFILE,
            birth_date=birth,
            provider_half_year_budget=budget,
        ),
    )
    assert isinstance(result, CheckResult)
    assert result.ok == all(f.severity is not Severity.ERROR for f in result.findings)
    assert all(f.message for f in result.findings)
