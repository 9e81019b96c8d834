"""The team lead's review queue: a lazy table model that pages by key.

The first page is read on :meth:`ReviewQueueModel.reload`; scrolling further asks Qt's
``fetchMore`` for the next page after the last key read (never an offset), so items
approved or submitted meanwhile neither repeat nor push others out of view.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex

from jeugdtoegang.services import review
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.review import QueueKey, ReviewItem
from ui.models.rows import RowsModel

_Index = QModelIndex | QPersistentModelIndex


class ReviewQueueModel(RowsModel[ReviewItem]):
    def __init__(
        self,
        ctx: AppContext,
        columns: Sequence[tuple[str, Callable[[ReviewItem], Any]]],
        parent: Any = None,
        page_size: int = review.QUEUE_PAGE,
    ) -> None:
        super().__init__(columns, parent)
        self._ctx = ctx
        self._page_size = page_size
        self._last: QueueKey | None = None
        self._more = False
        self.total = 0

    def reload(self) -> None:
        """Count the queue and show its first page."""
        self.total = review.count_queue(self._ctx)
        page = review.queue_page(self._ctx, self._page_size)
        self._last, self._more = page.last, page.more
        self.set_rows(page.items)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008, N802
        if not self.canFetchMore(parent):
            return
        page = review.queue_page(self._ctx, self._page_size, self._last)
        self._last, self._more = page.last, page.more
        if not page.items:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(page.items) - 1)
        self._rows.extend(page.items)
        self.endInsertRows()
