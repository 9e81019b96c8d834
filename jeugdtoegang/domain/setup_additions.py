"""Additions to the region setup from the region's own files.

* A **productcodelijst** (CSV: ``code;naam;categorie;eenheid;segment;soort``, optional
  ``groep;frequentie;vorm;norm_maanden;norm_volume``) becomes products of the profile.
* A **catalogue** whose rows name products or neighbourhoods the profile lacks yields the
  missing items, so the beheerder can add them in the import preview instead of editing a
  program file.

Pure functions over rows and the profile; the service stores the result as a new setup
version (validated by the same pydantic profile schema).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from jeugdtoegang.domain.catalogue_files import RawRow, sniff_delimiter
from jeugdtoegang.domain.providers import ALL, FREE_ACCESS_SEGMENT, split_list
from jeugdtoegang.errors import FieldError
from jeugdtoegang.regions import RegionProfile

PRODUCT_LIST_COLUMNS = ("code", "naam", "categorie", "eenheid", "segment", "soort")
REQUIRED_PRODUCT_COLUMNS = ("code", "naam", "eenheid", "segment")
UNITS = ("minuut", "uur", "dagdeel", "etmaal", "stuks", "euro")
KINDS = ("ontwikkeling", "stabilisatie", "beide")
FREQUENCIES = ("dag", "week", "maand", "totaal")
#: The usual frequency per unit when the list gives none (CS338: 14, 16, 83, 84 need 2/4/6).
DEFAULT_FREQUENCY = {
    "minuut": "week",
    "uur": "week",
    "dagdeel": "week",
    "etmaal": "maand",
    "stuks": "totaal",
    "euro": "totaal",
}
_CODE = re.compile(r"[0-9A-Z]{5}")
_CATEGORY = re.compile(r"\d{2}")


@dataclass(frozen=True)
class ProductListPreview:
    """What importing a productcodelijst would do; nothing is written yet."""

    new: tuple[dict[str, Any], ...]
    changed: tuple[dict[str, Any], ...]
    unchanged: int
    errors: tuple[FieldError, ...]

    @property
    def products(self) -> tuple[dict[str, Any], ...]:
        return self.new + self.changed


def read_product_list(text: str) -> tuple[list[RawRow], list[FieldError]]:
    """Rows of a productcodelijst CSV (``;`` or ``,``); a missing column is an error on row 1."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return [], [FieldError("bestand", "Het bestand is leeg.", 1)]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(lines[0]))
    try:
        records = [r for r in reader if any(v.strip() for v in r)]
    except csv.Error as error:
        return [], [FieldError("bestand", f"Het CSV-bestand is niet te lezen: {error}.", 1)]
    header = [v.strip().lower() for v in records[0]]
    missing = [c for c in REQUIRED_PRODUCT_COLUMNS if c not in header]
    if missing:
        return [], [FieldError(c, "Deze kolom ontbreekt in de kopregel.", 1) for c in missing]
    rows = [
        RawRow(number, dict(zip(header, values, strict=False)))
        for number, values in enumerate(records[1:], start=2)
    ]
    return rows, []


def _bool(text: str) -> bool | None:
    value = text.strip().lower()
    if value in ("", "nee", "n", "0", "false"):
        return False if value else None
    if value in ("ja", "j", "1", "true"):
        return True
    return None


def product_from_row(
    raw: RawRow, profile: RegionProfile
) -> tuple[dict[str, Any] | None, list[FieldError]]:
    """One product document from a productcodelijst row, or the row's errors."""
    errors: list[FieldError] = []

    def error(column: str, message: str) -> None:
        errors.append(FieldError(column, message, raw.number))

    code = raw.get("code").upper()
    if not _CODE.fullmatch(code):
        error("code", f"'{code}' is geen iJw-productcode van 5 tekens (bijv. 45A01).")
    name = raw.get("naam")
    if not name:
        error("naam", "Verplicht veld is leeg.")
    category = raw.get("categorie") or code[:2]
    if not _CATEGORY.fullmatch(category):
        error("categorie", f"'{category}' is geen productcategorie van 2 cijfers (bijv. 45).")
    unit = raw.get("eenheid").lower()
    if unit not in UNITS:
        error("eenheid", f"Onbekende eenheid '{unit}' (kies {', '.join(UNITS)}).")
    segment = raw.get("segment").lower()
    if not profile.has_segment(segment):
        error(
            "segment",
            f"Segment '{segment}' bestaat niet in regio {profile.name} "
            f"(bekend: {', '.join(profile.segment_ids)}).",
        )
    kind = raw.get("soort").lower() or "beide"
    if kind not in KINDS:
        error("soort", f"Onbekende soort '{kind}' (kies {', '.join(KINDS)}).")
    frequency = raw.get("frequentie").lower() or DEFAULT_FREQUENCY.get(unit, "week")
    if frequency not in FREQUENCIES:
        error("frequentie", f"Onbekende frequentie '{frequency}' (kies {', '.join(FREQUENCIES)}).")
    group = _bool(raw.get("groep"))
    if group is None and raw.get("groep"):
        error("groep", f"'{raw.get('groep')}' is geen ja of nee.")
    product: dict[str, Any] = {
        "code": code,
        "name": name,
        "segment": segment,
        "category": category,
        "unit": unit,
        "default_frequency": frequency,
        "perspective": kind,
        "group": bool(group),
    }
    vorm = raw.get("vorm").lower()
    if vorm:
        product["vorm"] = vorm
    elif segment == "wonen":
        error(
            "vorm",
            "Een product in segment 'wonen' heeft een vorm nodig (pleegzorg, "
            "gezinshuis of specialistisch-wonen).",
        )
    for column, key in (("norm_maanden", "norm_months"), ("norm_volume", "norm_volume")):
        text = raw.get(column)
        if text:
            if text.isdigit() and int(text) > 0:
                product[key] = int(text)
            else:
                error(column, f"'{text}' is geen geheel getal groter dan 0.")
    return (None, errors) if errors else (product, [])


