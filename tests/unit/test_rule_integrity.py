"""Issue 11: region rules that cannot be sidestepped (pure domain, no database).

Each test names the hole it closes; on the code before issue 11 these all failed.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from jeugdtoegang.domain.findings import Severity
from jeugdtoegang.domain.indication_policies import ChosenContract
from jeugdtoegang.domain.indication_rules import (
    CheckResult,
    EvaluationInput,
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
from jeugdtoegang.domain.term_chain import ChainLink, find_chain
from jeugdtoegang.regions import load_profile

TODAY = date(2026, 11, 23)
ZOU = load_profile("zuidoost-utrecht")
TWENTE = load_profile("twente")
ZHZ = load_profile("zuid-holland-zuid")
NV = load_profile("noord-veluwe")
ZKI = load_profile("zuid-kennemerland-ijmond")


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


def check(profile=ZOU, context_changes=None, **changes) -> CheckResult:
    ctx = {"today": TODAY, "profile": profile, "birth_date": date(2015, 3, 1)}
    ctx.update(context_changes or {})
    return check_indication(proposal(**changes), RuleContext(**ctx))


def codes(result: CheckResult) -> dict[str, Severity]:
    return {f.code: f.severity for f in result.findings}


EARLIER = ChainLink(
    id=uuid.uuid4(),
    segment="ambulant",
    product_code="45Z01",
    perspective="ontwikkeling",
    start=date(2026, 4, 15),
    end=date(2027, 1, 14),
)


# --- 1. the term follows the child ---------------------------------------------------------


def test_a_replacement_at_month_eight_and_a_half_keeps_the_original_term_start():
    result = check(
        start=date(2026, 12, 30),
        end=date(2027, 9, 29),
        context_changes={"links": (EARLIER,), "replaces_id": EARLIER.id},
    )
    assert result.term_start == date(2026, 4, 15)
    assert result.max_eind == date(2027, 1, 14)
    assert codes(result)["TERM_DEVELOPMENT_EXCEEDED"] is Severity.ERROR  # no motivation
    assert "EXTENSION_NEEDS_EVALUATION" not in codes(result)  # a change, not a follow-up


def test_an_unnamed_continuation_within_the_gap_is_a_follow_up_needing_evaluation():
    result = check(
        start=date(2027, 2, 1), end=date(2027, 10, 31), context_changes={"links": (EARLIER,)}
    )
    assert codes(result)["EXTENSION_NEEDS_EVALUATION"] is Severity.ERROR
    assert "zet de hulp voort" in next(
        f.message for f in result.findings if f.code == "EXTENSION_NEEDS_EVALUATION"
    )
    assert not result.ok


def test_a_continuation_after_an_evaluation_with_progress_must_be_lighter():
    evaluated = PredecessorInput(
        segment="ambulant",
        product_code="45Z01",
        volume=Decimal("2"),
        unit=Unit.UUR,
        frequency=Frequency.WEEK,
        start=EARLIER.start,
        end=EARLIER.end,
        evaluation=EvaluationInput({"school": Progress.JA}, EvaluationDecision.AFSCHALEN),
        id=EARLIER.id,
    )
    link = ChainLink(**{**EARLIER.__dict__, "evaluated": True})
    result = check(
        start=date(2027, 2, 1),
        end=date(2027, 10, 31),
        context_changes={"links": (link,), "continued": evaluated},
    )
    assert result.term_start == date(2027, 2, 1)  # the evaluation decided: a new term
    assert codes(result)["EXTENSION_NOT_LIGHTER"] is Severity.ERROR


def test_help_that_starts_after_the_gap_is_new_help():
    result = check(
        start=date(2027, 6, 1), end=date(2028, 2, 29), context_changes={"links": (EARLIER,)}
    )
    assert result.term_start == date(2027, 6, 1)
    assert "EXTENSION_NEEDS_EVALUATION" not in codes(result)


def test_the_chain_is_followed_over_several_links():
    first = ChainLink(
        uuid.uuid4(), "ambulant", "45Z01", "ontwikkeling", date(2026, 1, 1), date(2026, 4, 30)
    )
    second = ChainLink(
        uuid.uuid4(), "ambulant", "45Z01", "ontwikkeling", date(2026, 5, 1), date(2026, 8, 31)
    )
    chain = find_chain(
        [second, first],
        segment="ambulant",
        perspective="ontwikkeling",
        start=date(2026, 9, 1),
        gap_months=3,
        replaces=second.id,
    )
    assert chain.term_start == date(2026, 1, 1)
    assert [link.id for link in chain.links] == [first.id, second.id]


# --- 2. products carry their perspective and kind ------------------------------------------


def test_an_activating_product_as_stabilising_help_needs_approval():
    result = check(perspective=Perspective.STABILISATIE, end=date(2029, 12, 31))
    assert codes(result)["PERSPECTIVE_MISMATCH"] is Severity.ERROR  # approval, no motivation
    result = check(
        perspective=Perspective.STABILISATIE,
        end=date(2028, 1, 14),
        motivations={"*": "Chronische aandoening"},
    )
    assert codes(result)["PERSPECTIVE_MISMATCH"] is Severity.APPROVAL


def test_a_crisis_bed_for_24_months_is_an_error_after_the_crisis_maximum():
    result = check(
        segment="crisis",
        product_code="46Z01",
        perspective=Perspective.STABILISATIE,
        start=date(2027, 1, 15),
        end=date(2029, 1, 14),
        unit=Unit.UUR,
        frequency=Frequency.TOTAAL,
        volume=Decimal("40"),
    )
    assert codes(result)["TERM_CRISIS_EXCEEDED"] is Severity.ERROR
    assert result.max_eind == date(2027, 2, 11)  # 4 weeks
    assert "GROUP_OFFER_FIRST" not in codes(result)


def test_pleegzorg_gets_the_placement_term_not_the_nine_months_and_needs_thuis_tenzij():
    base = {
        "segment": "wonen",
        "product_code": "44Z02",
        "unit": Unit.ETMAAL,
        "frequency": Frequency.WEEK,
        "volume": Decimal("7"),
    }
    result = check(**base, end=date(2027, 12, 31), motivations={"*": "Thuis is niet veilig"})
    assert "TERM_DEVELOPMENT_EXCEEDED" not in codes(result)
    assert codes(result)["THUIS_TENZIJ"] is Severity.APPROVAL
    assert result.max_eind == date(2028, 1, 14)  # 12 months
    longer = check(**base, end=date(2029, 1, 14), motivations={"*": "x"})
    assert "TERM_PLACEMENT_EXCEEDED" in codes(longer)


def test_verblijf_needs_a_thuis_tenzij_motivation():
    result = check(segment="verblijf", product_code="43Z01", unit=Unit.ETMAAL, volume=Decimal(5))
    assert codes(result)["THUIS_TENZIJ"] is Severity.ERROR


# --- 4. every profile switch ---------------------------------------------------------------


def test_zhz_normenkader_twelve_months_six_hours_against_six_months_two_hours():
    result = check(
        ZHZ,
        product_code="45H01",
        start=date(2027, 1, 15),
        end=date(2028, 1, 14),
        volume=Decimal(6),
        perspective=Perspective.STABILISATIE,
        provider_agb="12345678",
        motivations={"*": "Complexe situatie"},
    )
    assert codes(result)["NORM_DURATION_EXCEEDED"] is Severity.APPROVAL
    assert codes(result)["NORM_VOLUME_EXCEEDED"] is Severity.APPROVAL
    within = check(
        ZHZ,
        product_code="45H01",
        end=date(2027, 7, 14),
        volume=Decimal(2),
        perspective=Perspective.STABILISATIE,
    )
    assert "NORM_DURATION_EXCEEDED" not in codes(within)
    assert "NORM_VOLUME_EXCEEDED" not in codes(within)


def test_twente_twelve_sessions_pass_no_longer_a_ten_session_cap():
    result = check(
        TWENTE,
        product_code="45J03",
        unit=Unit.STUKS,
        frequency=Frequency.TOTAAL,
        volume=Decimal(12),
        end=date(2027, 6, 30),
    )
    assert codes(result)["SESSIONS_EXCEEDED"] is Severity.ERROR
    ok = check(
        TWENTE,
        product_code="45J03",
        unit=Unit.STUKS,
        frequency=Frequency.TOTAAL,
        volume=Decimal(10),
        end=date(2027, 6, 30),
    )
    assert "SESSIONS_EXCEEDED" not in codes(ok)


def test_familiegroepsplan_is_an_approval_on_non_free_help_with_a_maatwerk_route():
    base = {"product_code": "45A02"}
    without = check(NV, context_changes={"has_familiegroepsplan": False}, **base)
    assert codes(without)["FAMILIEGROEPSPLAN_MISSING"] is Severity.ERROR  # no motivation yet
    maatwerk = check(
        NV,
        context_changes={"has_familiegroepsplan": False},
        motivations={"FAMILIEGROEPSPLAN_MISSING": "Geen netwerk beschikbaar"},
        **base,
    )
    assert codes(maatwerk)["FAMILIEGROEPSPLAN_MISSING"] is Severity.APPROVAL
    with_plan = check(NV, context_changes={"has_familiegroepsplan": True}, **base)
    assert "FAMILIEGROEPSPLAN_MISSING" not in codes(with_plan)
    other_region = check(ZOU, context_changes={"has_familiegroepsplan": False})
    assert "FAMILIEGROEPSPLAN_MISSING" not in codes(other_region)


def test_a_non_partner_in_a_one_lot_region_needs_approval_and_the_agreement_is_asked():
    result = check(
        ZKI,
        product_code="45A01",
        perspective=Perspective.STABILISATIE,
        context_changes={"partner_agbs": ("01000001",)},
    )
    assert codes(result)["NOT_STRATEGIC_PARTNER"] is Severity.ERROR
    assert codes(result)["PARTNER_AGREEMENT_MISSING"] is Severity.WARNING
    partner = check(
        ZKI,
        product_code="45A01",
        perspective=Perspective.STABILISATIE,
        provider_agb="01000001",
        partner_agreement="Hoofdaannemer zet onderaannemer in",
        context_changes={"partner_agbs": ("01000001",)},
    )
    assert "NOT_STRATEGIC_PARTNER" not in codes(partner)
    assert "PARTNER_AGREEMENT_MISSING" not in codes(partner)


def test_a_long_wait_proposes_the_regions_bridging_product():
    chosen = ChosenContract("12345678", "Zorg BV", waiting_weeks=10)
    result = check(
        ZHZ, product_code="45H02", end=date(2027, 7, 14), context_changes={"chosen": chosen}
    )
    finding = next(f for f in result.findings if f.code == "BRIDGING_CARE")
    assert finding.severity is Severity.WARNING and "45H03" in finding.message
    short = ChosenContract("12345678", "Zorg BV", waiting_weeks=4)
    assert "BRIDGING_CARE" not in codes(
        check(ZHZ, product_code="45H02", end=date(2027, 7, 14), context_changes={"chosen": short})
    )
    assert "BRIDGING_CARE" not in codes(check(ZOU, context_changes={"chosen": chosen}))


def test_an_identity_wish_that_the_provider_does_not_meet_is_shown():
    chosen = ChosenContract("12345678", "Zorg BV", identity=None)
    result = check(
        ZHZ,
        product_code="45H02",
        end=date(2027, 7, 14),
        identity_wish="christelijk",
        context_changes={"chosen": chosen},
    )
    assert codes(result)["IDENTITY_WISH_NOT_MET"] is Severity.WARNING
    fits = ChosenContract("12345678", "Zorg BV", identity="Christelijk")
    assert "IDENTITY_WISH_NOT_MET" not in codes(
        check(
            ZHZ,
            product_code="45H02",
            end=date(2027, 7, 14),
            identity_wish="christelijk",
            context_changes={"chosen": fits},
        )
    )


# --- 5. age and referral -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (17, None),
        (18, Severity.ERROR),  # verlengde jeugdhulp: approval, without motivation an error
        (23, Severity.ERROR),
        (25, Severity.ERROR),
    ],
)
def test_age_outside_the_jeugdwet(age, expected):
    born = date(2027 - age, 1, 1)
    result = check(context_changes={"birth_date": born, "has_18plus_perspective": True})
    found = {k: v for k, v in codes(result).items() if k.startswith("AGE_")}
    if expected is None:
        assert found == {}
    elif age >= 23:
        assert found == {"AGE_OUTSIDE_JEUGDWET": Severity.ERROR}
    else:
        assert found == {"AGE_VERLENGDE_JEUGDHULP": expected}


def test_verlengde_jeugdhulp_after_help_before_18_is_only_a_warning():
    result = check(
        context_changes={"birth_date": date(2008, 6, 1), "help_before_18_end": date(2026, 12, 31)}
    )
    assert codes(result)["AGE_VERLENGDE_JEUGDHULP"] is Severity.WARNING


@pytest.mark.parametrize(
    ("initiator", "code"),
    [(Initiator.JEUGDARTS, "03"), (Initiator.ZELFVERWIJZER, "06"), (Initiator.RECHTER, "08")],
)
def test_the_full_cod327_referrer_list(initiator, code):
    assert initiator.referrer_code == code


def test_a_referral_needs_a_date_and_expires_after_the_regions_period():
    missing = check(initiator=Initiator.HUISARTS)
    assert codes(missing)["REFERRAL_DATE_MISSING"] is Severity.ERROR
    old = check(initiator=Initiator.HUISARTS, referral_date=date(2025, 6, 1))
    assert codes(old)["REFERRAL_EXPIRED"] is Severity.ERROR  # approval without motivation
    fresh = check(initiator=Initiator.JEUGDARTS, referral_date=date(2026, 11, 1))
    assert not [c for c in codes(fresh) if c.startswith("REFERRAL")]
    zelf = check(initiator=Initiator.ZELFVERWIJZER)
    assert not [c for c in codes(zelf) if c.startswith("REFERRAL")]
