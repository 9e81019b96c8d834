"""The review area's queue loads page by page (by key) as the team lead scrolls."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.gui.conftest import FakeShell, save_shot
from tests.integration.test_review_queue_paging import T0, _submitted


def test_the_queue_table_fetches_the_next_page_when_scrolled(qtbot: Any, ctx, lead_ctx) -> None:
    from ui.areas.review import ReviewArea
    from ui.models.review_queue import ReviewQueueModel

    ids = _submitted(ctx, [T0 + timedelta(minutes=n) for n in range(450)])
    shell = FakeShell(lead_ctx)
    area = ReviewArea(lead_ctx, shell)
    qtbot.addWidget(area)
    area.resize(1280, 760)
    area.show()
    qtbot.waitExposed(area)
    assert area.count_label.text() == "450 te beoordelen"
    model = area.model
    assert isinstance(model, ReviewQueueModel)
    assert model.rowCount() == 200 and model.canFetchMore()
    area.table.scrollToBottom()  # the view asks for more rows itself
    qtbot.waitUntil(lambda: model.rowCount() >= 400)
    while model.canFetchMore():
        model.fetchMore()
    assert [model.row_at(r).id for r in range(model.rowCount())] == ids  # type: ignore[union-attr]
    assert model.data(model.index(0, 0)) == "Indicatie"
    save_shot(area, "s3-ijw/review-queue.png")
    assert shell.errors == []
