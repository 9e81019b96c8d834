"""Print run: all approved, unsent letters of one day into a folder.

Each file is written atomically: into a temporary file in the target folder, flushed and
synced to disk, then renamed into place (``os.replace``). A run that is cancelled, fails or
is killed leaves only complete PDFs (and at most one group's stray ``.tmp`` files from a
kill, which the next run removes). Every letter printed is recorded in the audit log,
committed just before its file gets the final name (so no printed letter is ever unlogged).

Three steps per letter: *prepare* (read the decisions and compose their letters, a read
transaction per :data:`CHUNK` decisions with a few set queries, not queries per letter),
*render* (reportlab, outside any transaction), *record* (store the final with its
SHA-256, fix the verzenddatum, audit entry, atomic file: one write transaction with one
flush for a group of :data:`GROUP` letters in a run of :data:`POOL_MIN_LETTERS` or more,
one letter per transaction in a smaller run).
A larger run renders in a pool of worker processes (one per core, at most
:data:`MAX_WORKERS`), started before the first letter is read, while this process
prepares the next letters and records the finished ones in kenmerk order; the guarantees
above are those of the record step, which stays in this process. Workers only turn a
composed letter into bytes (``letters.worker``: no database, no files, not even the
import of the storage layer). A worker whose parent dies (kill -9) ends itself within half
a second.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import re
import sys
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jeugdtoegang import atomic
from jeugdtoegang.domain.authz import Permission, require
from jeugdtoegang.errors import FileWriteError, JeugdtoegangError
from jeugdtoegang.letters import worker
from jeugdtoegang.letters.model import LetterModel
from jeugdtoegang.letters.render import render_letter
from jeugdtoegang.progress import CancelToken, Progress, ProgressTask
from jeugdtoegang.services.authz import may_see
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.decision_letter import (
    letter_model,
    linked_indications_of,
    sha256,
    stored_finals,
)
from jeugdtoegang.services.decision_views import BatchResult
from jeugdtoegang.storage.letter_queries import (
    approved_unsent_ids,
    decisions_by_id,
    households_with_members,
)
from jeugdtoegang.storage.models.decisions import FinalLetter

TEMP_PREFIX = ".brief-"
TEMP_SUFFIX = atomic.TEMP_SUFFIX


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` is either absent or complete."""
    atomic.write_atomically(path, data, prefix=TEMP_PREFIX)


