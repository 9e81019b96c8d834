"""A program that ends while a letter preview renders must end cleanly.

At exit pypdfium2 closes the open documents and shuts PDFium down; without the preview
lock, a worker still rendering a page crashed the process ("Fatal Python error:
Segmentation fault" at the end of a test run, or when the user quit during a preview).
The child process below ends while a worker renders previews in a loop.
"""

from __future__ import annotations

from tests.gui.child_process import run_offscreen

CHILD = """
import io
import threading
import uuid

from reportlab.pdfgen import canvas

from jeugdtoegang.progress import CancelToken, run_to_end
from ui.dossier import decisions_tab

buffer = io.BytesIO()
letter = canvas.Canvas(buffer)
for _page in range(6):
    for line in range(300):
        letter.drawString(20, 10 + (line * 2.7) % 800, f"regel {line} van de brief")
    letter.showPage()
letter.save()
decisions_tab.decisions.letter_pdf = lambda _ctx, _id: buffer.getvalue()
rendered = threading.Event()


def render_forever() -> None:
    while True:
        run_to_end(decisions_tab.render_preview(None, uuid.uuid4(), CancelToken()))
        rendered.set()


threading.Thread(target=render_forever, daemon=True).start()
rendered.wait(60)
print("klaar")  # the program ends here, with the worker in the middle of a preview
"""


def test_the_program_ends_cleanly_while_a_preview_renders() -> None:
    for _attempt in range(2):  # the crash needed the exit to meet a render: try a few times
        done = run_offscreen(CHILD)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.strip() == "klaar"
