"""A reportlab canvas that knows the page count when it draws each page's footer.

reportlab draws a page before it knows how many follow, so "pagina x van y" needs the
pages kept until ``save``: each page's state is stored at ``showPage`` and replayed with
the total then. Letters and the plan PDF share this; each draws its own footer.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfgen.canvas import Canvas


class PagedCanvas(Canvas):
    """Keeps every page until ``save``, then calls ``draw_footer(total)`` on each."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._kept_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._kept_pages)
        for state in self._kept_pages:
            self.__dict__.update(state)
            self.draw_footer(total)
            super().showPage()
        self.before_save()
        super().save()

    def draw_footer(self, total: int) -> None:
        """Draw the current page's footer; ``self._pageNumber`` is this page's number."""

    def before_save(self) -> None:
        """Last additions to the document (e.g. its PDF/A parts) before it is written."""
