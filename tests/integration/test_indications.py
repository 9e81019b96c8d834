"""Indications lifecycle against a real database: check, submit, approve, issue, change."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from jeugdtoegang.domain.indications import (
    EvaluationDecision,
    IndicationStatus,
    Progress,
)
from jeugdtoegang.errors import PermissionDeniedError, RuleViolationError
from jeugdtoegang.services import indications as svc
from jeugdtoegang.services.indication_views import allocation_terms
from jeugdtoegang.services.signals import SignalKind, compute_signals
from tests.indication_helpers import add_plan, add_provider, draft, make_family

pytestmark = pytest.mark.postgres


def _issued(ctx, lead_ctx, person_id, **changes):
    view = svc.save_concept(ctx, draft(person_id, **changes))
    view = svc.submit_indication(ctx, view.id)
    if view.status is IndicationStatus.INGEDIEND:
        view = svc.approve_indication(lead_ctx, view.id)
    return svc.issue_indication(ctx, view.id)


def test_a_nine_month_development_indication_is_approved_without_team_lead(ctx):
    add_provider(ctx)
    household_id, person_id = make_family(ctx)
    goals = add_plan(ctx, household_id, person_id)
    view = svc.save_concept(ctx, draft(person_id, goals))
    assert view.status is IndicationStatus.CONCEPT
    assert view.max_cost == Decimal("6400.00")  # 2 h × € 80 × 40 started weeks
    assert view.provider_name == "Zorg Zeist BV"
    submitted = svc.submit_indication(ctx, view.id)
    assert submitted.status is IndicationStatus.GOEDGEKEURD
    issued = svc.issue_indication(ctx, view.id)
    assert issued.status is IndicationStatus.AFGEGEVEN
    assert issued.allocation_number % 1_000_000 == 1  # this database's block + 1
    assert issued.allocated_at is not None


def test_a_longer_development_term_needs_motivation_and_team_lead_approval(ctx, lead_ctx):
    add_provider(ctx)
    _, person_id = make_family(ctx)
    view = svc.save_concept(ctx, draft(person_id, end=date(2027, 12, 31)))
    assert [f.code for f in view.findings if f.code.startswith("TERM")] == [
        "TERM_DEVELOPMENT_EXCEEDED"
    ]
    with pytest.raises(RuleViolationError, match="motivering"):
        svc.submit_indication(ctx, view.id)
    view = svc.save_concept(
        ctx,
        draft(
            person_id,
            end=date(2027, 12, 31),
            motivations={"TERM_DEVELOPMENT_EXCEEDED": "Traumabehandeling duurt langer."},
        ),
        view.id,
    )
    submitted = svc.submit_indication(ctx, view.id)
    assert submitted.status is IndicationStatus.INGEDIEND
    pending = svc.list_pending_indications(lead_ctx)
    assert [p.id for p in pending] == [view.id]
    assert "Traumabehandeling" in pending[0].motivations
    with pytest.raises(PermissionDeniedError):
        svc.approve_indication(ctx, view.id)
    approved = svc.approve_indication(lead_ctx, view.id, "Akkoord, evalueer na 6 maanden")
    assert approved.status is IndicationStatus.GOEDGEKEURD
    assert approved.approved_by == "t.bakker"


def test_a_team_lead_can_return_an_indication_with_a_reason(ctx, lead_ctx):
    add_provider(ctx)
    _, person_id = make_family(ctx)
    view = svc.save_concept(
        ctx, draft(person_id, end=date(2027, 12, 31), motivations={"*": "Nodig"})
    )
    svc.submit_indication(ctx, view.id)
    returned = svc.return_indication(lead_ctx, view.id, "Motivering is te kort")
    assert returned.status is IndicationStatus.CONCEPT
    assert returned.review_comment == "Motivering is te kort"


def test_allocation_numbers_are_unique_per_municipality(ctx, lead_ctx):
    add_provider(ctx)
    _, zeist_1 = make_family(ctx, name="Familie A")
    _, zeist_2 = make_family(ctx, name="Familie B")
    _, bunnik = make_family(ctx, gemeente="Bunnik", wijk="Odijk", name="Familie C")
    numbers = [
        (v.gemeente_code, v.allocation_number)
        for v in (
            _issued(ctx, lead_ctx, zeist_1),
            _issued(ctx, lead_ctx, bunnik),
            _issued(ctx, lead_ctx, zeist_2),
        )
    ]
    assert [(code, n % 1_000_000) for code, n in numbers] == [("0355", 1), ("0312", 1), ("0355", 2)]
    assert 10_000_000 <= numbers[0][1] < 100_000_000  # at most 8 digits (iJw)


def test_after_issue_only_the_end_date_changes_and_other_changes_replace(ctx, lead_ctx):
    add_provider(ctx)
    _, person_id = make_family(ctx)
    issued = _issued(ctx, lead_ctx, person_id)
    shorter = svc.change_end_date(ctx, issued.id, date(2027, 6, 30))
    assert shorter.end == date(2027, 6, 30)
    assert shorter.allocation_number == issued.allocation_number
    # JZ002 05 verkorting (was 02, cliënt overleden), relative to what was sent before
    jw301 = svc.to_jw301(shorter, allocation_terms(issued))
    assert jw301["reden_wijziging"] == "05"
    assert svc.to_jw301(issued)["reden_wijziging"] is None  # IV066: initial, no reason
    assert shorter.max_cost < issued.max_cost
    with pytest.raises(RuleViolationError, match="akkoord"):
        svc.change_end_date(ctx, issued.id, date(2028, 6, 30))
    with pytest.raises(RuleViolationError):
        svc.save_concept(ctx, draft(person_id), issued.id)
    new = svc.replace_indication(
        ctx, issued.id, draft(person_id, start=date(2027, 2, 1), end=date(2027, 6, 30))
    )
    assert new.predecessor_id == issued.id
    assert new.status is IndicationStatus.CONCEPT
    old = svc.get_indication(ctx, issued.id)
    assert old.status is IndicationStatus.BEEINDIGD
    assert old.end == date(2027, 1, 31)


def test_overlap_with_the_same_product_is_an_error(ctx, lead_ctx):
    add_provider(ctx)
    _, person_id = make_family(ctx)
    _issued(ctx, lead_ctx, person_id)
    result = svc.check_proposal(
        ctx, draft(person_id, start=date(2027, 3, 1), end=date(2027, 5, 31))
    )
    assert "OVERLAP" in [f.code for f in result.findings]
    assert not result.ok


def test_a_follow_up_needs_an_evaluation_and_after_progress_must_be_lighter(ctx, lead_ctx):
    add_provider(ctx)
    household_id, person_id = make_family(ctx)
    goals = add_plan(ctx, household_id, person_id)
    first = _issued(ctx, lead_ctx, person_id, goal_ids=goals)
    follow = dict(predecessor_id=first.id, start=date(2027, 9, 1), end=date(2028, 1, 31))
    codes = [f.code for f in svc.check_proposal(ctx, draft(person_id, **follow)).findings]
    assert "EXTENSION_NEEDS_EVALUATION" in codes
    svc.record_evaluation(
        ctx,
        first.id,
        {goals[0]: Progress.JA, goals[1]: Progress.DEELS},
        EvaluationDecision.AFSCHALEN,
        "Sem gaat weer naar school",
    )
    same = svc.check_proposal(ctx, draft(person_id, **follow))
    assert "EXTENSION_NOT_LIGHTER" in [f.code for f in same.findings]
    lighter = svc.check_proposal(ctx, draft(person_id, volume=Decimal("1"), **follow))
    assert lighter.ok and not lighter.approval_required


def test_a_provider_request_never_extends_by_itself(ctx, lead_ctx):
    add_provider(ctx)
    _, person_id = make_family(ctx)
    issued = _issued(ctx, lead_ctx, person_id)
    request = svc.register_provider_request(
        ctx, issued.id, date(2026, 11, 20), requested_end=date(2028, 1, 31), reason="Meer tijd"
    )
    assert request.answer_due == date(2026, 11, 27)  # Friday + 5 working days
    unchanged = svc.get_indication(ctx, issued.id)
    assert unchanged.end == issued.end
    assert unchanged.open_requests == 1
    signals = compute_signals(ctx, date(2026, 11, 23))
    assert any(s.kind is SignalKind.VERZOEK_AANBIEDER for s in signals)
    svc.assess_provider_request(ctx, request.id, "Eerst evalueren")
    assert svc.get_indication(ctx, issued.id).open_requests == 0


def test_jw301_mapping_keeps_every_field(ctx, lead_ctx):
    add_provider(ctx)
    _, person_id = make_family(ctx)
    issued = _issued(ctx, lead_ctx, person_id)
    message = svc.to_jw301(issued)
    assert message["toewijzingnummer"] == issued.allocation_number
    assert message["productcategorie"] == "45"
    assert message["productcode"] == "45Z01"
    assert message["ingangsdatum"] == "2026-12-01"
    assert message["einddatum"] == "2027-08-31"
    assert message["omvang"] == {"volume": 2, "eenheid": "04", "frequentie": "2"}
    assert message["budget"] is None  # CD077: never both
    assert message["verwijzer"] == "01"
    assert message["toewijzingsdatum"] and message["toewijzingstijd"]
    assert message["aanbieder_agb"] == "12345678"


def test_signals_show_evaluations_due_and_turning_18_without_perspective(ctx, lead_ctx):
    add_provider(ctx)
    household_id, person_id = make_family(ctx, birth_date=date(2009, 5, 1))
    issued = _issued(ctx, lead_ctx, person_id, start=date(2026, 12, 1), end=date(2027, 1, 15))
    signals = compute_signals(ctx, date(2026, 12, 20))
    kinds = {s.kind for s in signals}
    assert SignalKind.EVALUATIE in kinds
    assert SignalKind.WORDT_18 in kinds
    late = compute_signals(ctx, date(2027, 2, 1))
    assert any(
        s.kind is SignalKind.EVALUATIE_TE_LAAT and s.indication_id == issued.id for s in late
    )
    add_plan(ctx, household_id, person_id, with_18=True)
    after = compute_signals(ctx, date(2026, 12, 20))
    assert SignalKind.WORDT_18 not in {s.kind for s in after}


def test_budget_signal_when_commitments_pass_half_the_year_budget(ctx, lead_ctx):
    add_provider(ctx, budget_year="4000.00")
    _, person_id = make_family(ctx)
    _issued(ctx, lead_ctx, person_id, start=date(2026, 12, 1), end=date(2026, 12, 31))
    signals = compute_signals(ctx, date(2026, 12, 2))
    assert not any(s.kind is SignalKind.BUDGET for s in signals)
    _, other = make_family(ctx, name="Familie B")
    _issued(
        ctx, lead_ctx, other, volume=Decimal("10"), start=date(2026, 12, 1), end=date(2026, 12, 31)
    )
    signals = compute_signals(ctx, date(2026, 12, 2))
    assert any(s.kind is SignalKind.BUDGET for s in signals)


def test_awb_signal_for_a_request_without_decision_after_seven_weeks(ctx):
    add_provider(ctx)
    _, person_id = make_family(ctx)
    svc.save_concept(ctx, draft(person_id, requested_on=date(2026, 10, 1)))
    signals = compute_signals(ctx, date(2026, 11, 19))
    awb = [s for s in signals if s.kind is SignalKind.AWB_TERMIJN]
    assert awb and awb[0].due_date == date(2026, 11, 26)


def test_cli_check_indication_prints_the_json_result(ctx, database, tmp_path, capsys, cli_login):
    from jeugdtoegang.cli.main import main

    add_provider(ctx)
    _, person_id = make_family(ctx)
    data = {
        "person_id": str(person_id),
        "segment": "ambulant",
        "productcode": "45Z01",
        "aanbieder_agb": "12345678",
        "perspectief": "ontwikkeling",
        "start": "2027-01-15",  # the CLI uses the real clock: a start in the future
        "eind": "2027-12-31",
        "volume": "2",
        "eenheid": "uur",
        "frequentie": "week",
        "verzoek_door": "consulent",
        "motivering": {"TERM_DEVELOPMENT_EXCEEDED": "Langdurige behandeling nodig"},
    }
    path = tmp_path / "voorstel.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code = main(["--db", database.url, "check", "indication", str(path), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["ok"] is True and out["approval_required"] is True
    assert out["max_eind"] == "2027-10-14"
    assert out["max_kosten"] == "8160.00"
    assert out["findings"][0]["code"] == "TERM_DEVELOPMENT_EXCEEDED"


def test_cli_check_refuses_invalid_json_with_a_dutch_message(database, tmp_path, capsys, cli_login):
    from jeugdtoegang.cli.main import main

    path = tmp_path / "kapot.json"
    path.write_text('{"segment": "ambulant",', encoding="utf-8")
    code = main(["--db", database.url, "check", "indication", str(path), "--json"])
    assert code == 1
    assert "geen geldige JSON" in capsys.readouterr().err


def test_cli_signals_lists_json(ctx, database, capsys, cli_login):
    from jeugdtoegang.cli.main import main

    add_provider(ctx)
    make_family(ctx, birth_date=date(2009, 5, 1))
    code = main(["--db", database.url, "signals", "--date", "2026-12-20", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["kind"] == "wordt_18"


def test_a_consultant_of_another_team_cannot_place_help(ctx):
    from jeugdtoegang.domain.actor import Actor, Role

    add_provider(ctx)
    _, person_id = make_family(ctx)
    other = ctx.with_actor(
        Actor("b.smit", "Bas Smit", frozenset({Role.CONSULENT}), team="Team Bunnik")
    )
    with pytest.raises(PermissionDeniedError, match="team"):
        svc.save_concept(other, draft(person_id))
