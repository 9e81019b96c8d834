"""The iJw box in Rapportage: send the day's JW301s and read provider messages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.services import indications as svc
from jeugdtoegang.services.ijw_export import local_date
from tests.gui.conftest import FakeShell, save_shot
from tests.indication_helpers import add_provider, draft, make_family
from tests.integration.ijw_helpers import adapted
from ui import dialogs
from ui.areas.reports import ReportsArea


def _issued(ctx, lead_ctx):
    add_provider(ctx)
    _, person_id = make_family(ctx)
    view = svc.save_concept(ctx, draft(person_id))
    view = svc.submit_indication(ctx, view.id)
    if view.status is IndicationStatus.INGEDIEND:
        view = svc.approve_indication(lead_ctx, view.id)
    return svc.issue_indication(ctx, view.id), person_id


def test_the_days_allocations_are_sent_next_to_the_letters(
    qtbot, ctx, lead_ctx, shown, monkeypatch, tmp_path: Path
):
    issued, person_id = _issued(ctx, lead_ctx)
    day = local_date(issued.allocated_at)
    ctx.today = lambda: day
    area = ReportsArea(ctx, FakeShell(ctx))
    qtbot.addWidget(area)
    area.resize(760, 420)
    box = area.ijw_box
    assert box.count_label.text() == "1 toewijzing nog niet naar de aanbieder verstuurd."
    save_shot(area, "issue-17/rapportage-ijw.png")
    monkeypatch.setattr(dialogs, "choose_directory", lambda *_: tmp_path / "uit")
    box.export_button.click()
    assert box.last_export is not None and len(box.last_export.files) == 1
    assert "1 bericht opgeslagen" in shown.infos[-1]
    assert box.count_label.text().startswith("Alle toewijzingen tot en met deze dag")

    from jeugdtoegang.storage.models.households import Person

    with ctx.uow(readonly=True) as uow:
        bsn = uow.session.get(Person, person_id).bsn
    inbound = tmp_path / "start.xml"
    inbound.write_bytes(
        adapted(
            "JW305-start-zorg.xml",
            bsn=bsn,
            number=issued.allocation_number,
            dates={"Begindatum": date(2026, 12, 7)},
        )
    )
    monkeypatch.setattr(dialogs, "choose_open_files", lambda *_: [inbound])
    box.import_button.click()
    assert [r.code for r in box.last_import] == ["JW305"]
    assert "1 verwerkt" in shown.infos[-1]
