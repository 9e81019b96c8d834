"""Benchmark: decision letters per second, next to bare reportlab, plus a 500-letter batch.

Run:  .venv/bin/python -m tests.benchmarks.bench_letters [--letters 200] [--batch 500]
      [--workers N]

1. Our pipeline for one 3-page letter: compose (texts, dates, rules) + render, in one
   process: letters per second by the wall clock and by CPU time (``process_time``).
2. Bare reportlab: the same paragraphs, table and fonts built directly with platypus
   (no model, no texts, no letterhead drawing, no page x of y), in the same process.
3. A batch of N approved letters through ``batch_letters`` (database, compose, render,
   store the final with SHA-256, atomic write with fsync, audit entry), in a Qt worker
   (``ui.workers.TaskRunner``) while the GUI thread's event loop is sampled every 10 ms:
   the largest gap between two timer ticks shows whether the GUI stays responsive. Run
   once in one process and once with the render pool of ``--workers`` processes
   (default: ``default_workers()``, one per core, at most 2), beside bare reportlab
   rendering the same number of letters in the same number of processes (pool start-up
   included on both sides) and writing each to its own file the same way (temporary file,
   fsync, rename, fsync of the folder). The batch also prints its CPU per letter per phase:
   prepare, render, record (and the rest: GUI thread, pool threads, worker start-up).
Targets: ≥ 40 letters/s and ≥ half of the bare rate.
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from jeugdtoegang.domain.decisions import DecisionType
from jeugdtoegang.letters.compose import compose_letter
from jeugdtoegang.letters.model import LetterModel
from jeugdtoegang.letters.render import render_letter
from jeugdtoegang.letters.sample import sample_input, sample_motivation
from jeugdtoegang.letters.texts import load_letter_texts
from jeugdtoegang.pdf.fonts import BOLD, REGULAR, register_fonts
from jeugdtoegang.regions import load_profile

REGION = "zuidoost-utrecht"
TODAY = date(2026, 11, 23)


def bare_reportlab(letter: LetterModel) -> bytes:
    """The same content straight into platypus, the way a script without our layers would."""
    register_fonts()
    body = ParagraphStyle("b", fontName=REGULAR, bulletFontName=REGULAR, fontSize=10, leading=14.5)
    bold = ParagraphStyle("h", parent=body, fontName=BOLD)
    cell = ParagraphStyle("c", parent=body, fontSize=9, leading=11.5)
    story = [Spacer(1, 70 * mm)]
    story += [Paragraph(t, bold) for t in (letter.onderwerp, letter.decision_sentence)]
    story += [
        Paragraph(t, body)
        for t in (letter.salutation, *letter.reference_paragraphs, *letter.intro_paragraphs)
    ]
    rows = [[Paragraph(h, cell) for h in ("Hulp", "Aanbieder", "Start", "Eind", "Hoeveel")]]
    rows += [
        [Paragraph(v, cell) for v in (r.product, r.aanbieder, r.start, r.eind, r.omvang)]
        for r in letter.help_rows
    ]
    table = Table(rows, colWidths=[46 * mm, 40 * mm, 23 * mm, 23 * mm, 33 * mm])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 9)]))
    story.append(table)
    texts = (
        *letter.motivation_paragraphs,
        letter.facts_intro,
        *letter.facts,
        letter.goals_intro,
        *letter.goals,
        *(f"<b>{label}</b> {text}" for label, text in letter.reason_parts),
        f"<b>{letter.weighing_label}</b> {letter.weighing}",
        *letter.rule_paragraphs,
        letter.headings.rules,
        letter.legal_basis,
        letter.headings.next_steps,
        *letter.next_steps,
        letter.headings.bezwaar,
        *letter.bezwaar_paragraphs,
    )
    story += [Paragraph(t, body) for t in texts]
    story.append(
        ListFlowable(
            [ListItem(Paragraph(t, body)) for t in letter.bezwaar_contents],
            bulletType="bullet",
            bulletFontName=REGULAR,
        )
    )
    story += [
        Paragraph(t, body)
        for t in (
            letter.voorlopige_voorziening,
            letter.headings.rights,
            *letter.rights_paragraphs,
            letter.headings.questions,
            letter.contact,
            letter.closing,
            letter.signatory.on_behalf,
            letter.signatory.name,
            letter.signatory.function,
        )
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, invariant=1, initialFontName=REGULAR)
    doc.build(story)
    return buffer.getvalue()


def rate(function, count: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(letters/s by the wall clock, letters/s by CPU time) over ``count`` calls."""
    function()  # warm up (fonts, caches)
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        function()
    return count / (time.perf_counter() - start), count / (time.process_time() - cpu)