def file_name(kenmerk: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", kenmerk) + ".pdf"


def _remove_stray_temp_files(folder: Path) -> None:
    for stray in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            stray.unlink()


def pending_letter_ids(ctx: AppContext, day: date) -> list[uuid.UUID]:
    """Approved, not yet sent decisions with letter date ``day``, by kenmerk."""
    with ctx.uow(readonly=True) as uow:
        return approved_unsent_ids(uow.session, day)


#: render in worker processes from this many letters on (below it, starting them costs more)
POOL_MIN_LETTERS = 24
#: letters recorded per write transaction in a run of POOL_MIN_LETTERS or more
GROUP = 32
#: decisions read per read transaction (a few set queries for the whole chunk)
CHUNK = 32
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


@dataclass(frozen=True)
class _Job:
    decision_id: uuid.UUID
    kenmerk: str
    #: the final letter already stored (a reprint) or None: render ``model``
    stored: bytes | None
    model: LetterModel | None


def _prepare_chunk(
    ctx: AppContext, decision_ids: list[uuid.UUID], setups: dict[object, Any]
) -> list[_Job | None]:
    """Read a chunk of decisions and compose their letters (one read transaction, nothing
    written): the decisions, their households with members, their stored finals and their
    indications each with one query for the chunk, not per letter. None for a decision
    that is gone or belongs to another team than this user may print for."""
    with ctx.uow(readonly=True) as uow:
        session = uow.session
        decisions = decisions_by_id(session, decision_ids)
        households = households_with_members(session, {d.household_id for d in decisions.values()})
        finals = stored_finals(session, list(decisions))
        fresh = [i for i in decisions if i not in finals]
        indications = linked_indications_of(session, fresh) if fresh else {}
        jobs: list[_Job | None] = []
        for decision_id in decision_ids:
            decision = decisions.get(decision_id)
            household = households.get(decision.household_id) if decision else None
            team = household.team if household is not None else None
            if decision is None or not may_see(ctx, Permission.LETTER_PRINT, team):
                jobs.append(None)  # gone, or another team's letter: not in this print run
                continue
            existing = finals.get(decision_id)
            if existing is not None:
                if sha256(existing.pdf) != existing.sha256:
                    raise JeugdtoegangError(
                        f"De opgeslagen brief {decision.kenmerk} is beschadigd (de controlecode "
                        "klopt niet). Neem contact op met de beheerder."
                    )
                jobs.append(_Job(decision.id, decision.kenmerk, existing.pdf, None))
                continue
            with session.no_autoflush:
                if decision.sent_on is None:
                    decision.sent_on = ctx.today()  # only to compose; stored when recorded
                model = letter_model(
                    session,
                    ctx.profile,
                    decision,
                    ctx.today(),
                    setups,
                    indications=indications[decision_id],
                )
            jobs.append(_Job(decision.id, decision.kenmerk, None, model))
        return jobs


def _record(ctx: AppContext, rendered: list[tuple[_Job, bytes]], folder: Path) -> list[Path]:
    """Store the finals, fix the verzenddatum, log, and give the files their final names:
    one write transaction for the group (one flush, so one change-log append), committed
    before any of its files is renamed."""
    items: list[tuple[Path, bytes]] = []
    with ctx.uow() as uow:
        session = uow.session
        ids = [job.decision_id for job, _pdf in rendered]
        decisions = decisions_by_id(session, ids)
        finals = stored_finals(session, ids)
        for job, pdf in rendered:
            decision = decisions.get(job.decision_id)
            if decision is None:
                continue
            if job.stored is None:
                existing = finals.get(decision.id)
                if existing is not None:
                    pdf = existing.pdf  # printed meanwhile elsewhere: the stored one wins
                else:
                    if decision.sent_on is None:  # the first final print fixes it
                        decision.sent_on = ctx.today()
                    session.add(FinalLetter(decision_id=decision.id, pdf=pdf, sha256=sha256(pdf)))
            uow.log_access(
                "afdrukken", "decision", decision.id, [decision.person_id], "printrun brieven"
            )
            items.append((folder / file_name(decision.kenmerk), pdf))
        session.flush()
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


def start_pool(workers: int) -> ProcessPoolExecutor:
    """``workers`` render processes, started now (each loads fonts and styles at once),
    so that they are ready when the first letters are composed."""
    context = multiprocessing.get_context("spawn")  # never fork a process with threads
    pool = ProcessPoolExecutor(workers, context, initializer=worker.start, initargs=(os.getpid(),))
    for _ in range(workers):
        pool.submit(worker.ready)  # spawns a worker per call (spawned workers start on demand)
    return pool


def _in_pool(
    jobs: Iterator[_Job], pool: ProcessPoolExecutor, window_size: int
) -> Iterator[tuple[_Job, bytes]]:
    """Render in the pool, results in the order of ``jobs``; a window of ``window_size``
    letters keeps the workers busy while this process prepares and records a group."""
    window: deque[tuple[_Job, Future[bytes] | None]] = deque()
    for job in jobs:
        future = None if job.stored is not None else pool.submit(render_letter, job.model)
        window.append((job, future))
        if len(window) >= window_size:
            done, future = window.popleft()
            yield done, done.stored if future is None else future.result()
    while window:
        done, future = window.popleft()
        yield done, done.stored if future is None else future.result()


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
    count = default_workers() if workers is None else max(1, workers)
    large = total >= POOL_MIN_LETTERS
    pool = start_pool(count) if large and count > 1 else None
    try:
        group_size = GROUP if large else 1
        window = group_size + 2 * count  # workers stay busy while a group is recorded
        return (yield from _run(ctx, day, folder, ids, cancel_token, pool, group_size, window))
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _run(
    ctx: AppContext,
    day: date,
    folder: Path,
    ids: list[uuid.UUID],
    cancel_token: CancelToken | None,
    pool: ProcessPoolExecutor | None,
    group_size: int,
    window: int,
) -> ProgressTask[BatchResult]:
    total = len(ids)
    written: list[str] = []
    yield Progress(0, total, "Brieven voorbereiden")

    skipped = [0]
    setups: dict[object, Any] = {}  # each setup version read and prepared once per run

    def jobs() -> Iterator[_Job]:
        for start in range(0, total, CHUNK):
            if cancel_token is not None:
                cancel_token.raise_if_cancelled()
            for job in _prepare_chunk(ctx, ids[start : start + CHUNK], setups):
                if job is None:
                    skipped[0] += 1
                else:
                    yield job

    # a large run records GROUP letters per transaction (one flush, one commit, one audit
    # append); a small run one by one, so that cancelling stops after the letter in hand
    rendered = _in_pool(jobs(), pool, window) if pool is not None else _in_process(jobs())
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