def preview_product_list(rows: Iterable[RawRow], profile: RegionProfile) -> ProductListPreview:
    """Every row checked; new and changed products against the profile."""
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    unchanged = 0
    errors: list[FieldError] = []
    seen: dict[str, int] = {}
    for raw in rows:
        missing = [c for c in ("code", "naam", "eenheid", "segment") if not raw.get(c)]
        for column in missing:
            errors.append(FieldError(column, "Verplicht veld is leeg.", raw.number))
        if missing:
            continue
        product, found = product_from_row(raw, profile)
        errors += found
        if product is None:
            continue
        if product["code"] in seen:
            errors.append(
                FieldError(
                    "code",
                    f"Productcode {product['code']} staat al op rij {seen[product['code']]}.",
                    raw.number,
                )
            )
            continue
        seen[product["code"]] = raw.number
        existing = profile.product(product["code"])
        if existing is None:
            new.append(product)
        elif {
            **existing.model_dump(mode="json", exclude_none=True),
            **product,
        } != existing.model_dump(mode="json", exclude_none=True):
            changed.append(product)
        else:
            unchanged += 1
    return ProductListPreview(tuple(new), tuple(changed), unchanged, tuple(errors))


@dataclass(frozen=True)
class CatalogueUnknowns:
    """Products and neighbourhoods a catalogue names that the region setup lacks."""

    products: tuple[dict[str, Any], ...] = ()
    #: (municipality, wijk)
    wijken: tuple[tuple[str, str], ...] = ()
    #: unknowns that cannot be added automatically, with the reason
    problems: tuple[FieldError, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not self.products and not self.wijken


def catalogue_unknowns(rows: Iterable[RawRow], profile: RegionProfile) -> CatalogueUnknowns:
    """What to add so the catalogue's rows fit the region (used by the import preview)."""
    products: dict[str, dict[str, Any]] = {}
    wijken: list[tuple[str, str]] = []
    problems: list[FieldError] = []
    for raw in rows:
        segment = raw.get("segment").lower()
        code = raw.get("productcode").upper()
        unknown = profile.product(code) is None and code not in products
        if segment and segment != FREE_ACCESS_SEGMENT and _CODE.fullmatch(code) and unknown:
            unit = raw.get("eenheid").lower()
            product = {
                "code": code,
                "name": raw.get("productnaam") or code,
                "segment": segment,
                "category": code[:2] if code[:2].isdigit() else "45",
                "unit": unit if unit in UNITS else "uur",
                "default_frequency": DEFAULT_FREQUENCY.get(unit, "week"),
                "perspective": "beide",
                "group": _bool(raw.get("groepsaanbod")) is True,
            }
            if raw.get("vorm"):
                product["vorm"] = raw.get("vorm").lower()
            if profile.has_segment(segment):
                products[code] = product
            else:
                problems.append(
                    FieldError("segment", f"Segment '{segment}' bestaat niet.", raw.number)
                )
        wanted = raw.get("preferent_wijken")
        if not wanted or wanted == ALL:
            continue
        served = [
            m for name in split_list(raw.get("gemeenten")) if (m := profile.municipality(name))
        ]
        known = {w.casefold() for m in served for w in m.wijken}
        for wijk in split_list(wanted):
            if wijk.casefold() in known or any(w == wijk for _, w in wijken):
                continue
            if len(served) == 1:
                wijken.append((served[0].name, wijk))
            else:
                problems.append(
                    FieldError(
                        "preferent_wijken",
                        f"Wijk '{wijk}' is onbekend en de rij noemt niet precies een gemeente; "
                        "voeg de wijk toe bij de juiste gemeente.",
                        raw.number,
                    )
                )
    return CatalogueUnknowns(tuple(products.values()), tuple(wijken), tuple(problems))
