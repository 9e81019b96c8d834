"""The region's own files into its setup: a productcodelijst, and a catalogue's unknowns.

Both first preview (nothing written), then store one new setup version with everything at
once, or nothing when any row is wrong (every error named with its row and column).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jeugdtoegang.domain.authz import Permission, require
from jeugdtoegang.domain.catalogue_files import decode, read_rows
from jeugdtoegang.domain.provenance import VOORLOPIG, Provenance, Source
from jeugdtoegang.domain.setup_additions import (
    CatalogueUnknowns,
    ProductListPreview,
    catalogue_unknowns,
    preview_product_list,
    read_product_list,
)
from jeugdtoegang.errors import FieldError, RuleViolationError, ValidationError
from jeugdtoegang.services.catalogue_import import read_file
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.region_setup import SetupVersion, change_setup, settle, setup_on


@dataclass(frozen=True)
class ProductListResult:
    preview: ProductListPreview
    version: SetupVersion | None


def _rows(path: Path) -> tuple[list[Any], list[FieldError]]:
    return read_rows(decode(read_file(path)), json_format=path.suffix.lower() == ".json" or None)


def preview_product_list_file(
    ctx: AppContext, path: Path, day: date | None = None
) -> ProductListPreview:
    """Check a productcodelijst against the setup in force on ``day`` (default today)."""
    require(ctx.actor, Permission.CATALOGUE_MANAGE)
    rows, file_errors = read_product_list(decode(read_file(path)))
    profile = setup_on(ctx.database, day or ctx.today()).profile
    preview = preview_product_list(rows, profile)
    if file_errors:
        preview = ProductListPreview(
            preview.new, preview.changed, preview.unchanged, tuple(file_errors) + preview.errors
        )
    return preview


def import_product_list(
    ctx: AppContext, path: Path, effective_from: date, reason: str | None = None
) -> ProductListResult:
    """Add and update the listed products in a new setup version; all or nothing."""
    preview = preview_product_list_file(ctx, path, effective_from)
    if preview.errors:
        raise ValidationError(
            list(preview.errors),
            f"De productcodelijst {path.name} heeft fouten; er is niets veranderd:\n"
            + "\n".join(f"- {e}" for e in preview.errors),
        )
    if not preview.products:
        return ProductListResult(preview, None)
    changes = {f"profile.products.{p['code']}": p for p in preview.products}
    source = settle("profile.products", f"productcodelijst {path.name}", date_text=str(ctx.today()))
    provenance = {
        f"profile.products.{p['code']}": source["profile.products"] for p in preview.products
    }
    version = change_setup(
        ctx,
        changes,
        effective_from,
        reason or f"productcodelijst {path.name} ingelezen",
        provenance=provenance,
    )
    return ProductListResult(preview, version)


def catalogue_additions(ctx: AppContext, path: Path) -> CatalogueUnknowns:
    """Products and wijken a catalogue names that the setup in force today lacks."""
    require(ctx.actor, Permission.CATALOGUE_MANAGE)
    rows, _ = _rows(path)
    return catalogue_unknowns(rows, ctx.profile)


def add_catalogue_unknowns(
    ctx: AppContext, path: Path, effective_from: date | None = None, reason: str | None = None
) -> tuple[CatalogueUnknowns, SetupVersion | None]:
    """Add what the catalogue needs (voorlopig: check category and unit later)."""
    found = catalogue_additions(ctx, path)
    if found.problems:
        raise ValidationError(list(found.problems))
    if found.empty:
        return found, None
    day = effective_from or ctx.today()
    profile = setup_on(ctx.database, day).profile
    changes: dict[str, Any] = {f"profile.products.{p['code']}": p for p in found.products}
    note = Provenance(
        status=VOORLOPIG,
        source=Source(note=f"toegevoegd uit catalogus {path.name}; controleer de gegevens"),
    )
    provenance = {path_: note for path_ in changes}
    for municipality_name, wijk in found.wijken:
        municipality = profile.municipality(municipality_name)
        if municipality is None:  # pragma: no cover - found from the same profile
            raise RuleViolationError(f"Gemeente {municipality_name} bestaat niet.")
        key = f"profile.municipalities.{municipality.name}.wijken"
        current = changes.get(key, list(municipality.wijken))
        changes[key] = [*current, wijk]
        provenance[key] = note
    version = change_setup(
        ctx,
        changes,
        day,
        reason or f"onbekende producten en wijken uit {path.name}",
        provenance=provenance,
    )
    return found, version