def _sample_letter() -> LetterModel:
    data = sample_input(DecisionType.TOEKENNING, "Zeist")
    return compose_letter(data, load_letter_texts(REGION), load_profile(REGION))


def single_letters(count: int) -> None:
    profile = load_profile(REGION)
    texts = load_letter_texts(REGION)
    data = sample_input(DecisionType.TOEKENNING, "Zeist")
    letter = compose_letter(data, texts, profile)
    pages = len(PdfReader(io.BytesIO(render_letter(letter))).pages)
    ours, ours_cpu = rate(lambda: render_letter(compose_letter(data, texts, profile)), count)
    bare, bare_cpu = rate(lambda: bare_reportlab(letter), count)
    print(f"letter pages: {pages}; reportlab C accelerator: {_accelerated()}; one process")
    print(f"ours (compose + render): {ours:6.1f} letters/s   (CPU time: {ours_cpu:6.1f}/s)")
    print(f"bare reportlab         : {bare:6.1f} letters/s   (CPU time: {bare_cpu:6.1f}/s)")
    print(
        f"ratio ours / bare      : {ours / bare:6.2f}            (CPU time: "
        f"{ours_cpu / bare_cpu:5.2f})  (target ≥ 0.50; ≥ 40 letters/s)"
    )


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished child processes (render workers)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _accelerated() -> bool:
    from reportlab.lib import rl_accel

    return "fp_str" in rl_accel._c_funcs


def _bare_write(path: Path, data: bytes) -> None:
    """The file writes of the batch, by hand: temporary file, fsync, rename, fsync folder."""
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _bare_chunk(job: tuple[int, int, str]) -> int:
    first, count, folder = job
    letter = _sample_letter()
    for number in range(first, first + count):
        _bare_write(Path(folder) / f"BS-{number:06d}.pdf", bare_reportlab(letter))
    return count


