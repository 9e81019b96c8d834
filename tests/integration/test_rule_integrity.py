"""Issue 11 against a real database: the rules hold where people would rather they didn't."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jeugdtoegang.domain.indications import (
    EvaluationDecision,
    Frequency,
    IndicationStatus,
    Perspective,
    Progress,
    Unit,
)
from jeugdtoegang.errors import RuleViolationError
from jeugdtoegang.services import indications as svc
from tests.indication_helpers import add_provider, draft, make_family

pytestmark = pytest.mark.postgres


def _issued(ctx, lead_ctx, person_id, **changes):
    view = svc.save_concept(ctx, draft(person_id, **changes))
    view = svc.submit_indication(ctx, view.id)
    if view.status is IndicationStatus.INGEDIEND:
        view = svc.approve_indication(lead_ctx, view.id)
    return svc.issue_indication(ctx, view.id)


def _codes(view_or_result):
    return {f.code: f.severity.value for f in view_or_result.findings}


def test_replacing_at_month_eight_and_a_half_keeps_the_original_term(ctx, lead_ctx):
    add_provider(ctx)
    _, person_id = make_family(ctx)
    issued = _issued(ctx, lead_ctx, person_id)  # 2026-12-01 .. 2027-08-31
    new = svc.replace_indication(
        ctx,
        issued.id,
        draft(person_id, start=date(2027, 8, 15), end=date(2028, 5, 14), volume=Decimal("3")),
    )
    assert _codes(new)["TERM_DEVELOPMENT_EXCEEDED"] == "error"
    assert new.term_start == date(2026, 12, 1)
    with pytest.raises(RuleViolationError, match="9 maanden"):
        svc.submit_indication(ctx, new.id)


def test_an_unnamed_follow_up_at_month_eight_and_a_half_needs_the_evaluation(ctx, lead_ctx):
    add_provider(ctx)
    _, person_id = make_family(ctx)
    issued = _issued(ctx, lead_ctx, person_id)
    svc.end_indication(ctx, issued.id, date(2027, 8, 14))
    result = svc.check_proposal(
        ctx, draft(person_id, start=date(2027, 8, 15), end=date(2028, 5, 14))
    )
    assert _codes(result)["EXTENSION_NEEDS_EVALUATION"] == "error"
    view = svc.save_concept(ctx, draft(person_id, start=date(2027, 8, 15), end=date(2028, 5, 14)))
    assert view.predecessor_id == issued.id  # stored as the follow-up it is
    with pytest.raises(RuleViolationError, match="evaluatie"):
        svc.submit_indication(ctx, view.id)
    svc.record_evaluation(
        ctx, issued.id, {"school": Progress.JA}, EvaluationDecision.AFSCHALEN, "Gaat goed"
    )
    lighter = svc.check_proposal(
        ctx,
        draft(person_id, start=date(2027, 8, 15), end=date(2028, 5, 14), volume=Decimal("1")),
    )
    assert "EXTENSION_NEEDS_EVALUATION" not in _codes(lighter)
    assert "TERM_DEVELOPMENT_EXCEEDED" not in _codes(lighter)


def test_a_group_product_of_the_same_segment_in_the_municipality_comes_first(ctx):
    add_provider(ctx)
    add_provider(
        ctx,
        agb="87654321",
        name="Groepen Zeist",
        product_code="45Z03",
        unit="dagdeel",
        group_offer=True,
    )
    _, person_id = make_family(ctx)
    result = svc.check_proposal(ctx, draft(person_id))
    assert "GROUP_OFFER_FIRST" in _codes(result)
    assert "45Z03" in next(f.message for f in result.findings if f.code == "GROUP_OFFER_FIRST")


def test_group_first_never_fires_for_crisis(ctx):
    add_provider(ctx, agb="87654321", name="Groepen Zeist", product_code="45Z03", group_offer=True)
    add_provider(ctx, product_code="46Z01", segment="crisis")
    _, person_id = make_family(ctx)
    result = svc.check_proposal(
        ctx,
        draft(
            person_id,
            segment="crisis",
            product_code="46Z01",
            perspective=Perspective.STABILISATIE,
            end=date(2026, 12, 20),
            unit=Unit.UUR,
            frequency=Frequency.TOTAAL,
            volume=Decimal("20"),
        ),
    )
    assert "GROUP_OFFER_FIRST" not in _codes(result)


def test_the_family_choices_and_referral_are_stored(ctx, lead_ctx):
    add_provider(ctx)
    _, person_id = make_family(ctx)
    view = svc.save_concept(
        ctx,
        draft(
            person_id,
            identity_wish="christelijk",
            chosen_by_family=True,
            referral_date=date(2026, 11, 1),
        ),
    )
    stored = svc.get_indication(ctx, view.id)
    assert stored.identity_wish == "christelijk"
    assert stored.chosen_by_family is True
    assert stored.referral_date == date(2026, 11, 1)


def test_a_changed_approved_plan_asks_the_family_for_agreement_again(ctx, lead_ctx, tmp_path):
    from pypdf import PdfReader

    from jeugdtoegang.services import plans
    from jeugdtoegang.services.plan_export import export_plan_pdf
    from tests.integration.test_plans import complete_plan, make_household

    household_id = make_household(ctx)
    view = plans.save_draft(ctx, household_id, complete_plan(ctx, household_id), 0)
    view = plans.submit_plan(ctx, view.id, view.version_no)
    approved = plans.approve_plan(lead_ctx, view.id, "Goed plan.")
    assert approved.document.agreement.parents_agreed_on == date(2026, 11, 20)
    goal = approved.document.goals[0].model_copy(update={"description": "Sem gaat 4 dagen."})
    edited = plans.save_draft(ctx, household_id, approved.document.with_goal(goal), 1)
    assert edited.document.agreement.parents_agreed_on is None
    assert "AGREEMENT_MISSING" in [f.code for f in edited.findings]
    text = " ".join(
        p.extract_text()
        for p in PdfReader(str(export_plan_pdf(ctx, household_id, tmp_path / "p.pdf"))).pages
    )
    assert "De ouders zijn akkoord" not in text
    # the consultant records the family's new agreement: it stays
    agreed = edited.document.model_copy(
        update={
            "agreement": edited.document.agreement.model_copy(
                update={"parents_agreed_on": date(2026, 11, 23)}
            )
        }
    )
    again = plans.save_draft(ctx, household_id, agreed, 2)
    assert again.document.agreement.parents_agreed_on == date(2026, 11, 23)


def test_stabilising_help_gets_an_evaluation_at_the_profile_interval(ctx, lead_ctx):
    from jeugdtoegang.services.signals import SignalKind, compute_signals

    add_provider(ctx, product_code="45Z02")
    _, person_id = make_family(ctx)
    issued = _issued(
        ctx,
        lead_ctx,
        person_id,
        product_code="45Z02",
        perspective=Perspective.STABILISATIE,
        end=date(2029, 11, 30),
    )
    assert issued.evaluation_due == date(2027, 11, 30)  # 12 months, not the end in 2029
    signals = compute_signals(ctx, date(2027, 11, 1))
    assert [s.kind for s in signals if s.indication_id == issued.id] == [SignalKind.EVALUATIE]
    late = compute_signals(ctx, date(2027, 12, 15))
    assert [s.kind for s in late if s.indication_id == issued.id] == [SignalKind.EVALUATIE_TE_LAAT]


def test_a_long_wait_proposes_bridging_care_and_signals_the_team_lead(make_database):
    from sqlalchemy import update

    from jeugdtoegang.services.context import AppContext
    from jeugdtoegang.services.signals import SignalKind, compute_signals
    from jeugdtoegang.storage.models.providers import Contract
    from tests.conftest import CONSULENT, TEAMLEIDER, TODAY

    zhz = AppContext(make_database("zuid-holland-zuid"), CONSULENT, today=lambda: TODAY)
    add_provider(zhz, product_code="45H02")
    with zhz.uow() as uow:
        uow.session.execute(update(Contract).values(waiting_weeks=10))
        uow.commit()
    _, person_id = make_family(zhz, gemeente="Dordrecht", wijk=None)
    view = _issued(
        zhz,
        zhz.with_actor(TEAMLEIDER),
        person_id,
        product_code="45H02",
        end=date(2027, 5, 31),
    )
    finding = next(f for f in view.findings if f.code == "BRIDGING_CARE")
    assert "45H03" in finding.message and "10 weken" in finding.message
    kinds = [s.kind for s in compute_signals(zhz) if s.indication_id == view.id]
    assert SignalKind.OVERBRUGGING in kinds


def test_a_free_access_group_offer_on_the_goals_theme_comes_first(ctx):
    from jeugdtoegang.domain.plans import Goal, PlanDocument
    from jeugdtoegang.services.plans import save_draft
    from jeugdtoegang.storage.models.providers import FreeAccessProvision

    add_provider(ctx)
    household_id, person_id = make_family(ctx)
    goal = Goal(domain="Opvoeden en opgroeien", description="Rust thuis", themes=("pubers",))
    save_draft(ctx, household_id, PlanDocument(goals=(goal,)), 0)
    with ctx.uow() as uow:
        uow.session.add(
            FreeAccessProvision(
                municipality="Zeist", name="Pubercursus CJG", themes="pubers", group_offer=True
            )
        )
        uow.commit()
    result = svc.check_proposal(ctx, draft(person_id, [goal.id]))
    finding = next(f for f in result.findings if f.code == "GROUP_OFFER_FIRST")
    assert "Pubercursus CJG" in finding.message
    other = Goal(domain="Gezondheid", description="Slapen", themes=("slaap",))
    household_2, person_2 = make_family(ctx, name="Familie Twee")
    save_draft(ctx, household_2, PlanDocument(goals=(other,)), 0)
    assert "GROUP_OFFER_FIRST" not in _codes(svc.check_proposal(ctx, draft(person_2, [other.id])))


def test_the_maximum_cost_always_uses_the_contract_tariff(ctx):
    add_provider(ctx)  # € 80 per hour
    _, person_id = make_family(ctx)
    cheap = svc.check_proposal(ctx, draft(person_id, tariff=Decimal("1.00")))
    normal = svc.check_proposal(ctx, draft(person_id))
    assert cheap.max_kosten == normal.max_kosten == Decimal("6400.00")
