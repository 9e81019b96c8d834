"""Letter previews render in worker threads; PDFium may be used by one thread at a time.

Two previews at once (the dossier's and the review queue's, or a quick switch between
decisions) crashed the process before the lock. The fake PDFium below fails the test when
it is entered while another thread is inside it, or without the lock held.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest

from jeugdtoegang.progress import CancelledError, CancelToken
from ui.dossier import decisions_tab


class _FakeBitmap:
    width = height = stride = 1
    buffer = b"\0"

    def close(self) -> None:
        _FakePdfium.check()


class _FakePage:
    def render(self, **_: Any) -> _FakeBitmap:
        _FakePdfium.check()
        time.sleep(0.01)  # long enough for another thread to try to come in
        _FakePdfium.check()
        return _FakeBitmap()

    def close(self) -> None:
        _FakePdfium.check()


class _FakePdfium:
    inside = 0
    problems: list[str] = []
    guard = threading.Lock()

    def __init__(self, _pdf: bytes) -> None:
        with _FakePdfium.guard:
            _FakePdfium.inside += 1
            if _FakePdfium.inside > 1:
                _FakePdfium.problems.append("two documents open in two threads at once")
        _FakePdfium.check()

    @staticmethod
    def check() -> None:
        if not decisions_tab.PDFIUM_LOCK.locked():
            _FakePdfium.problems.append("PDFium used without the lock")

    def __len__(self) -> int:
        return 3

    def __getitem__(self, _number: int) -> _FakePage:
        _FakePdfium.check()
        return _FakePage()

    def close(self) -> None:
        _FakePdfium.check()
        with _FakePdfium.guard:
            _FakePdfium.inside -= 1


@pytest.fixture
def fake_pdfium(monkeypatch: pytest.MonkeyPatch) -> type[_FakePdfium]:
    import pypdfium2

    _FakePdfium.inside = 0
    _FakePdfium.problems = []
    monkeypatch.setattr(pypdfium2, "PdfDocument", _FakePdfium)
    monkeypatch.setattr(decisions_tab.decisions, "letter_pdf", lambda _ctx, _id: b"%PDF")
    return _FakePdfium


def _drain(task: Any) -> Any:
    try:
        while True:
            next(task)
    except StopIteration as done:
        return done.value


def test_previews_in_several_threads_take_turns_in_pdfium(fake_pdfium: Any) -> None:
    results: list[Any] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                _drain(decisions_tab.render_preview(None, uuid.uuid4(), CancelToken()))  # type: ignore[arg-type]
            )
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake_pdfium.problems == []
    assert [len(r.pages) for r in results] == [3, 3, 3, 3]
    assert not decisions_tab.PDFIUM_LOCK.locked()


def test_a_cancelled_preview_closes_its_document_and_frees_the_lock(fake_pdfium: Any) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        _drain(decisions_tab.render_preview(None, uuid.uuid4(), token))  # type: ignore[arg-type]
    assert fake_pdfium.inside == 0 and fake_pdfium.problems == []
    assert not decisions_tab.PDFIUM_LOCK.locked()
