"""The whole iJw exchange on the demo data, and the ``ijw`` commands.

indication → JW301 → JW305 → JW317 from the provider → evaluation → shortened end
(JW301 with RedenWijziging 05) → JW307.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from sqlalchemy import select

from jeugdtoegang.cli.main import main
from jeugdtoegang.demo import fill_demo
from jeugdtoegang.domain.indication_rules import IndicationProposal
from jeugdtoegang.domain.indications import (
    EvaluationDecision,
    Frequency,
    IndicationStatus,
    Perspective,
    Progress,
    Unit,
)
from jeugdtoegang.ijw.xmlcodec import message_ns
from jeugdtoegang.progress import run_to_end
from jeugdtoegang.services import indications as svc
from jeugdtoegang.services.ijw_export import export_day, link_allocation, local_date
from jeugdtoegang.services.ijw_inbound import (
    actual_term,
    import_message,
    list_requests,
    waiting_times,
)
from jeugdtoegang.services.indication_inputs import IndicationDraft
from jeugdtoegang.services.signals import SignalKind, compute_signals
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.indications import Indication
from jeugdtoegang.storage.models.providers import Contract, Provider
from tests.integration.ijw_helpers import adapted

J = message_ns("JW301")
START = date(2026, 12, 7)


def _demo_subject(ctx):
    """A demo jeugdige in Zeist without help, and a demo provider contracted for 45Z01."""
    with ctx.uow(readonly=True) as uow:
        s = uow.session
        busy = select(Indication.person_id)
        person = s.execute(
            select(Person)
            .join(Household, Household.id == Person.household_id)
            .where(
                Person.role == "jeugdige",
                Household.gemeente == "Zeist",
                Person.birth_date > date(2012, 1, 1),
                Person.bsn.is_not(None),
                Person.id.not_in(busy),
            )
            .order_by(Person.sort_key)
            .limit(1)
        ).scalar_one()
        agb = s.execute(
            select(Provider.agb)
            .join(Contract, Contract.provider_id == Provider.id)
            .where(
                Contract.product_code == "45Z01",
                Contract.status == "actief",
                Contract.unit == "uur",
                Contract.municipalities.in_(("*",)) | Contract.municipalities.contains("Zeist"),
            )
            .order_by(Provider.agb)
            .limit(1)
        ).scalar_one()
        return person.id, person.household_id, person.bsn, agb


def _products(path):
    root = ET.parse(path).getroot()
    return root.findall(f"{{{J}}}Client/{{{J}}}ToegewezenProducten/{{{J}}}ToegewezenProduct")


def test_the_whole_exchange_runs_on_the_demo(ctx, lead_ctx, tmp_path):
    fill_demo(ctx, households=24)
    person_id, household_id, bsn, agb = _demo_subject(ctx)

    # indication (development help, 9 months) for a demo jeugdige at a demo provider
    proposal = IndicationProposal(
        segment="ambulant",
        product_code="45Z01",
        perspective=Perspective.ONTWIKKELING,
        start=START,
        end=date(2027, 9, 6),
        volume=__import__("decimal").Decimal("2"),
        unit=Unit.UUR,
        frequency=Frequency.WEEK,
        provider_agb=agb,
        # Zeist also contracts a group offer (45Z03): individual help needs its reason
        motivations={"GROUP_OFFER_FIRST": "Groepsaanbod past niet: individuele hulp is nodig."},
    )
    view = svc.save_concept(
        ctx,
        IndicationDraft(
            proposal=proposal, person_id=person_id, requested_on=START - timedelta(days=14)
        ),
    )
    view = svc.submit_indication(ctx, view.id)
    if view.status is IndicationStatus.INGEDIEND:
        view = svc.approve_indication(lead_ctx, view.id)
    issued = svc.issue_indication(ctx, view.id)
    number = issued.allocation_number

    # → JW301 (initial: no RedenWijziging, IV066)
    day1 = local_date(issued.allocated_at)
    first = run_to_end(export_day(ctx, day1, tmp_path / "dag1"))
    mine = [
        p
        for p in first.files
        if any(pr.findtext(f"{{{J}}}ToewijzingNummer") == str(number) for pr in _products(p))
    ]
    [jw301] = mine
    [product] = [
        pr for pr in _products(jw301) if pr.findtext(f"{{{J}}}ToewijzingNummer") == str(number)
    ]
    assert product.find(f"{{{J}}}RedenWijziging") is None
    assert ET.parse(jw301).getroot().findtext(f"{{{J}}}Header/{{{J}}}Ontvanger") == agb

    # → JW305: the provider starts on 4 January 2027 (after the Christmas holidays)
    started = date(2027, 1, 4)
    import_message(
        ctx,
        adapted(
            "JW305-start-zorg.xml", bsn=bsn, agb=agb, number=number, dates={"Begindatum": started}
        ),
    )
    assert actual_term(ctx, issued.id).started == started
    assert waiting_times(ctx)[agb].median_days == float(
        (started - (START - timedelta(days=14))).days
    )

    # → JW317: the provider asks for an extension; 5 working days to answer
    import_message(
        ctx,
        adapted("JW317-verzoek-om-wijziging.xml", bsn=bsn, agb=agb, number=number),
        received_on=date(2027, 5, 31),
    )
    [request] = [r for r in list_requests(ctx, "open") if r.indication_id == issued.id]
    assert request.answer_due == date(2027, 6, 7)
    signals = compute_signals(ctx, date(2027, 6, 1))
    assert any(s.kind is SignalKind.IJW_VERZOEK and s.indication_id == issued.id for s in signals)

    # → evaluation: progress on the goals, the help can stop earlier
    svc.record_evaluation(
        ctx, issued.id, {"doel": Progress.JA}, EvaluationDecision.BEEINDIGEN, "Doelen bereikt."
    )
    # → shortened end date, answered to the provider by the new JW301 (05 verkorting)
    shorter = svc.change_end_date(ctx, issued.id, date(2027, 7, 15))
    link_allocation(ctx, request.id, issued.id)
    second = run_to_end(export_day(ctx, date(2099, 1, 4), tmp_path / "dag2"))
    changed = [
        pr
        for p in second.files
        for pr in _products(p)
        if pr.findtext(f"{{{J}}}ToewijzingNummer") == str(number)
    ]
    [update] = changed
    assert update.findtext(f"{{{J}}}RedenWijziging") == "05"
    assert update.findtext(f"{{{J}}}Einddatum") == shorter.end.isoformat()
    assert update.findtext(f"{{{J}}}ReferentieAanbieder") == "ZZ-2027-017-W1"
    assert [r.status for r in list_requests(ctx) if r.id == request.id] == ["toegewezen"]

    # → JW307: the provider stops care on the new end date, goals reached (JZ588 07)
    import_message(
        ctx,
        adapted(
            "JW307-stop-zorg.xml",
            bsn=bsn,
            agb=agb,
            number=number,
            dates={"Einddatum": date(2027, 7, 15)},
        ),
    )
    term = actual_term(ctx, issued.id)
    assert (term.started, term.stopped, term.stop_reason) == (started, date(2027, 7, 15), "07")
    # the first day's export is reproducible byte for byte
    again = run_to_end(export_day(ctx, day1, tmp_path / "opnieuw"))
    assert sorted(p.read_bytes() for p in again.files) == sorted(
        p.read_bytes() for p in first.files
    )
    del household_id


def test_the_ijw_commands_print_json(tmp_path, capsys, monkeypatch, cli_login):
    db = tmp_path / "team.sqlite"
    assert (
        main(["--db", str(db), "init", "--region", "zuidoost-utrecht", "--team", "Team Zeist"]) == 0
    )
    capsys.readouterr()
    assert (
        main(
            [
                "--db",
                str(db),
                "ijw",
                "export",
                "--date",
                "2027-01-04",
                "-o",
                str(tmp_path / "uit"),
                "--json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["bestanden"] == [] and data["datum"] == "2027-01-04"
    bad = tmp_path / "vreemd.xml"
    bad.write_bytes(adapted("JW315-verzoek-om-toewijzing.xml"))
    assert main(["--db", str(db), "ijw", "import", str(bad), "--json"]) == 1
    err = capsys.readouterr().err
    assert "Onbekende cliënt" in err and "Er is niets veranderd" in err
    assert "123456782" not in err  # the BSN is masked in messages
    assert main(["--db", str(db), "ijw", "requests", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["--db", str(db), "ijw", "waiting", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
