"""Print run: all approved, unsent letters of one day into a folder.

Each file is written atomically: into a temporary file in the target folder, flushed and
synced to disk, then renamed into place (``os.replace``). A run that is cancelled, fails or
is killed leaves only complete PDFs (and at most one group's stray ``.tmp`` files from a
kill, which the next run removes). Every letter printed is recorded in the audit log,
committed just before its file gets the final name (so no printed letter is ever unlogged).

Three steps per letter: *prepare* (read the decision and compose its letter, in a read
transaction), *render* (reportlab, outside any transaction), *record* (store the final
with its SHA-256, fix the verzenddatum, audit entry, atomic file: one write transaction,
for a group of :data:`GROUP` letters in a pooled run).
A larger run renders in a pool of worker processes (one per core, at most
:data:`MAX_WORKERS`) while this process prepares the next letters and records the
finished ones in kenmerk order; the guarantees above are those of the record step, which
stays in this process. Workers only turn a composed letter into bytes: no database, no
files. A worker whose parent dies (kill -9) ends itself within half a second.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import re
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jeugdtoegang import atomic
from jeugdtoegang.domain.authz import Permission, require
from jeugdtoegang.domain.decisions import DecisionStatus
from jeugdtoegang.errors import FileWriteError, JeugdtoegangError
from jeugdtoegang.letters.model import LetterModel
from jeugdtoegang.letters.render import render_letter
from jeugdtoegang.progress import CancelToken, Progress, ProgressTask
from jeugdtoegang.services.authz import may_see
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.decision_letter import (
    letter_model,
    sha256,
    store_final_letter,
    stored_final,
)
from jeugdtoegang.services.decision_views import BatchResult
from jeugdtoegang.storage.access import household_of
from jeugdtoegang.storage.models.decisions import Decision

TEMP_PREFIX = ".brief-"
TEMP_SUFFIX = atomic.TEMP_SUFFIX


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` is either absent or complete."""
    atomic.write_atomically(path, data, prefix=TEMP_PREFIX)


def _team(session: Session, decision: Decision) -> str | None:
    found = household_of(session, "decision", decision.id)
    return found[1] if found else None


def file_name(kenmerk: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", kenmerk) + ".pdf"


def _remove_stray_temp_files(folder: Path) -> None:
    for stray in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            stray.unlink()


def pending_letter_ids(ctx: AppContext, day: date) -> list[uuid.UUID]:
    """Approved, not yet sent decisions with letter date ``day``, by kenmerk."""
    with ctx.uow(readonly=True) as uow:
        return list(
            uow.session.execute(
                select(Decision.id)
                .where(
                    Decision.status == DecisionStatus.GOEDGEKEURD.value,
                    Decision.decision_date == day,
                )
                .order_by(Decision.kenmerk)
            ).scalars()
        )


#: render in worker processes from this many letters on (below it, starting them costs more)
POOL_MIN_LETTERS = 24
#: letters recorded per write transaction in a pooled run
GROUP = 8
#: at most this many render processes (the workstation keeps a core for the GUI and I/O)
MAX_WORKERS = 2


def default_workers() -> int:
    """Render processes for a large run: one per available core, at most MAX_WORKERS; one
    (in-process) in the frozen program, where a spawned worker would start the program."""
    if getattr(sys, "frozen", False):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)  # the print run was killed: no orphaned renderers


def _worker_start(parent: int) -> None:
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


@dataclass(frozen=True)
class _Job:
    decision_id: uuid.UUID
    kenmerk: str
    #: the final letter already stored (a reprint) or None: render ``model``
    stored: bytes | None
    model: LetterModel | None


def _prepare(
    ctx: AppContext, decision_id: uuid.UUID, setups: dict[object, Any] | None = None
) -> _Job | None:
    """Read one decision and compose its letter (a read transaction; nothing written)."""
    with ctx.uow(readonly=True) as uow:
        decision = uow.session.get(Decision, decision_id)
        if decision is None:
            return None
        if not may_see(ctx, Permission.LETTER_PRINT, _team(uow.session, decision)):
            return None  # another team's letter: not in this user's print run
        existing = stored_final(uow.session, decision.id)
        if existing is not None:
            if sha256(existing.pdf) != existing.sha256:
                raise JeugdtoegangError(
                    f"De opgeslagen brief {decision.kenmerk} is beschadigd (de controlecode "
                    "klopt niet). Neem contact op met de beheerder."
                )
            return _Job(decision.id, decision.kenmerk, existing.pdf, None)
        with uow.session.no_autoflush:
            if decision.sent_on is None:
                decision.sent_on = ctx.today()  # only to compose; stored when recorded
            model = letter_model(uow.session, ctx.profile, decision, ctx.today(), setups)
        return _Job(decision.id, decision.kenmerk, None, model)