def bare_in_processes(count: int, workers: int) -> float:
    """Bare reportlab rendering ``count`` letters in ``workers`` spawned processes, each
    letter written to its file the way the batch writes it (same number of files, fsyncs
    and renames)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    sizes = [count // workers + (1 if i < count % workers else 0) for i in range(workers)]
    temp = tempfile.TemporaryDirectory()
    chunks = [(sum(sizes[:i]), size, temp.name) for i, size in enumerate(sizes)]
    start, cpu = time.perf_counter(), _cpu_seconds()
    context = multiprocessing.get_context("spawn")
    with temp, ProcessPoolExecutor(workers, context) as pool:
        done = sum(pool.map(_bare_chunk, chunks))
    elapsed, used = time.perf_counter() - start, _cpu_seconds() - cpu
    print(
        f"  bare reportlab, same {count} letters, {workers} process(es): "
        f"{done / elapsed:6.1f} letters/s; CPU {1000 * used / done:.0f} ms/letter"
    )
    return done / elapsed


def _database_with_approved(count: int, folder: Path):  # type: ignore[no-untyped-def]
    from jeugdtoegang.demo.households import generate_households
    from jeugdtoegang.domain.actor import SYSTEM_ACTOR
    from jeugdtoegang.services.context import AppContext
    from jeugdtoegang.storage.database import initialise, open_database
    from jeugdtoegang.storage.models.decisions import Decision, DecisionIndication
    from jeugdtoegang.storage.models.households import Person
    from jeugdtoegang.storage.models.indications import Indication

    database = open_database(f"sqlite:///{folder / 'bench.sqlite'}")
    initialise(database, REGION)
    ctx = AppContext(database, SYSTEM_ACTOR, today=lambda: TODAY)
    generate_households(ctx, count, seed=11, with_network=False)
    with ctx.uow() as uow:
        people = uow.session.query(Person).filter(Person.role == "jeugdige").limit(count).all()
        for number, person in enumerate(people, start=1):
            indication = Indication(
                household_id=person.household_id,
                person_id=person.id,
                gemeente_code="0355",
                goal_ids=[],
                segment="ambulant",
                product_code="45A01",
                product_name="Ambulante jeugdhulp individueel",
                product_category="45",
                provider_name="Stichting De Linde Jeugdhulp",
                perspective="ontwikkeling",
                start_date=date(2027, 1, 4),
                end_date=date(2027, 10, 3),
                volume=Decimal(4),
                unit="uur",
                unit_code="04",
                frequency="week",
                frequency_code="2",
                initiator="gemeente",
                referrer_code="01",
                status="goedgekeurd",
                motivations={},
                findings=[],
            )
            decision = Decision(
                household_id=person.household_id,
                person_id=person.id,
                gemeente=person.household.gemeente,
                type="toekenning",
                status="goedgekeurd",
                kenmerk=f"BS-2026-{number:06d}",
                request_date=date(2026, 11, 2),
                request_text="hulp thuis bij de opvoeding",
                decision_date=TODAY,
                motivation="Uw kind heeft thuis vaak ruzie.\n\nOma helpt een middag per week.",
                goals=["Uw kind kan beter omgaan met boosheid."],
                legal_basis="Jeugdwet artikel 2.3",
                addressee="ouders",
                motivation_parts=sample_motivation(DecisionType.TOEKENNING).to_json(),
                consultant_name="Carla Jansen",
                approver_name="Tom Bakker",
                approver_function="Teamleider lokaal team",
            )
            uow.session.add_all([indication, decision])
            uow.session.flush()
            uow.session.add(
                DecisionIndication(decision_id=decision.id, indication_id=indication.id)
            )
        uow.commit()
    return ctx, len(people)


class _PhaseClock:
    """CPU time of the batch's phases: *prepare* (read + compose, main process), *record*
    (store, audit, file writes; main process) and *render* (in the main process when run
    there; otherwise the rest of all processes' CPU time: the workers' rendering, their
    start-up, pickling and the pool's threads)."""

    def __init__(self, workers: int) -> None:
        from jeugdtoegang.services import letter_batch

        self.module = letter_batch
        self.saved = {
            name: getattr(letter_batch, name)
            for name in ("_prepare_chunk", "_record", "render_letter")
        }
        self.spent = dict.fromkeys(self.saved, 0.0)
        names = self.saved if workers == 1 else ("_prepare_chunk", "_record")
        for name in names:
            setattr(letter_batch, name, self._timed(name, self.saved[name]))

    def _timed(self, name: str, function):  # type: ignore[no-untyped-def]
        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            began = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[name] += time.thread_time() - began

        return timed

    def stop(self) -> None:
        for name, function in self.saved.items():
            setattr(self.module, name, function)

    def report(self, files: int, used: float) -> str:
        prepare, record = self.spent["_prepare_chunk"], self.spent["_record"]
        render = self.spent["render_letter"]
        parts = [("prepare", prepare), ("render", render), ("record", record)]
        if not render:  # rendered in the workers: everything else
            parts[1] = ("render in workers + rest", used - prepare - record)
        else:
            parts.append(("rest", used - prepare - record - render))
        return "; ".join(f"{label} {1000 * value / max(files, 1):.1f} ms" for label, value in parts)


def batch(count: int, workers: int = 1) -> float:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from jeugdtoegang.services.letter_batch import batch_letters
    from ui.workers import TaskRunner

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        ctx, made = _database_with_approved(count, folder)
        runner = TaskRunner(None, on_error=print)
        gaps: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        last = [clock.elapsed()]

        def tick() -> None:
            now = clock.elapsed()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.timeout.connect(tick)
        timer.start(10)
        result: list[object] = []
        phases = _PhaseClock(workers)
        start, cpu = time.perf_counter(), _cpu_seconds()
        runner.run(
            "Brieven afdrukken",
            lambda token: batch_letters(ctx, TODAY, folder / "out", token, workers=workers),
            result.append,
        )
        runner.wait_for_idle(600_000)
        elapsed, used = time.perf_counter() - start, _cpu_seconds() - cpu
        phases.stop()
        timer.stop()
        files = len(list((folder / "out").glob("*.pdf")))
        ctx.database.close()
    gaps.sort()
    print(
        f"batch of {made}, {workers} render process(es): {files} files in {elapsed:.1f} s "
        f"= {files / elapsed:.1f} letters/s; CPU (all processes) {1000 * used / files:.0f} "
        f"ms/letter"
    )
    print(f"  CPU per letter by phase: {phases.report(files, used)}")
    print(
        f"  GUI timer (10 ms) during the batch: median gap {gaps[len(gaps) // 2]:.0f} ms, "
        f"max gap {gaps[-1]:.0f} ms"
    )
    del app
    return files / elapsed


def batches(count: int, workers: int) -> None:
    one = batch(count, 1)
    bare_one = bare_in_processes(count, 1)
    print(f"  ratio batch / bare (1 process): {one / bare_one:5.2f}")
    if workers > 1:
        many = batch(count, workers)
        bare_many = bare_in_processes(count, workers)
        print(f"  ratio batch / bare ({workers} processes): {many / bare_many:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--workers", type=int, default=0, help="0: default_workers()")
    args = parser.parse_args()
    single_letters(args.letters)
    if args.batch:
        from jeugdtoegang.services.letter_batch import default_workers

        batches(args.batch, args.workers or default_workers())


if __name__ == "__main__":
    main()


def test_letters_per_second_and_a_batch_of_500() -> None:
    """Pytest entry: the same figures as ``python -m tests.benchmarks.bench_letters``."""
    from jeugdtoegang.services.letter_batch import default_workers

    single_letters(200)
    batches(500, default_workers())
