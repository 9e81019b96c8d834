"""Print run: all approved, unsent letters of one day into a folder.

Each file is written atomically: into a temporary file in the target folder, flushed and
synced to disk, then renamed into place (``os.replace``). A run that is cancelled, fails or
is killed leaves only complete PDFs (and at most one stray ``.tmp`` file from a kill,
which the next run removes). Every letter printed is recorded in the audit log, committed
just before its file gets the final name (so no printed letter is ever unlogged).
"""

from __future__ import annotations

import contextlib
import re
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jeugdtoegang import atomic
from jeugdtoegang.domain.authz import Permission, require
from jeugdtoegang.domain.decisions import DecisionStatus
from jeugdtoegang.errors import FileWriteError, JeugdtoegangError
from jeugdtoegang.progress import CancelToken, Progress, ProgressTask
from jeugdtoegang.services.authz import may_see
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.decision_letter import final_letter_bytes
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


def batch_letters(
    ctx: AppContext, day: date, out_dir: Path, cancel_token: CancelToken | None = None
) -> ProgressTask[BatchResult]:
    """Write the letters of ``day`` into ``out_dir``; yields progress, returns the files."""
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
    for done, decision_id in enumerate(ids, start=1):
        if cancel_token is not None:
            cancel_token.raise_if_cancelled()
        with ctx.uow() as uow:
            decision = uow.session.get(Decision, decision_id)
            if decision is None:
                continue
            if not may_see(ctx, Permission.LETTER_PRINT, _team(uow.session, decision)):
                continue  # another team's letter: not in this user's print run
            pdf = final_letter_bytes(uow.session, ctx.profile, decision, ctx.today())
            target = folder / file_name(decision.kenmerk)
            uow.log_access(
                "afdrukken", "decision", decision.id, [decision.person_id], "printrun brieven"
            )
            try:
                # the entry is committed before the file gets its final name: a kill at
                # any moment leaves no printed letter without its audit entry
                with atomic.atomic_path(target, prefix=TEMP_PREFIX) as temporary:
                    temporary.write_bytes(pdf)
                    uow.commit()
            except OSError as error:
                raise FileWriteError(target, error) from error
        written.append(str(target))
        yield Progress(done, total, f"Brief {done} van {total}")
    return BatchResult(day=day, files=tuple(written))
