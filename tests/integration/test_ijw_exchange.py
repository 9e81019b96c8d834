"""iJw exchange against a real database: JW301 export, JW315/JW317 and JW305/JW307 import."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jeugdtoegang.domain.ijw_codes import RedenAfwijzing, VerzoekAntwoord
from jeugdtoegang.domain.indications import Frequency, IndicationStatus, Unit
from jeugdtoegang.ijw.xmlcodec import NS_BASE, IjwMessageError, message_ns
from jeugdtoegang.progress import run_to_end
from jeugdtoegang.services import indications as svc
from jeugdtoegang.services.ijw_export import answer_request, export_day, local_date
from jeugdtoegang.services.ijw_inbound import (
    actual_term,
    import_message,
    list_requests,
    waiting_times,
)
from jeugdtoegang.storage.models.ijw import IjwCareEvent, IjwMessage, IjwRequest
from tests.indication_helpers import PROVIDER_AGB, add_provider, draft, make_family
from tests.integration.ijw_helpers import adapted, backoffice, example

pytestmark = pytest.mark.postgres

J = message_ns("JW301")


def _issued(ctx, lead_ctx, person_id, **changes):
    view = svc.save_concept(ctx, draft(person_id, **changes))
    view = svc.submit_indication(ctx, view.id)
    if view.status is IndicationStatus.INGEDIEND:
        view = svc.approve_indication(lead_ctx, view.id)
    return svc.issue_indication(ctx, view.id)


def _bsn(ctx, person_id):
    from jeugdtoegang.storage.models.households import Person

    with ctx.uow(readonly=True) as uow:
        return uow.session.get(Person, person_id).bsn


def _export(ctx, day, folder):
    return run_to_end(export_day(backoffice(ctx), day, folder))


def _counts(ctx):
    with ctx.uow(readonly=True) as uow:
        return tuple(
            uow.session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (IjwMessage, IjwRequest, IjwCareEvent)
        )


def _products(path: Path) -> list[ET.Element]:
    root = ET.parse(path).getroot()
    return root.findall(f"{{{J}}}Client/{{{J}}}ToegewezenProducten/{{{J}}}ToegewezenProduct")


def test_jw301_export_has_the_32_structure_and_is_reproducible(ctx, lead_ctx, tmp_path):
    add_provider(ctx)
    _, person_id = make_family(ctx)
    issued = _issued(ctx, lead_ctx, person_id)
    day = local_date(issued.allocated_at)
    first = _export(ctx, day, tmp_path / "a")
    assert first.new_messages == 1 and len(first.files) == 1
    path = first.files[0]
    assert path.parent.name == f"0355-{PROVIDER_AGB}"
    root = ET.parse(path).getroot()
    assert root.tag == f"{{{J}}}Bericht"
    header = root.find(f"{{{J}}}Header")
    assert [child.tag.split("}")[1] for child in header] == [
        "BerichtCode",
        "BerichtVersie",
        "BerichtSubversie",
        "Afzender",
        "Ontvanger",
        "BerichtIdentificatie",
        "XsdVersie",
    ]
    assert header.findtext(f"{{{J}}}Afzender") == "0355"
    assert header.findtext(f"{{{J}}}Ontvanger") == PROVIDER_AGB
    assert len(header.findtext(f"{{{J}}}BerichtIdentificatie/{{{NS_BASE}}}Identificatie")) <= 20
    client = root.find(f"{{{J}}}Client")
    assert client.findtext(f"{{{J}}}Bsn") == _bsn(ctx, person_id)
    [product] = _products(path)
    assert [c.tag.split("}")[1] for c in product] == [
        "ToewijzingNummer",
        "Product",
        "Toewijzingsdatum",
        "Toewijzingstijd",
        "Ingangsdatum",
        "Einddatum",
        "Omvang",
    ]  # IV066: no RedenWijziging on an initial allocation; CD077: no Budget beside Omvang
    assert product.findtext(f"{{{J}}}ToewijzingNummer") == str(issued.allocation_number)
    assert product.findtext(f"{{{J}}}Omvang/{{{NS_BASE}}}Volume") == "2"
    assert product.findtext(f"{{{J}}}Omvang/{{{NS_BASE}}}Eenheid") == "04"
    assert product.findtext(f"{{{J}}}Omvang/{{{NS_BASE}}}Frequentie") == "2"
    # exported once; exporting the day again writes the very same bytes
    again = _export(ctx, day, tmp_path / "b")
    assert again.new_messages == 0
    assert [p.read_bytes() for p in again.files] == [path.read_bytes()]
    assert not list((tmp_path / "b").rglob("*.tmp"))


def test_a_shortened_end_is_sent_once_with_reason_05_and_the_same_number(ctx, lead_ctx, tmp_path):
    add_provider(ctx)
    _, person_id = make_family(ctx)
    issued = _issued(ctx, lead_ctx, person_id)
    day = local_date(issued.allocated_at)
    [initial] = _export(ctx, day, tmp_path / "d1").files
    svc.change_end_date(ctx, issued.id, date(2027, 5, 31))
    later_day = date(2099, 1, 5)
    later = _export(ctx, later_day, tmp_path / "d2")
    assert later.new_messages == 1
    [changed] = later.files
    [first], [second] = _products(initial), _products(changed)
    assert first.findtext(f"{{{J}}}RedenWijziging") is None  # IV066
    assert second.findtext(f"{{{J}}}RedenWijziging") == "05"  # verkorting, not 02
    assert second.findtext(f"{{{J}}}Einddatum") == "2027-05-31"
    assert second.findtext(f"{{{J}}}ToewijzingNummer") == first.findtext(f"{{{J}}}ToewijzingNummer")
    # the same state is never sent twice
    assert _export(ctx, date(2099, 1, 6), tmp_path / "d3").new_messages == 0


def test_unit_84_and_euro_budgets_are_exported_by_the_rules(ctx, lead_ctx, tmp_path):
    add_provider(ctx, agb="23456789", name="Inspanning BV", unit="stuks-inspanning")
    _, person_id = make_family(ctx)
    issued = _issued(
        ctx,
        lead_ctx,
        person_id,
        provider_agb="23456789",
        volume=Decimal("6"),
        unit=Unit.STUKS_INSPANNING,
        frequency=Frequency.TOTAAL,
    )
    result = _export(ctx, local_date(issued.allocated_at), tmp_path)
    [product] = _products(result.files[0])
    assert product.findtext(f"{{{J}}}Omvang/{{{NS_BASE}}}Eenheid") == "84"
    assert product.findtext(f"{{{J}}}Omvang/{{{NS_BASE}}}Frequentie") == "6"
    assert product.find(f"{{{J}}}Budget") is None


def test_a_jw315_lands_on_the_dossier_matched_on_bsn_with_a_5_working_day_term(ctx, tmp_path):
    household_id, person_id = make_family(ctx)
    data = adapted("JW315-verzoek-om-toewijzing.xml", bsn=_bsn(ctx, person_id))
    result = import_message(backoffice(ctx), data, "jw315.xml", received_on=date(2026, 12, 22))
    assert (result.code, result.records) == ("JW315", 1)
    [request] = list_requests(ctx)
    assert request.household_id == household_id and request.person_id == person_id
    assert request.answer_due == date(2026, 12, 30)  # Christmas Day is not a working day
    assert request.reference == "ZZ-2027-017"
    # read twice: nothing changes
    before = _counts(ctx)
    again = import_message(backoffice(ctx), data, "jw315.xml", received_on=date(2026, 12, 22))
    assert again.already_imported and _counts(ctx) == before
    # answered with a JW319: afgewezen with a WJ759 reason
    answered = answer_request(
        ctx, request.id, VerzoekAntwoord.AFGEWEZEN, RedenAfwijzing.GEEN_RECHT, date(2026, 12, 23)
    )
    assert answered.status == "afgewezen"
    files = _export(ctx, date(2026, 12, 23), tmp_path).files
    [jw319] = [f for f in files if f.name.startswith("JW319")]
    root = ET.parse(jw319).getroot()
    ns = message_ns("JW319")
    assert root.findtext(f"{{{ns}}}Antwoord/{{{ns}}}VerzoekAntwoord") == "1"
    assert root.findtext(f"{{{ns}}}Antwoord/{{{ns}}}RedenAfwijzingVerzoek") == "03"
    assert root.findtext(f"{{{ns}}}Antwoord/{{{ns}}}ReferentieAanbieder") == "ZZ-2027-017"


def test_in_onderzoek_moves_the_answer_term_to_8_weeks(ctx):
    _, person_id = make_family(ctx)
    data = adapted("JW315-verzoek-om-toewijzing.xml", bsn=_bsn(ctx, person_id))
    import_message(backoffice(ctx), data, received_on=date(2026, 11, 23))
    [request] = list_requests(ctx)
    answered = answer_request(ctx, request.id, VerzoekAntwoord.IN_ONDERZOEK, None)
    assert answered.status == "in_onderzoek"
    assert answered.answer_due == date(2027, 1, 18)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"bsn": "111222333"}, "Onbekende cliënt: geen jeugdige met BSN"),
        ({"bsn": "123456789"}, "geen geldig BSN"),
        ({"raw": b"<not-xml"}, "geen geldige XML"),
        ({"raw": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'}, "DOCTYPE"),
        (
            {"drop": "<jw315:Ingangsdatum>2027-01-18</jw315:Ingangsdatum>"},
            "Verplicht element ontbreekt of is leeg: Bericht/Client/AangevraagdeProducten/"
            "AangevraagdProduct/Ingangsdatum",
        ),
        ({"swap": ("<jw315:BerichtCode>436<", "<jw315:BerichtCode>414<")}, "BerichtCode is 414"),
        (
            {"swap": ("<jw315:Ontvanger>0355<", "<jw315:Ontvanger>0999<")},
            "Ontvanger 0999 is geen gemeente van regio",
        ),
        ({"swap": ("<ijw:Volume>2<", "<ijw:Volume>1.5<")}, "geen heel getal (RS005)"),
    ],
)
def test_malformed_or_unknown_client_messages_are_refused_and_change_nothing(ctx, change, reason):
    _, person_id = make_family(ctx)
    bsn = _bsn(ctx, person_id)
    if "raw" in change:
        data = change["raw"]
    else:
        text = adapted("JW315-verzoek-om-toewijzing.xml", bsn=change.get("bsn") or bsn).decode()
        if "drop" in change:
            text = text.replace(change["drop"], "")
        if "swap" in change:
            text = text.replace(*change["swap"])
        data = text.encode()
    before = _counts(ctx)
    with pytest.raises(IjwMessageError, match=re.escape(reason)) as caught:
        import_message(backoffice(ctx), data, "verzoek.xml")
    assert "Er is niets veranderd" in caught.value.message
    assert _counts(ctx) == before


def test_start_and_stop_record_the_actual_term_and_the_waiting_time(ctx, lead_ctx):
    add_provider(ctx)
    _, person_id = make_family(ctx)
    issued = _issued(ctx, lead_ctx, person_id, requested_on=date(2026, 11, 16))
    bsn = _bsn(ctx, person_id)
    from jeugdtoegang.domain.providers import Need
    from jeugdtoegang.services.eligibility import eligible_providers

    before = eligible_providers(ctx, Need("ambulant", "45Z01", "Zeist", date(2027, 1, 4)))
    assert [p.waiting_weeks for p in before.eligible if p.agb == PROVIDER_AGB] == [None]
    start = adapted(
        "JW305-start-zorg.xml",
        bsn=bsn,
        number=issued.allocation_number,
        dates={"Begindatum": date(2026, 12, 14)},
    )
    import_message(backoffice(ctx), start)
    stop = adapted(
        "JW307-stop-zorg.xml",
        bsn=bsn,
        number=issued.allocation_number,
        dates={"Einddatum": date(2027, 6, 30)},
    )
    import_message(backoffice(ctx), stop)
    term = actual_term(ctx, issued.id)
    assert (term.started, term.stopped, term.stop_reason) == (
        date(2026, 12, 14),
        date(2027, 6, 30),
        "07",
    )
    wait = waiting_times(ctx)[PROVIDER_AGB]
    assert (wait.starts, wait.median_days) == (1, 28.0)
    # the provider picker shows the measured 4 weeks instead of the catalogue's estimate
    from jeugdtoegang.domain.providers import Need
    from jeugdtoegang.services.eligibility import eligible_providers

    need = Need("ambulant", "45Z01", "Zeist", date(2027, 1, 4))
    [ranked] = [p for p in eligible_providers(ctx, need).eligible if p.agb == PROVIDER_AGB]
    assert ranked.waiting_weeks == 4


def test_start_of_another_providers_allocation_is_refused(ctx, lead_ctx):
    add_provider(ctx)
    _, person_id = make_family(ctx)
    issued = _issued(ctx, lead_ctx, person_id)
    data = adapted(
        "JW305-start-zorg.xml",
        bsn=_bsn(ctx, person_id),
        agb="99999999",
        number=issued.allocation_number,
        dates={"Begindatum": date(2026, 12, 14)},
    )
    before = _counts(ctx)
    with pytest.raises(IjwMessageError, match="niet aan aanbieder 99999999 gegeven"):
        import_message(backoffice(ctx), data)
    assert _counts(ctx) == before


def test_every_example_file_is_a_readable_message():
    from jeugdtoegang.ijw.messages import message_code

    for name, code in [
        ("JW305-start-zorg.xml", "JW305"),
        ("JW307-stop-zorg.xml", "JW307"),
        ("JW315-verzoek-om-toewijzing.xml", "JW315"),
        ("JW317-verzoek-om-wijziging.xml", "JW317"),
        ("JW301-toewijzing.xml", "JW301"),
        ("JW319-antwoord.xml", "JW319"),
    ]:
        assert message_code(example(name)) == code


def test_a_sent_allocation_without_a_start_within_the_norm_is_signalled(ctx, lead_ctx, tmp_path):
    from jeugdtoegang.services.signals import SignalKind, compute_signals

    add_provider(ctx)
    _, person_id = make_family(ctx)
    issued = _issued(ctx, lead_ctx, person_id)  # starts 2026-12-01
    before_sent = compute_signals(ctx, date(2027, 2, 1))
    assert SignalKind.GEEN_START not in {s.kind for s in before_sent}  # never sent: no signal
    _export(ctx, local_date(issued.allocated_at), tmp_path)
    within = compute_signals(ctx, date(2027, 1, 11))  # 6 weeks after the start: still in norm
    assert SignalKind.GEEN_START not in {s.kind for s in within}
    late = compute_signals(ctx, date(2027, 1, 13))
    [signal] = [s for s in late if s.kind is SignalKind.GEEN_START]
    assert signal.indication_id == issued.id and "JW305" in signal.detail
    data = adapted(
        "JW305-start-zorg.xml",
        bsn=_bsn(ctx, person_id),
        number=issued.allocation_number,
        dates={"Begindatum": date(2027, 1, 12)},
    )
    import_message(backoffice(ctx), data)
    assert SignalKind.GEEN_START not in {s.kind for s in compute_signals(ctx, date(2027, 1, 13))}


def test_a_batch_applies_the_good_messages_and_refuses_the_bad_one_alone(ctx, lead_ctx):
    from jeugdtoegang.services.ijw_inbound import import_batch

    add_provider(ctx)
    _, person_id = make_family(ctx)
    issued = _issued(ctx, lead_ctx, person_id)
    bsn = _bsn(ctx, person_id)
    good = adapted(
        "JW305-start-zorg.xml",
        bsn=bsn,
        number=issued.allocation_number,
        dates={"Begindatum": date(2026, 12, 14)},
    )
    unknown = adapted("JW315-verzoek-om-toewijzing.xml", bsn="111222333", ident="X1")
    batch = run_to_end(
        import_batch(backoffice(ctx), [("start.xml", good), ("vreemd.xml", unknown)])
    )
    assert [r.code for r in batch.results] == ["JW305"]
    [reason] = batch.refused
    assert reason.startswith("vreemd.xml: Onbekende cliënt") and "Er is niets veranderd" in reason
    assert actual_term(ctx, issued.id).started == date(2026, 12, 14)
    assert list_requests(ctx) == []


def test_a_bulk_batch_checks_each_message_in_order_and_writes_only_the_good_ones(ctx, lead_ctx):
    """Start and stop in one run, a correction, a repeat, and refused messages that leave
    no trace; one audit entry per applied message naming its client (NEN 7513)."""
    from jeugdtoegang.services.ijw_inbound import import_batch
    from jeugdtoegang.storage.models.audit import AuditEntry

    add_provider(ctx)
    _, person_id = make_family(ctx)
    issued = _issued(ctx, lead_ctx, person_id)  # 2026-12-01 .. 2027-08-31
    bsn = _bsn(ctx, person_id)
    n = issued.allocation_number

    def start(ident, day):
        return adapted(
            "JW305-start-zorg.xml", bsn=bsn, number=n, ident=ident, dates={"Begindatum": day}
        )

    def stop(ident, day):
        return adapted(
            "JW307-stop-zorg.xml", bsn=bsn, number=n, ident=ident, dates={"Einddatum": day}
        )

    early_stop = stop("E0", date(2027, 1, 5))  # no start yet at this point of the run
    before = _counts(ctx)
    with ctx.uow(readonly=True) as uow:
        audit_before = uow.session.execute(select(func.count()).select_from(AuditEntry)).scalar()
    batch = run_to_end(
        import_batch(
            backoffice(ctx),
            [
                ("stop-te-vroeg.xml", early_stop),
                ("start.xml", start("S1", date(2026, 12, 14))),
                ("buiten.xml", start("S9", date(2028, 1, 1))),
                ("correctie.xml", start("S2", date(2026, 12, 15))),
                ("nog-eens.xml", start("S1", date(2026, 12, 14))),
                ("stop-voor-start.xml", stop("E1", date(2026, 12, 10))),
                ("stop.xml", stop("E2", date(2027, 3, 31))),
                ("kapot.xml", b"<niet-af"),
            ],
        )
    )
    assert [(r.identification, r.already_imported) for r in batch.results] == [
        ("S1", False),
        ("S2", False),
        ("S1", True),
        ("E2", False),
    ]
    names = [reason.split(":")[0] for reason in batch.refused]
    assert names == ["stop-te-vroeg.xml", "buiten.xml", "stop-voor-start.xml", "kapot.xml"]
    assert "zonder eerdere start zorg" in batch.refused[0]
    assert "valt buiten de looptijd" in batch.refused[1]
    assert "ligt voor de begindatum 2026-12-15" in batch.refused[2]
    assert "geen geldige XML" in batch.refused[3] and "line 1" in batch.refused[3]
    assert all("Er is niets veranderd" in reason for reason in batch.refused)
    term = actual_term(ctx, issued.id)
    assert (term.started, term.stopped) == (date(2026, 12, 15), date(2027, 3, 31))
    # three messages written (S1, S2, E2), two events (the correction is the same record)
    assert _counts(ctx) == (before[0] + 3, before[1], before[2] + 2)
    with ctx.uow(readonly=True) as uow:
        entries = (
            uow.session.execute(
                select(AuditEntry).where(AuditEntry.action == "inlezen").order_by(AuditEntry.seq)
            )
            .scalars()
            .all()
        )
        started = uow.session.execute(
            select(IjwCareEvent).where(IjwCareEvent.kind == "start")
        ).scalar_one()
        message = uow.session.get(IjwMessage, started.message_id)
        # corrected within the run: one new record holding the last reported start
        assert message.identification == "S2" and started.version == 1
    assert len(entries) == 3 and audit_before is not None
    assert all(e.person_ids == [str(person_id)] for e in entries)


def test_a_bulk_batch_corrects_a_start_read_in_an_earlier_run(ctx, lead_ctx):
    from jeugdtoegang.services.ijw_inbound import import_batch

    add_provider(ctx)
    _, person_id = make_family(ctx)
    issued = _issued(ctx, lead_ctx, person_id)
    bsn = _bsn(ctx, person_id)
    n = issued.allocation_number
    first = adapted(
        "JW305-start-zorg.xml",
        bsn=bsn,
        number=n,
        ident="A",
        dates={"Begindatum": date(2026, 12, 2)},
    )
    import_message(backoffice(ctx), first)
    second = adapted(
        "JW305-start-zorg.xml",
        bsn=bsn,
        number=n,
        ident="B",
        dates={"Begindatum": date(2026, 12, 9)},
    )
    stop = adapted(
        "JW307-stop-zorg.xml", bsn=bsn, number=n, ident="C", dates={"Einddatum": date(2026, 12, 5)}
    )
    batch = run_to_end(import_batch(backoffice(ctx), [("b.xml", second), ("c.xml", stop)]))
    assert [r.identification for r in batch.results] == ["B"]
    assert "ligt voor de begindatum 2026-12-09" in batch.refused[0]
    assert actual_term(ctx, issued.id).started == date(2026, 12, 9)
    with ctx.uow(readonly=True) as uow:
        event = uow.session.execute(select(IjwCareEvent)).scalar_one()
        assert event.version == 2  # a new version of the stored record, change-logged
