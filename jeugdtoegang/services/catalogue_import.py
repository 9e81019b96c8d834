"""Import the provider catalogue from a CSV or JSON file.

Every row is validated and *all* errors are reported with row and column. The import is
all-or-nothing (one bad row: nothing changes) unless ``skip_invalid``; it runs in one
transaction, so a cancel or failure leaves nothing half written. Re-importing the same
file changes nothing: rows are compared with what is stored and only changed contracts
are written, through the ORM, so the change log keeps every earlier version. Contracts
missing from a file are left as they are (a file may cover part of the catalogue).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.domain.catalogue_rows import (
    CatalogueValidator,
    ContractRow,
    ParsedCatalogue,
    ProvisionRow,
    decode,
    read_rows,
)
from jeugdtoegang.domain.text import fold
from jeugdtoegang.errors import FieldError, JeugdtoegangError, ValidationError
from jeugdtoegang.progress import CancelToken, Progress, ProgressTask, run_to_end
from jeugdtoegang.regions import RegionProfile
from jeugdtoegang.services.authz import guard
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import catalogue_queries
from jeugdtoegang.storage.bulk import bulk_insert
from jeugdtoegang.storage.models.providers import Contract, FreeAccessProvision, Provider

CHUNK = 1000
MAX_FILE_BYTES = 50 * 1024 * 1024
#: contract columns compared on re-import (everything but the natural key)
CONTRACT_FIELDS = (
    "product_name",
    "vorm",
    "themes",
    "unit",
    "tariff",
    "valid_to",
    "municipalities",
    "preferred_wijken",
    "group_offer",
    "waiting_weeks",
    "budget_year",
    "status",
)
PROVISION_FIELDS = ("themes", "group_offer", "agb", "contact", "valid_from", "valid_to")


class CatalogueImportError(ValidationError):
    """The file has invalid rows; nothing was imported. ``errors`` holds all of them."""

    def __init__(self, errors: list[FieldError], rows_total: int) -> None:
        rows = len({e.row for e in errors})
        lines = "\n".join(f"- {e}" for e in errors)
        super().__init__(
            errors,
            f"De catalogus is niet ingelezen: {len(errors)} fout(en) in {rows} rij(en) van "
            f"{rows_total}. Er is niets gewijzigd. Verbeter het bestand, of lees in met "
            f"'ongeldige rijen overslaan'.\n{lines}",
        )


@dataclass(frozen=True)
class CataloguePreview:
    """What an import would do with a file, before anything is written."""

    file: str
    rows_total: int
    contracts: int
    provisions: int
    errors: tuple[FieldError, ...]

    @property
    def invalid_rows(self) -> int:
        return len({e.row for e in self.errors})


@dataclass
class ImportReport:
    """What an import did."""

    file: str
    rows_total: int = 0
    rows_skipped: int = 0
    errors: tuple[FieldError, ...] = ()
    providers_created: int = 0
    providers_updated: int = 0
    contracts_created: int = 0
    contracts_updated: int = 0
    contracts_unchanged: int = 0
    provisions_created: int = 0
    provisions_updated: int = 0
    provisions_unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (
                self.providers_created,
                self.providers_updated,
                self.contracts_created,
                self.contracts_updated,
                self.provisions_created,
                self.provisions_updated,
            )
        )

    @property
    def summary(self) -> str:
        text = (
            f"Catalogus ingelezen uit {self.file}: {self.rows_total} rijen; aanbieders "
            f"{self.providers_created} nieuw, {self.providers_updated} gewijzigd; contracten "
            f"{self.contracts_created} nieuw, {self.contracts_updated} gewijzigd, "
            f"{self.contracts_unchanged} ongewijzigd; voorliggende voorzieningen "
            f"{self.provisions_created} nieuw, {self.provisions_updated} gewijzigd."
        )
        if self.rows_skipped:
            text += f" {self.rows_skipped} ongeldige rij(en) overgeslagen."
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows_total": self.rows_total,
            "rows_skipped": self.rows_skipped,
            "providers": {"created": self.providers_created, "updated": self.providers_updated},
            "contracts": {
                "created": self.contracts_created,
                "updated": self.contracts_updated,
                "unchanged": self.contracts_unchanged,
            },
            "provisions": {
                "created": self.provisions_created,
                "updated": self.provisions_updated,
                "unchanged": self.provisions_unchanged,
            },
            "errors": [error_json(e) for e in self.errors],
        }


def error_json(error: FieldError) -> dict[str, Any]:
    return {"row": error.row, "column": error.field, "message": error.message}


# -- reading --------------------------------------------------------------------------------


def read_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise JeugdtoegangError(f"Het bestand {path.name} is te groot (meer dan 50 MB).")
        return path.read_bytes()
    except OSError as error:
        raise JeugdtoegangError(
            f"Het bestand {path.name} kan niet worden gelezen ({error.strerror or error})."
        ) from error


def parse_file(
    profile: RegionProfile,
    data: bytes,
    name: str,
    progress: Callable[[int, int], None] | None = None,
) -> ParsedCatalogue:
    rows, file_errors = read_rows(decode(data), json_format=name.lower().endswith(".json") or None)
    validator = CatalogueValidator(profile)
    for index, raw in enumerate(rows, start=1):
        validator.add(raw)
        if progress is not None and index % CHUNK == 0:
            progress(index, len(rows))
    return validator.result(file_errors, unreadable=bool(file_errors) and not rows)


def preview_catalogue(ctx: AppContext, path: Path) -> CataloguePreview:
    """Validate a file without writing anything (for the GUI's preview)."""
    parsed = parse_file(ctx.profile, read_file(path), path.name)
    return CataloguePreview(
        path.name,
        parsed.rows_total,
        len(parsed.contracts),
        len(parsed.provisions),
        tuple(parsed.errors),
    )


# -- writing --------------------------------------------------------------------------------


def _provider_values(row: ContractRow) -> dict[str, Any]:
    return {
        "agb": row.agb,
        "name": row.naam,
        "search_name": fold(row.naam),
        "kvk": row.kvk,
        "contact": row.contact,
        "identity": row.identity,
    }


def _contract_values(row: ContractRow, provider_id: uuid.UUID, region: str) -> dict[str, Any]:
    return {
        "provider_id": provider_id,
        "region_slug": region,
        "segment": row.segment,
        "product_code": row.product_code,
        "valid_from": row.valid_from,
        **{name: getattr(row, name) for name in CONTRACT_FIELDS},
    }


def _sync_providers(
    session: Session, rows: Sequence[ContractRow], actor: str, report: ImportReport
) -> dict[str, uuid.UUID]:
    """Create new providers and update changed ones; returns AGB → provider id."""
    first: dict[str, ContractRow] = {}
    for row in rows:
        first.setdefault(row.agb, row)
    existing = catalogue_queries.stored_providers(session)
    ids = {agb: r.id for agb, r in existing.items()}
    new = [_provider_values(row) for agb, row in first.items() if agb not in existing]
    for values, new_id in zip(new, bulk_insert(session, Provider, new, actor), strict=True):
        ids[values["agb"]] = new_id
    report.providers_created = len(new)
    changed = []
    for agb, row in first.items():
        old = existing.get(agb)
        if old is None:
            continue
        wanted = (
            row.naam,
            row.kvk or old.kvk,
            row.contact or old.contact,
            row.identity or old.identity,
        )
        if wanted != (old.name, old.kvk, old.contact, old.identity):
            changed.append((old.id, wanted))
    for provider_id, (name, kvk, contact, identity) in changed:
        provider = session.get(Provider, provider_id)
        assert provider is not None
        provider.name, provider.search_name = name, fold(name)
        provider.kvk, provider.contact, provider.identity = kvk, contact, identity
    report.providers_updated = len(changed)
    return ids


def _write_contracts(
    session: Session,
    rows: Sequence[ContractRow],
    provider_ids: dict[str, uuid.UUID],
    region: str,
    actor: str,
    report: ImportReport,
    cancel: CancelToken | None,
) -> ProgressTask[None]:
    stored = catalogue_queries.stored_contracts(session, region, CONTRACT_FIELDS)
    new: list[dict[str, Any]] = []
    changed: dict[uuid.UUID, ContractRow] = {}
    for row in rows:
        provider_id = provider_ids[row.agb]
        old = stored.get((provider_id, row.segment, row.product_code, row.valid_from))
        if old is None:
            new.append(_contract_values(row, provider_id, region))
        elif any(getattr(old, name) != getattr(row, name) for name in CONTRACT_FIELDS):
            changed[old.id] = row
        else:
            report.contracts_unchanged += 1
    total = len(new) + len(changed)
    for start in range(0, len(new), CHUNK):
        if cancel is not None:
            cancel.raise_if_cancelled()
        bulk_insert(session, Contract, new[start : start + CHUNK], actor)
        yield Progress(start + len(new[start : start + CHUNK]), total, "Contracten opslaan")
    report.contracts_created = len(new)
    ids = list(changed)
    for start in range(0, len(ids), CHUNK):
        if cancel is not None:
            cancel.raise_if_cancelled()
        chunk = ids[start : start + CHUNK]
        for contract in catalogue_queries.contracts_by_ids(session, chunk):
            row = changed[contract.id]
            for name in CONTRACT_FIELDS:
                value = getattr(row, name)
                if getattr(contract, name) != value:
                    setattr(contract, name, value)
        session.flush()
        yield Progress(len(new) + start + len(chunk), total, "Gewijzigde contracten opslaan")
    report.contracts_updated = len(changed)


def _write_provisions(
    session: Session, rows: Sequence[ProvisionRow], actor: str, report: ImportReport
) -> None:
    stored = catalogue_queries.stored_provisions(session, PROVISION_FIELDS)
    new = []
    changed: dict[uuid.UUID, dict[str, Any]] = {}
    for row in rows:
        values = {
            "themes": row.themes,
            "group_offer": row.group_offer,
            "agb": row.agb,
            "contact": row.contact,
            "valid_from": row.valid_from,
            "valid_to": row.valid_to,
        }
        for municipality in row.municipalities:
            old = stored.get((municipality, row.naam.casefold()))
            if old is None:
                new.append({"municipality": municipality, "name": row.naam, **values})
            elif any(getattr(old, k) != v for k, v in values.items()) or old.name != row.naam:
                changed[old.id] = {"name": row.naam, **values}
            else:
                report.provisions_unchanged += 1
    bulk_insert(session, FreeAccessProvision, new, actor)
    for provision_id, values in changed.items():
        provision = session.get(FreeAccessProvision, provision_id)
        assert provision is not None
        for name, value in values.items():
            if getattr(provision, name) != value:
                setattr(provision, name, value)
    report.provisions_created = len(new)
    report.provisions_updated = len(changed)


def write_catalogue(
    session: Session,
    parsed: ParsedCatalogue,
    region: str,
    actor: str,
    report: ImportReport,
    cancel: CancelToken | None = None,
) -> ProgressTask[None]:
    """Write valid rows (new records, and new versions of changed ones) in ``session``."""
    provider_ids = _sync_providers(session, parsed.contracts, actor, report)
    yield from _write_contracts(
        session, parsed.contracts, provider_ids, region, actor, report, cancel
    )
    _write_provisions(session, parsed.provisions, actor, report)
    session.flush()


def import_catalogue_task(
    ctx: AppContext,
    path: Path,
    *,
    skip_invalid: bool = False,
    cancel: CancelToken | None = None,
) -> ProgressTask[ImportReport]:
    """The import as a progress generator (GUI: run in a worker; CLI: :func:`run_to_end`)."""
    guard(ctx, Permission.CATALOGUE_MANAGE)
    yield Progress(0, 1, "Bestand lezen")
    data = read_file(path)
    parsed = parse_file(ctx.profile, data, path.name)
    yield Progress(1, 1, "Rijen gecontroleerd")
    if parsed.errors and (parsed.unreadable or not skip_invalid):
        raise CatalogueImportError(parsed.errors, parsed.rows_total)
    report = ImportReport(
        path.name,
        rows_total=parsed.rows_total,
        rows_skipped=len(parsed.invalid_rows),
        errors=tuple(parsed.errors),
    )
    with ctx.uow() as uow:
        yield from write_catalogue(
            uow.session, parsed, ctx.profile.slug, ctx.actor.username, report, cancel
        )
        if cancel is not None:
            cancel.raise_if_cancelled()
        uow.log_access(
            "importeren", "catalogus", None, (), f"catalogus {path.name}: {report.summary}"[:500]
        )
        uow.commit()
    return report


def import_catalogue(ctx: AppContext, path: Path, *, skip_invalid: bool = False) -> ImportReport:
    """Import a catalogue file; raises :class:`CatalogueImportError` with all errors."""
    return run_to_end(import_catalogue_task(ctx, path, skip_invalid=skip_invalid))
