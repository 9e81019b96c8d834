"""JW301 export per day, municipality and provider; JW319 answers to provider requests.

An allocation is sent when it is issued and again only when its terms changed since the
provider's last JW301 (each state once). The JW301 RedenWijziging (JZ002) follows from that
difference (:func:`jeugdtoegang.domain.ijw_codes.change_reason`); the first message of an
allocation carries none (IV066). Every message is stored with its exact XML, so exporting
a day again writes the same bytes; files are written atomically, one message per client,
in ``<folder>/<gemeente>-<agb>/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang import atomic
from jeugdtoegang.domain.authz import Permission, can, require
from jeugdtoegang.domain.ijw_codes import (
    AllocationTerms,
    ChangeCause,
    RedenAfwijzing,
    VerzoekAntwoord,
    cause_of,
    change_reason,
    omvang_or_budget,
)
from jeugdtoegang.domain.indications import Frequency, IndicationStatus, Unit
from jeugdtoegang.domain.working_days import add_working_days
from jeugdtoegang.errors import FieldError, NotFoundError, RuleViolationError, ValidationError
from jeugdtoegang.ijw.messages import (
    AllocatedProduct,
    ClientData,
    identification,
    write_jw301,
    write_jw319,
)
from jeugdtoegang.progress import CancelToken, Progress, ProgressTask
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_records import require_household_team
from jeugdtoegang.storage import ijw_queries as q
from jeugdtoegang.storage.bulk import bulk_insert
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.ijw import IjwMessage, IjwRequest
from jeugdtoegang.storage.models.indications import Indication

TEMP_PREFIX = ".ijw-"
_AMSTERDAM: Any
try:
    from zoneinfo import ZoneInfo

    _AMSTERDAM = ZoneInfo("Europe/Amsterdam")
except Exception:  # no time zone data: keep UTC
    _AMSTERDAM = UTC


@dataclass(frozen=True)
class ExportResult:
    day: date
    folder: Path
    files: tuple[Path, ...]
    new_messages: int
    allocations: int
    refused: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "datum": self.day.isoformat(),
            "map": str(self.folder),
            "bestanden": [str(f) for f in self.files],
            "nieuwe_berichten": self.new_messages,
            "toewijzingen": self.allocations,
            "niet_verzonden": list(self.refused),
        }


def require_exchange(ctx: AppContext) -> None:
    """Who sends the day's letters (or exports for the back office) exchanges iJw messages."""
    if not can(ctx.actor, Permission.LETTER_PRINT):
        require(ctx.actor, Permission.EXPORT)


def local_date(moment: datetime) -> date:
    return moment.astimezone(_AMSTERDAM).date()


def _end_of_day_utc(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), _AMSTERDAM).astimezone(UTC)


def terms_of(row: Indication) -> AllocationTerms:
    return AllocationTerms(
        start=row.start_date,
        end=row.end_date,
        volume=row.volume,
        unit_code=row.unit_code,
        frequency_code=row.frequency_code,
        budget_cents=row.budget_cents,
    )


def _terms_json(terms: AllocationTerms) -> dict[str, Any]:
    return {
        "start": terms.start.isoformat(),
        "end": terms.end.isoformat(),
        "volume": str(terms.volume),
        "unit_code": terms.unit_code,
        "frequency_code": terms.frequency_code,
        "budget_cents": terms.budget_cents,
    }


def _terms_from_json(data: dict[str, Any]) -> AllocationTerms:
    from decimal import Decimal

    return AllocationTerms(
        start=date.fromisoformat(data["start"]),
        end=date.fromisoformat(data["end"]),
        volume=Decimal(data["volume"]),
        unit_code=data["unit_code"],
        frequency_code=data["frequency_code"],
        budget_cents=data.get("budget_cents"),
    )


def _last_sent(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, AllocationTerms]:
    """The terms of the newest JW301 sent for each allocation."""
    found: dict[uuid.UUID, tuple[tuple[date, datetime], AllocationTerms]] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        rows = q.sent_jw301_terms(session, chunk)
        for r in rows:
            key = (r.message_date, r.created_at)
            if r.indication_id not in found or key > found[r.indication_id][0]:
                found[r.indication_id] = (key, _terms_from_json(r.terms))
    return {k: v[1] for k, v in found.items()}


