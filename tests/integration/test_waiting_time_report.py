"""The dashboard's waiting-time report is measured (JW305 start vs request), not estimated."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from jeugdtoegang.cli import common
from jeugdtoegang.cli.main import main
from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.progress import run_to_end
from jeugdtoegang.services import indications as svc
from jeugdtoegang.services import reports
from jeugdtoegang.services.ijw_inbound import import_batch, waiting_times
from jeugdtoegang.services.reports import ReportFilter
from tests.conftest import TEAMLEIDER
from tests.indication_helpers import PROVIDER_AGB, add_provider, draft, make_family
from tests.integration.ijw_helpers import adapted, backoffice

pytestmark = pytest.mark.postgres

OTHER_AGB = "98765432"
#: (provider, asked on, started on) → days waited: 28, 35 and 10
STARTS = (
    (PROVIDER_AGB, date(2026, 11, 16), date(2026, 12, 14)),
    (PROVIDER_AGB, date(2026, 11, 9), date(2026, 12, 14)),
    (OTHER_AGB, date(2026, 11, 21), date(2026, 12, 1)),
)


def measured_data(ctx, lead_ctx) -> None:  # type: ignore[no-untyped-def]
    """Three allocations with a known request date and a JW305 start each."""
    from jeugdtoegang.storage.models.households import Person

    add_provider(ctx)
    add_provider(ctx, agb=OTHER_AGB, name="Jeugdhulp Bunnik")
    messages = []
    for n, (agb, asked, started) in enumerate(STARTS):
        _, person_id = make_family(ctx, name=f"Familie Wacht {n}")
        view = svc.save_concept(ctx, draft(person_id, provider_agb=agb, requested_on=asked))
        view = svc.submit_indication(ctx, view.id)
        if view.status is IndicationStatus.INGEDIEND:
            view = svc.approve_indication(lead_ctx, view.id)
        issued = svc.issue_indication(ctx, view.id)
        with ctx.uow(readonly=True) as uow:
            bsn = uow.session.get(Person, person_id).bsn
        messages.append(
            (
                f"start{n}.xml",
                adapted(
                    "JW305-start-zorg.xml",
                    bsn=bsn,
                    agb=agb,
                    number=issued.allocation_number,
                    ident=f"W{n}",
                    dates={"Begindatum": started},
                ),
            )
        )
    batch = run_to_end(import_batch(backoffice(ctx), messages))
    assert not batch.refused, batch.refused


def test_the_waiting_time_report_is_the_measured_median_per_provider(ctx, lead_ctx) -> None:
    measured_data(ctx, lead_ctx)
    report = reports.run_report(lead_ctx, "waiting-times")
    assert report.unit == "dagen" and "JW305" in report.title
    # known data: Zorg Zeist waited 28 and 35 days (median 31.5), Jeugdhulp Bunnik 10
    assert report.categories == ("Zorg Zeist BV (2)", "Jeugdhulp Bunnik (1)")
    assert report.series[0].values == (Decimal("31.5"), Decimal("10.0"))
    assert report.series[1].values == (Decimal("31.5"), Decimal("10.0"))
    # one rule: the report equals the service figures the picker and `ijw waiting` use
    computed = waiting_times(ctx)
    for category, agb in zip(report.categories, (PROVIDER_AGB, OTHER_AGB), strict=True):
        assert report.value(category, "Mediaan") == Decimal(str(computed[agb].median_days))
    assert "3 gemelde starts" in report.note
    # the filter: starts in December after the 1st leave Bunnik out
    later = reports.run_report(lead_ctx, "waiting-times", ReportFilter(start=date(2026, 12, 2)))
    assert later.categories == ("Zorg Zeist BV (2)",)
    none = reports.run_report(lead_ctx, "waiting-times", ReportFilter(segment="verblijf"))
    assert none.is_empty and "JW305" in none.empty_text


def test_cli_report_and_ijw_waiting_agree(ctx, lead_ctx, capsys, monkeypatch) -> None:
    measured_data(ctx, lead_ctx)
    monkeypatch.setattr(common, "cli_actor", lambda _args, _database: TEAMLEIDER)
    db = ctx.database.url
    assert main(["--db", db, "report", "waiting-times", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert main(["--db", db, "ijw", "waiting", "--json"]) == 0
    waiting = {row["aanbieder_agb"]: row for row in json.loads(capsys.readouterr().out)}

    def exact(values):  # type: ignore[no-untyped-def]
        return [Decimal(str(v)) for v in values]  # the report keeps decimals exact as text

    assert exact(shown["series"][0]["values"]) == exact(
        [waiting[PROVIDER_AGB]["mediaan_dagen"], waiting[OTHER_AGB]["mediaan_dagen"]]
    )
    assert exact(shown["series"][0]["values"]) == [Decimal("31.5"), Decimal("10")]
    assert exact(shown["series"][1]["values"])[0] == Decimal(
        str(waiting[PROVIDER_AGB]["gemiddeld_dagen"])
    )
