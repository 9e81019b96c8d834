"""The aanvraag and its Awb term, the verzenddatum rule and the approval checks, end to end."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

from jeugdtoegang.cli.main import main as cli_main
from jeugdtoegang.domain.decisions import DecisionStatus, DecisionType
from jeugdtoegang.domain.requests import RequestedBy, RequestOutcome
from jeugdtoegang.errors import RuleViolationError, ValidationError
from jeugdtoegang.progress import run_to_end
from jeugdtoegang.services import decisions, letter_batch, requests
from jeugdtoegang.services.context import AppContext
from tests.conftest import TEAMLEIDER
from tests.integration.decision_fixtures import add_indication, case_parts, make_household

pytestmark = pytest.mark.postgres


def test_an_aanvraag_has_an_eight_week_term_that_an_approved_decision_closes(
    ctx: AppContext, lead_ctx: AppContext
) -> None:
    household_id, person_id = make_household(ctx)
    view = requests.add_request(
        ctx, household_id, person_id, date(2026, 11, 2), RequestedBy.OUDERS, "hulp thuis"
    )
    assert view.due == date(2026, 12, 28) and view.days_left == 35
    assert [r.id for r in requests.open_terms(ctx)] == [view.id]
    suspended = requests.suspend_request(
        ctx, view.id, date(2026, 11, 9), "Verslag van de huisarts."
    )
    assert suspended.suspended_now and suspended.due == date(2027, 1, 11)
    resumed = requests.resume_request(ctx, view.id, date(2026, 11, 16))
    assert resumed.due == date(2027, 1, 4) and not resumed.suspended_now
    extended = requests.extend_request(ctx, view.id, 2, "Onderzoek naar de beste hulp.")
    assert extended.due == date(2027, 1, 18) and extended.extension_weeks == 2

    indication = add_indication(ctx, household_id, person_id)
    detail = decisions.create_decision(
        ctx,
        household_id,
        person_id,
        DecisionType.TOEKENNING,
        [indication],
        None,  # type: ignore[arg-type]  # taken from the aanvraag
        None,  # type: ignore[arg-type]
        "",
        parts=case_parts(DecisionType.TOEKENNING),
        aanvraag_id=view.id,
    )
    assert detail.request_date == date(2026, 11, 2) and detail.request_text == "hulp thuis"
    decisions.approve_decision(lead_ctx, detail.id)
    closed = requests.get_request(ctx, view.id)
    assert closed.outcome is RequestOutcome.TOEGEKEND and closed.decided_on == date(2026, 11, 23)
    assert closed.days_left is None and requests.open_terms(ctx) == []


def test_a_suspension_before_receipt_or_a_late_verdaging_is_refused_and_changes_nothing(
    ctx: AppContext,
) -> None:
    household_id, person_id = make_household(ctx)
    view = requests.add_request(
        ctx, household_id, person_id, date(2026, 9, 1), RequestedBy.OUDERS, "hulp thuis"
    )
    with pytest.raises(RuleViolationError):
        requests.suspend_request(ctx, view.id, date(2026, 8, 1), "x")
    with pytest.raises(RuleViolationError, match="4:14"):  # due 27 October, today 23 November
        requests.extend_request(ctx, view.id, 4, "te laat")
    after = requests.get_request(ctx, view.id)
    assert after.suspensions == () and after.extension_weeks == 0 and after.overdue


def test_a_referrer_must_be_named(ctx: AppContext) -> None:
    household_id, person_id = make_household(ctx)
    with pytest.raises(ValidationError):
        requests.add_request(
            ctx, household_id, person_id, date(2026, 11, 2), RequestedBy.VERWIJZER, "hulp"
        )


def _decision(ctx: AppContext, decision_type: DecisionType, **extra) -> uuid.UUID:  # type: ignore[no-untyped-def]
    household_id, person_id = make_household(ctx)
    start = extra.pop("start", date(2027, 1, 4))
    end = extra.pop("end", date(2027, 10, 3))
    indication = add_indication(ctx, household_id, person_id, start=start, end=end)
    return decisions.create_decision(
        ctx,
        household_id,
        person_id,
        decision_type,
        [indication],
        date(2026, 11, 2),
        "hulp thuis",
        "",
        parts=extra.pop("parts", case_parts(decision_type)),
        **extra,
    ).id


def test_approval_is_refused_while_the_motivation_is_incomplete(
    ctx: AppContext, lead_ctx: AppContext
) -> None:
    parts = case_parts(DecisionType.GEDEELTELIJKE_TOEKENNING).merged(refused_reason="")
    decision_id = _decision(ctx, DecisionType.GEDEELTELIJKE_TOEKENNING, parts=parts)
    detail = decisions.get_decision(ctx, decision_id)
    assert detail.missing_parts == ("refused_reason",)
    with pytest.raises(RuleViolationError, match="waarom dat deel niet wordt toegekend"):
        decisions.approve_decision(lead_ctx, decision_id)
    assert decisions.get_decision(ctx, decision_id).status is DecisionStatus.CONCEPT


def test_a_decision_whose_whole_period_is_past_cannot_be_approved(
    ctx: AppContext, lead_ctx: AppContext
) -> None:
    parts = case_parts(DecisionType.TOEKENNING).merged(retroactive_reason="Crisis.")
    decision_id = _decision(
        ctx, DecisionType.TOEKENNING, start=date(2026, 1, 5), end=date(2026, 10, 4), parts=parts
    )
    with pytest.raises(RuleViolationError, match="verleden"):
        decisions.approve_decision(lead_ctx, decision_id)


def test_help_that_already_started_needs_a_retroactive_motivation(
    ctx: AppContext, lead_ctx: AppContext
) -> None:
    decision_id = _decision(ctx, DecisionType.TOEKENNING, start=date(2026, 11, 2))
    with pytest.raises(RuleViolationError, match="voor de datum van het besluit"):
        decisions.approve_decision(lead_ctx, decision_id)


def test_a_correction_withdraws_the_earlier_decision_explicitly(
    ctx: AppContext, lead_ctx: AppContext
) -> None:
    from tests.integration.test_letters import flat, pdf_text

    first = _decision(ctx, DecisionType.TOEKENNING)
    decisions.approve_decision(lead_ctx, first)
    original = decisions.get_decision(ctx, first)
    with pytest.raises(ValidationError):  # a correctie names the decision it withdraws
        decisions.create_decision(
            ctx,
            original.row.household_id,
            original.person_id,
            DecisionType.CORRECTIE,
            list(original.indication_ids),
            date(2026, 11, 2),
            "",
            "",
            parts=case_parts(DecisionType.CORRECTIE),
        )
    correction = decisions.create_decision(
        ctx,
        original.row.household_id,
        original.person_id,
        DecisionType.CORRECTIE,
        list(original.indication_ids),
        date(2026, 11, 2),
        "",
        "",
        parts=case_parts(DecisionType.CORRECTIE),
        corrects_decision_id=first,
    )
    decisions.approve_decision(lead_ctx, correction.id)
    text = flat(pdf_text(decisions.letter_pdf(ctx, correction.id)))
    assert (
        f"Wij trekken ons besluit van 23 november 2026, met kenmerk {original.row.kenmerk}, in."
        in text
    )
    assert "Dat besluit geldt niet meer." in text
    assert "De eerste brief noemde de verkeerde aanbieder." in text


def test_the_verzenddatum_is_the_day_the_letter_is_marked_sent(
    ctx: AppContext, lead_ctx: AppContext
) -> None:
    from tests.integration.test_letters import flat, pdf_text

    decision_id = _decision(ctx, DecisionType.TOEKENNING)
    decisions.approve_decision(lead_ctx, decision_id)  # approved on Monday 23 November
    assert decisions.get_decision(ctx, decision_id).sent_on is None
    friday = ctx.with_actor(ctx.actor)
    friday.today = lambda: date(2026, 11, 27)
    sent = decisions.mark_sent(friday, decision_id)
    assert sent.sent_on == date(2026, 11, 27)
    text = flat(pdf_text(decisions.letter_pdf(ctx, decision_id)))
    assert "Wij verstuurden de brief op 27 november 2026." in text
    assert "vrijdag 8 januari 2027" in text  # six weeks from Saturday 28 November
    assert "Tom Bakker" in text and "Carla Jansen" in text  # mandate signature, named contact


def test_the_day_batch_sets_the_verzenddatum_of_the_letters_it_prints(
    ctx: AppContext, lead_ctx: AppContext, tmp_path: Path
) -> None:
    decision_id = _decision(ctx, DecisionType.TOEKENNING)
    decisions.approve_decision(lead_ctx, decision_id)
    next_day = ctx.with_actor(ctx.actor)
    next_day.today = lambda: date(2026, 11, 24)
    run_to_end(letter_batch.batch_letters(next_day, date(2026, 11, 23), tmp_path))
    assert decisions.get_decision(ctx, decision_id).sent_on == date(2026, 11, 24)


def test_cli_requests_and_decisions_create_submit_approve(
    ctx: AppContext,
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    cli_login: AppContext,
) -> None:
    household_id, person_id = make_household(ctx)
    db = ["--db", database_url]
    add = [
        *db,
        "requests",
        "add",
        "--household",
        str(household_id),
        "--person",
        str(person_id),
        "--received",
        "2026-11-02",
        "--by",
        "verwijzer",
        "--requester-name",
        "Huisarts Jansen",
        "--requested",
        "begeleiding na school",
        "--json",
    ]
    assert cli_main(add) == 0
    aanvraag = json.loads(capsys.readouterr().out)
    left = (date(2026, 12, 28) - date.today()).days  # the CLI runs on the real clock
    assert aanvraag["due"] == "2026-12-28" and aanvraag["days_left"] == left
    assert cli_main([*db, "requests", "list", "--open", "--json"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [aanvraag["id"]]
    assert cli_main([*db, "requests", "show", aanvraag["id"]]) == 0
    out = capsys.readouterr().out
    assert "Beslissen uiterlijk: 2026-12-28" in out and "Huisarts Jansen" in out

    request_file = tmp_path / "besluit.json"
    request_file.write_text(
        json.dumps(
            {
                "household": str(household_id),
                "jeugdige": str(person_id),
                "soort": "afwijzing",
                "aanvraag": aanvraag["id"],
                "motivering": {
                    "feiten": ["Daan gaat graag naar de sportclub."],
                    "afweging": "De groep van het CJG past bij wat Daan nodig heeft.",
                    "reden": "voorliggende_voorziening",
                },
            }
        ),
        encoding="utf-8",
    )
    assert cli_main([*db, "decisions", "create", str(request_file), "--json"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert created["missing_parts"] == ["alternative"]
    assert cli_main([*db, "decisions", "submit", created["id"]]) == 0
    capsys.readouterr()
    code = cli_main([*db, "decisions", "approve", created["id"]])  # refused: exit 1
    assert code == 1 and "Traceback" not in capsys.readouterr().err
    with pytest.raises(RuleViolationError, match=r"de andere oplossing \(met naam\)"):
        decisions.approve_decision(ctx.with_actor(TEAMLEIDER), uuid.UUID(created["id"]))

    bad = tmp_path / "fout.json"
    bad.write_text(json.dumps({"soort": "iets", "jeugdige": "x", "vreemd": 1}), encoding="utf-8")
    assert cli_main([*db, "decisions", "create", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "soort" in err and "jeugdige" in err and "vreemd" in err
    assert date(2026, 11, 2) + timedelta(weeks=8) == date(2026, 12, 28)


def test_the_review_queue_shows_the_days_left_and_the_missing_parts(
    ctx: AppContext, lead_ctx: AppContext
) -> None:
    household_id, person_id = make_household(ctx)
    view = requests.add_request(
        ctx, household_id, person_id, date(2026, 11, 2), RequestedBy.OUDERS, "hulp thuis"
    )
    indication = add_indication(ctx, household_id, person_id)
    detail = decisions.create_decision(
        ctx,
        household_id,
        person_id,
        DecisionType.TOEKENNING,
        [indication],
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        "",
        parts=case_parts(DecisionType.TOEKENNING).merged(weighing=""),
        aanvraag_id=view.id,
    )
    decisions.submit_decision(ctx, detail.id)
    (pending,) = decisions.list_pending_decisions(lead_ctx)
    assert "35 dagen over, uiterlijk 28-12-2026" in pending.findings
    assert "de afweging" in pending.findings


def test_a_withdrawn_decision_is_listed_as_replaced(ctx: AppContext, lead_ctx: AppContext) -> None:
    first = _decision(ctx, DecisionType.TOEKENNING)
    decisions.approve_decision(lead_ctx, first)
    original = decisions.get_decision(ctx, first)
    correction = decisions.create_decision(
        ctx,
        original.row.household_id,
        original.person_id,
        DecisionType.CORRECTIE,
        list(original.indication_ids),
        date(2026, 11, 2),
        "",
        "",
        parts=case_parts(DecisionType.CORRECTIE),
        corrects_decision_id=first,
    )
    assert decisions.get_decision(ctx, first).row.replaced_by_kenmerk is None  # a draft
    decisions.approve_decision(lead_ctx, correction.id)
    row = decisions.get_decision(ctx, first).row
    assert row.status_label == f"Vervangen door {correction.row.kenmerk}"


def test_signals_show_an_aanvraag_near_or_past_its_awb_term(ctx: AppContext) -> None:
    from jeugdtoegang.services.signals import SignalKind, compute_signals

    household_id, person_id = make_household(ctx)
    view = requests.add_request(
        ctx, household_id, person_id, date(2026, 11, 2), RequestedBy.OUDERS, "hulp thuis"
    )

    def aanvraag_signals(day: date) -> list:  # type: ignore[type-arg]
        return [s for s in compute_signals(ctx, day) if s.kind is SignalKind.AANVRAAG_TERMIJN]

    assert aanvraag_signals(date(2026, 11, 23)) == []  # 35 days left: no signal yet
    (near,) = aanvraag_signals(date(2026, 12, 21))
    assert near.due_date == date(2026, 12, 28) and "nog 7 dagen" in near.title
    (late,) = aanvraag_signals(date(2027, 1, 4))
    assert late.severity.value == "urgent" and "verstreken" in late.title
    # while suspended (waiting for information, Awb 4:15) the term stands still: no signal
    requests.suspend_request(ctx, view.id, date(2026, 12, 20), "wacht op verslag school")
    assert aanvraag_signals(date(2026, 12, 21)) == []