def _cause(row: Indication) -> ChangeCause:
    if (
        row.status == IndicationStatus.BEEINDIGD.value
        and row.ended_on is not None
        and row.ended_on < row.start_date
        and row.start_date == row.end_date
    ):
        return ChangeCause.INTREKKING
    return cause_of(row.change_reason)


def _references(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """ReferentieAanbieder of the request an allocation answers (JW315 → JW301)."""
    result: dict[uuid.UUID, str] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        rows = q.answered_request_references(session, chunk)
        result.update({r.answer_indication_id: r.reference for r in rows if r.reference})
    return result


def _product(row: Indication, previous: AllocationTerms | None, reference: str | None):
    current = terms_of(row)
    reason = change_reason(previous, current, _cause(row))
    omvang, budget = omvang_or_budget(
        row.volume, Unit(row.unit), Frequency(row.frequency), row.budget_cents
    )
    allocated = (row.allocated_at or row.created_at).astimezone(_AMSTERDAM)
    return AllocatedProduct(
        allocation_number=row.allocation_number or 0,
        category=row.product_category,
        code=row.product_code,
        allocated_on=allocated.date(),
        allocated_at=allocated.strftime("%H:%M:%S"),
        start=row.start_date,
        end=row.end_date,
        reason=reason.value if reason else None,
        omvang=omvang,
        budget=budget,
        reference=reference,
    )


def _client(person: Person, household: Household) -> ClientData:
    return ClientData(
        bsn=person.bsn or "",
        birth_date=person.birth_date,
        surname=person.surname,
        tussenvoegsel=person.tussenvoegsel,
        first_names=person.first_name,
        street=household.street,
        house_number=household.house_number,
        postcode=household.postcode,
        city=household.city or household.gemeente,
    )


def _changed_rows(session: Session, day: date) -> list[Indication]:
    """Issued or ended allocations (as of ``day``) whose terms the provider has not had."""
    rows = q.allocations_before(
        session,
        (IndicationStatus.AFGEGEVEN.value, IndicationStatus.BEEINDIGD.value),
        _end_of_day_utc(day),
    )
    sent = _last_sent(session, [r.id for r in rows])
    changed = [r for r in rows if sent.get(r.id) != terms_of(r)]
    # an allocation ended before it was ever sent is not sent at all
    changed = [
        r
        for r in changed
        if r.id in sent
        or r.status == IndicationStatus.AFGEGEVEN.value
        or (r.ended_on is not None and r.ended_on >= r.start_date)
    ]
    return changed


def pending_allocations(ctx: AppContext, day: date) -> int:
    """How many allocations the export of ``day`` would send (nothing is written)."""
    require_exchange(ctx)
    with ctx.uow(readonly=True) as uow:
        return len(_changed_rows(uow.session, day))


def _load(session: Session, model: Any, ids: set[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """Records by id, read in chunks (no query per record)."""
    found: dict[uuid.UUID, Any] = {}
    ordered = sorted(ids, key=str)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        found.update({r.id: r for r in q.records_by_ids(session, model, chunk)})
    return found


def prepare_day(
    ctx: AppContext, day: date, cancel: CancelToken | None = None
) -> tuple[int, list[str]]:
    """Record the JW301 messages of ``day`` for every allocation not yet sent in its state.

    One transaction: either all of the day's new messages are recorded or none. Returns
    the number of new messages and why allocations could not be sent (RS005).
    """
    require_exchange(ctx)
    with ctx.uow() as uow:
        session = uow.session
        changed = _changed_rows(session, day)
        sent = _last_sent(session, [r.id for r in changed])
        references = _references(session, [r.id for r in changed])
        groups: dict[tuple[str, str, uuid.UUID], list[Indication]] = defaultdict(list)
        for row in changed:
            agb = row.maatwerk_agb or row.provider_agb
            if not agb:
                continue
            groups[(row.gemeente_code, agb, row.person_id)].append(row)
        written = 0
        refused: list[str] = []
        persons = _load(session, Person, {person for _, _, person in groups})
        households = _load(session, Household, {r.household_id for r in changed})
        new_rows: list[dict[str, Any]] = []
        batches: dict[tuple[str, str], list[uuid.UUID]] = defaultdict(list)
        for (gemeente, agb, person_id), items in sorted(groups.items(), key=lambda g: str(g[0])):
            if cancel is not None:
                cancel.raise_if_cancelled()
            person = persons[person_id]
            household = households[items[0].household_id]
            items.sort(key=lambda r: r.allocation_number or 0)
            sendable, products = [], []
            for r in items:
                try:
                    products.append(_product(r, sent.get(r.id), references.get(r.id)))
                    sendable.append(r)
                except ValueError:
                    refused.append(
                        f"Toewijzing {r.allocation_number} ({gemeente}) is niet verzonden: de "
                        f"omvang {r.volume} {r.unit} is geen heel getal (iJw RS005). Vervang "
                        "de indicatie door een met een hele omvang."
                    )
            if not products:
                continue
            items = sendable
            key = "|".join(
                f"{p.allocation_number}:{p.start}:{p.end}:{p.reason}:{p.omvang}:{p.budget}"
                for p in products
            )
            ident = identification("JW301", gemeente, agb, day.isoformat(), key)
            data = write_jw301(gemeente, agb, ident, day, _client(person, household), products)
            digest = hashlib.sha256(data).hexdigest()
            for index, (row, product) in enumerate(zip(items, products, strict=True)):
                new_rows.append(
                    {
                        "direction": "uit",
                        "message_code": "JW301",
                        "message_date": day,
                        "identification": ident,
                        "sender": gemeente,
                        "receiver": agb,
                        "household_id": row.household_id,
                        "indication_id": row.id,
                        "file_name": f"JW301_{gemeente}_{agb}_{day:%Y%m%d}_{ident}.xml",
                        "content": data.decode("utf-8") if index == 0 else "",
                        "sha256": digest,
                        "terms": _terms_json(terms_of(row)),
                        "reason_code": product.reason,
                    }
                )
            batches[(gemeente, agb)].append(person_id)
            written += 1
        bulk_insert(session, IjwMessage, new_rows, ctx.actor.username)
        for (gemeente, agb), person_ids in sorted(batches.items()):
            uow.log_access(
                "exporteren",
                "ijw_message",
                None,
                person_ids,
                f"JW301 van gemeente {gemeente} aan aanbieder {agb} ({len(person_ids)} cliënten)",
            )
        uow.commit()
        return written, refused


def _day_messages(session: Session, day: date) -> list[IjwMessage]:
    return q.outgoing_messages_of_day(session, day)


def _write_file(target: Path, data: bytes) -> None:
    """Atomic: a synced temporary file renamed over ``target`` (never a half file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(
        prefix=TEMP_PREFIX, suffix=atomic.TEMP_SUFFIX, dir=target.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _fsync_directory(folder: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):  # Windows cannot open a folder for fsync
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def export_day(
    ctx: AppContext, day: date, folder: Path, cancel: CancelToken | None = None
) -> ProgressTask[ExportResult]:
    """Record the day's new JW301s, then write every message of the day (JW301, JW319)."""
    yield Progress(0, 1, "Toewijzingen verzamelen")
    new, refused = prepare_day(ctx, day, cancel)
    with ctx.uow(readonly=True) as uow:
        messages = [
            (m.sender, m.receiver, m.file_name, m.content) for m in _day_messages(uow.session, day)
        ]
        allocations = q.jw301_count_of_day(uow.session, day)
    files = []
    for index, (sender, receiver, name, content) in enumerate(messages):
        if cancel is not None:
            cancel.raise_if_cancelled()
        target = folder / f"{sender}-{receiver}" / name
        _write_file(target, content.encode("utf-8"))
        files.append(target)
        yield Progress(index + 1, len(messages), name)
    for directory in sorted({f.parent for f in files}):
        _fsync_directory(directory)  # once per folder: the renames survive a power cut
    return ExportResult(day, folder, tuple(files), new, allocations, tuple(refused))


# --- JW319 -------------------------------------------------------------------------------


def answer_request(
    ctx: AppContext,
    request_id: uuid.UUID,
    answer: VerzoekAntwoord,
    reason: RedenAfwijzing | None = None,
    day: date | None = None,
) -> IjwRequest:
    """Answer a JW315/JW317 with a JW319: afgewezen (with a WJ759 reason) or in onderzoek.

    In onderzoek moves the answer term to 8 weeks after receipt; an allocation answers
    with a JW301 instead (:func:`link_allocation`).
    """
    require(ctx.actor, Permission.DOSSIER_EDIT)
    day = day or ctx.today()
    if answer is VerzoekAntwoord.AFGEWEZEN and reason is None:
        raise ValidationError(
            FieldError("reden", "Een afwijzing vraagt een reden (codelijst WJ759).")
        )
    if answer is VerzoekAntwoord.IN_ONDERZOEK and reason is not None:
        raise ValidationError(FieldError("reden", "Alleen een afwijzing heeft een reden."))
    with ctx.uow() as uow:
        request = uow.session.get(IjwRequest, request_id)
        if request is None:
            raise NotFoundError("Dit verzoek van de aanbieder bestaat niet (meer).")
        require_household_team(ctx, uow.session, request.household_id)
        if request.status in ("toegewezen", "afgewezen"):
            raise RuleViolationError("Dit verzoek is al beantwoord.")
        ident = identification("JW319", str(request.id), answer.value, day.isoformat())
        data = write_jw319(
            request.gemeente_code,
            request.provider_agb,
            ident,
            day,
            request.reference,
            answer,
            reason,
        )
        uow.session.add(
            IjwMessage(
                direction="uit",
                message_code="JW319",
                message_date=day,
                identification=ident,
                sender=request.gemeente_code,
                receiver=request.provider_agb,
                household_id=request.household_id,
                file_name=f"JW319_{request.gemeente_code}_{request.provider_agb}_{day:%Y%m%d}_{ident}.xml",
                content=data.decode("utf-8"),
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )
        request.answer_code = answer.value
        request.reject_reason = reason.value if reason else None
        request.answered_on = day
        request.answered_by = ctx.actor.username
        if answer is VerzoekAntwoord.AFGEWEZEN:
            request.status = "afgewezen"
        else:
            request.status = "in_onderzoek"
            request.answer_due = request.received_on + timedelta(weeks=8)
        uow.log_access(
            "beantwoorden",
            "ijw_request",
            request.id,
            [request.person_id],
            f"JW319 {answer.label.lower()}",
        )
        uow.commit()
        uow.session.refresh(request)
        uow.session.expunge(request)
        return request


def link_allocation(ctx: AppContext, request_id: uuid.UUID, indication_id: uuid.UUID) -> IjwRequest:
    """Answer a request with an allocation: the next JW301 export carries its reference."""
    require(ctx.actor, Permission.DOSSIER_EDIT)
    with ctx.uow() as uow:
        request = uow.session.get(IjwRequest, request_id)
        row = uow.session.get(Indication, indication_id)
        if request is None or row is None:
            raise NotFoundError("Dit verzoek of deze indicatie bestaat niet (meer).")
        require_household_team(ctx, uow.session, request.household_id)
        if row.person_id != request.person_id:
            raise RuleViolationError("Deze indicatie is van een andere jeugdige dan het verzoek.")
        if request.status in ("toegewezen", "afgewezen"):
            raise RuleViolationError("Dit verzoek is al beantwoord.")
        request.status = "toegewezen"
        request.answer_indication_id = row.id
        request.answered_on = ctx.today()
        request.answered_by = ctx.actor.username
        uow.log_access(
            "beantwoorden",
            "ijw_request",
            request.id,
            [request.person_id],
            "verzoek beantwoord met een toewijzing (JW301)",
        )
        uow.commit()
        uow.session.refresh(request)
        uow.session.expunge(request)
        return request


def answer_due(ctx: AppContext, received_on: date) -> date:
    """The 5-working-day answer term (Dutch public holidays not counted)."""
    return add_working_days(received_on, ctx.profile.settings.provider_request_answer_workdays)
