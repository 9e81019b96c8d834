"""Inzageverzoek (AVG art. 15): all data and log entries about one person, as JSON or PDF.

The records are collected generically: every table with a ``person_id`` column (rows
about the person) or a ``household_id`` column (rows of the person's dossier, such as the
plan), plus the person's own record, its household and every earlier version of the
person's record from the change log. Making the export is itself logged.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.errors import NotFoundError
from jeugdtoegang.services.audit import AuditEntryView, _entry_view, retention_years
from jeugdtoegang.services.authz import guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import inzage_queries as q
from jeugdtoegang.storage.audit_writer import flush_pending
from jeugdtoegang.storage.base import Base, utcnow
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.snapshot import snapshot, to_json_value

#: tables that are logs or secrets, never part of the "data about the person" section
_SKIP_TABLES = frozenset({"audit_log", "audit_subject", "change_log", "app_user", "person"})
#: columns that are technical, not information about the person
_SKIP_COLUMNS = frozenset({"version", "search_surname", "search_first", "sort_key"})

TABLE_LABELS = {
    "household": "Huishouden",
    "person": "Persoon",
    "plan": "Perspectiefplan",
    "plan_version": "Versies van het perspectiefplan",
    "indication": "Indicaties",
    "indication_evaluation": "Evaluaties",
    "provider_request": "Verzoeken van aanbieders",
    "decision": "Beschikkingen",
    "review_step": "Beoordelingsstappen",
}


@dataclass(frozen=True)
class InzageReport:
    person_id: uuid.UUID
    person_name: str
    made_at: datetime
    made_by: str
    retention_years: int
    person: dict[str, Any]
    household: dict[str, Any]
    person_versions: list[dict[str, Any]]
    records: dict[str, list[dict[str, Any]]]
    log: list[AuditEntryView]

    def as_dict(self) -> dict[str, Any]:
        return {
            "soort": "inzageverzoek (AVG art. 15)",
            "persoon_id": str(self.person_id),
            "naam": self.person_name,
            "gemaakt_op": self.made_at.isoformat(),
            "gemaakt_door": self.made_by,
            "bewaartermijn_jaren": self.retention_years,
            "persoon": self.person,
            "huishouden": self.household,
            "eerdere_versies_persoon": self.person_versions,
            "gegevens": self.records,
            "logboek": [e.as_dict() for e in self.log],
        }


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in _SKIP_COLUMNS}


def _rows(session: Any, table: Any, column: str, value: uuid.UUID) -> list[dict[str, Any]]:
    rows = q.rows_where(session, table, column, value)
    return [_clean({k: to_json_value(v) for k, v in row.items()}) for row in rows]


@guarded(Permission.EXPORT, object_type="person")
def build_inzage(ctx: AppContext, person_id: uuid.UUID, *, log: bool = True) -> InzageReport:
    """Collect everything about one person (the export is logged as "inzage_export")."""
    flush_pending(ctx.database)
    with ctx.uow(readonly=True) as uow:
        session = uow.session
        person = uow.get(Person, person_id)
        if person is None:
            raise NotFoundError("Deze persoon bestaat niet (meer).")
        household = uow.get(Household, person.household_id)
        name = " ".join(p for p in (person.first_name, person.tussenvoegsel, person.surname) if p)
        records: dict[str, list[dict[str, Any]]] = {}
        for table in Base.metadata.sorted_tables:
            if table.name in _SKIP_TABLES or table.name == "household":
                continue
            if "person_id" in table.c:
                found = _rows(session, table, "person_id", person_id)
            elif "household_id" in table.c:
                found = _rows(session, table, "household_id", person.household_id)
            else:
                continue
            if found:
                records[table.name] = found
        versions = [
            {"versie": row.version, "bewerking": row.operation, "op": to_json_value(row.created_at),
             "door": row.created_by, "gegevens": _clean(row.data or {})}
            for row in q.person_versions(session, person_id)
        ]  # fmt: skip
        entries = q.audit_rows_about(session, person_id)
        report = InzageReport(
            person_id=person_id,
            person_name=name,
            made_at=utcnow(),
            made_by=ctx.actor.username,
            retention_years=retention_years(ctx),
            person=_clean(snapshot(person)),
            household=_clean(snapshot(household)) if household else {},
            person_versions=versions,
            records=records,
            log=[_entry_view(r) for r in entries],
        )
        if log:
            uow.log_access(
                "inzage_export", "person", person_id, [person_id], "inzageverzoek AVG art. 15"
            )
    return report


def write_inzage(ctx: AppContext, person_id: uuid.UUID, target: Path) -> Path:
    """Write the inzage export; ``.json`` gives JSON, anything else a PDF.

    The file is written whole (atomic, 0600) and the export is logged in the step that
    makes it final, so a failed export is never logged as made.
    """
    from jeugdtoegang.services.file_output import write_logged

    report = build_inzage(ctx, person_id, log=False)
    target = Path(target)
    if target.suffix.lower() == ".json":
        data = json.dumps(report.as_dict(), ensure_ascii=False, indent=2).encode("utf-8")
    else:
        from jeugdtoegang.services.inzage_pdf import render_inzage_pdf

        data = render_inzage_pdf(report, ctx.profile)
    return write_logged(
        ctx, target, data, action="inzage_export", object_type="person", object_id=person_id,
        person_ids=[person_id], purpose="inzageverzoek AVG art. 15 (bestand)",
    )  # fmt: skip


@dataclass(frozen=True)
class PersonMatch:
    id: uuid.UUID
    name: str
    birth_date: str
    dossier_number: str


@guarded(Permission.EXPORT)
def find_person(ctx: AppContext, bsn: str) -> list[PersonMatch]:
    """Find the person an inzageverzoek is about by BSN (the lookup is logged)."""
    from jeugdtoegang.domain.bsn import normalise_bsn

    number = normalise_bsn(bsn)
    with ctx.uow(readonly=True) as uow:
        rows = q.persons_by_bsn(uow.session, number)
        matches = [
            PersonMatch(
                p.id,
                " ".join(x for x in (p.first_name, p.tussenvoegsel, p.surname) if x),
                p.birth_date.strftime("%d-%m-%Y") if p.birth_date else "",
                dossier,
            )
            for p, dossier in rows
        ]
        uow.log_access(
            "persoon_zoeken", "person", None, [m.id for m in matches], "inzageverzoek: BSN"
        )
    return matches