def _record(ctx: AppContext, rendered: list[tuple[_Job, bytes]], folder: Path) -> list[Path]:
    """Store the finals, fix the verzenddatum, log, and give the files their final names:
    one write transaction for the group, committed before any of its files is renamed."""
    items: list[tuple[Path, bytes]] = []
    with ctx.uow() as uow:
        for job, pdf in rendered:
            decision = uow.session.get(Decision, job.decision_id)
            if decision is None:
                continue
            if job.stored is None:
                if decision.sent_on is None:  # the first final print fixes the verzenddatum
                    decision.sent_on = ctx.today()
                    uow.session.flush()
                pdf = store_final_letter(uow.session, decision, pdf)  # a stored one wins
            uow.log_access(
                "afdrukken", "decision", decision.id, [decision.person_id], "printrun brieven"
            )
            items.append((folder / file_name(decision.kenmerk), pdf))
        try:
            with contextlib.ExitStack() as files:
                # entered last to first, so the renames (on leaving) go first to last
                for target, pdf in reversed(items):
                    temporary = files.enter_context(atomic.atomic_path(target, prefix=TEMP_PREFIX))
                    temporary.write_bytes(pdf)
                # the entries are committed before any file gets its final name: a kill at
                # any moment leaves no printed letter without its audit entry
                uow.commit()
        except OSError as error:
            raise FileWriteError(items[0][0] if items else folder, error) from error
    return [target for target, _pdf in items]


def _in_process(jobs: Iterator[_Job]) -> Iterator[tuple[_Job, bytes]]:
    for job in jobs:
        yield job, job.stored if job.stored is not None else render_letter(job.model)  # type: ignore[arg-type]


def _in_pool(jobs: Iterator[_Job], workers: int) -> Iterator[tuple[_Job, bytes]]:
    """Render in ``workers`` processes, results in the order of ``jobs``; a window of
    twice the workers keeps them busy while this process prepares and records."""
    context = multiprocessing.get_context("spawn")  # never fork a process with threads
    pool = ProcessPoolExecutor(workers, context, initializer=_worker_start, initargs=(os.getpid(),))
    window: deque[tuple[_Job, Future[bytes] | None]] = deque()
    try:
        for job in jobs:
            future = None if job.stored is not None else pool.submit(render_letter, job.model)
            window.append((job, future))
            if len(window) >= 2 * workers:
                done, future = window.popleft()
                yield done, done.stored if future is None else future.result()
        while window:
            done, future = window.popleft()
            yield done, done.stored if future is None else future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def batch_letters(
    ctx: AppContext,
    day: date,
    out_dir: Path,
    cancel_token: CancelToken | None = None,
    *,
    workers: int | None = None,
) -> ProgressTask[BatchResult]:
    """Write the letters of ``day`` into ``out_dir``; yields progress, returns the files.

    ``workers``: render processes (default :func:`default_workers`); a run of fewer than
    :data:`POOL_MIN_LETTERS` letters renders in this process.
    """
    require(ctx.actor, Permission.LETTER_PRINT)
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise JeugdtoegangError(f"De map {folder} kan niet worden gemaakt: {error}") from error
    _remove_stray_temp_files(folder)
    ids = pending_letter_ids(ctx, day)
    total = len(ids)
    written: list[str] = []
    yield Progress(0, total, "Brieven voorbereiden")

    skipped = [0]
    setups: dict[object, Any] = {}  # each setup version read and prepared once per run

    def jobs() -> Iterator[_Job]:
        for decision_id in ids:
            if cancel_token is not None:
                cancel_token.raise_if_cancelled()
            job = _prepare(ctx, decision_id, setups)
            if job is None:
                skipped[0] += 1
            else:
                yield job

    count = default_workers() if workers is None else max(1, workers)
    pooled = count > 1 and total >= POOL_MIN_LETTERS
    rendered = _in_pool(jobs(), count) if pooled else _in_process(jobs())
    # a pooled run records GROUP letters per transaction (one commit, one audit append);
    # a small run one by one, so that cancelling stops after the letter in hand
    group_size = GROUP if pooled else 1
    with contextlib.closing(rendered):
        while True:
            group = list(itertools.islice(rendered, group_size))
            if not group:
                break
            if cancel_token is not None:
                cancel_token.raise_if_cancelled()
            written += [str(target) for target in _record(ctx, group, folder)]
            done = min(total, len(written) + skipped[0])
            yield Progress(done, total, f"Brief {done} van {total}")
    return BatchResult(day=day, files=tuple(written))
