"""Validating every row of a provider catalogue (read by ``catalogue_files``).

Contract management hands the catalogue over as CSV (semicolon or comma, UTF-8 with or
without BOM; Excel on Windows may also save Windows-1252) or as JSON. Every problem is
reported with its row and column, all of them at once, so a beheerder can fix the file in
one go. Amounts are Decimal, never float; dates are ISO (2027-01-01) or dd-mm-jjjj.

The cells of a row are read by ``catalogue_cells``; this module checks a whole row, the
rows against each other, and a whole file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jeugdtoegang.domain.catalogue_cells import (
    Memo,
    RowReader,
    memoised,
    read_agb,
    read_municipalities,
    read_period,
    read_wijken,
)
from jeugdtoegang.domain.catalogue_files import (
    HEADER_ROW,
    REQUIRED_COLUMNS,
    RawRow,
    decode,
    parse_date,
    parse_decimal,
    read_rows,
    sniff_delimiter,
)
from jeugdtoegang.domain.providers import (
    ALL,
    FREE_ACCESS_SEGMENT,
    UNITS,
    ContractStatus,
    join_list,
)
from jeugdtoegang.errors import FieldError
from jeugdtoegang.regions import RegionProfile

COLUMNS = (
    "agb",
    "naam",
    "segment",
    "productcode",
    "productnaam",
    "vorm",
    "thema",
    "eenheid",
    "tarief",
    "gemeenten",
    "preferent_wijken",
    "groepsaanbod",
    "identiteit",
    "geldig_van",
    "geldig_tot",
    "status",
    "budget_jaar",
    "wachttijd_weken",
)
OPTIONAL_COLUMNS = ("kvk", "contact")
__all__ = [
    "COLUMNS",
    "HEADER_ROW",
    "REQUIRED_COLUMNS",
    "CatalogueValidator",
    "ContractRow",
    "ParsedCatalogue",
    "ProvisionRow",
    "RawRow",
    "decode",
    "parse_catalogue",
    "parse_date",
    "parse_decimal",
    "read_rows",
    "sniff_delimiter",
    "validate_row",
    "validate_rows",
]
WONEN_VORMEN = ("pleegzorg", "gezinshuis", "specialistisch-wonen")
_PRODUCT = re.compile(r"[0-9A-Z]{5}")
_KVK = re.compile(r"[0-9]{8}")
_WEEKS = re.compile(r"[0-9]{1,3}")
_STATUS = {
    "": ContractStatus.ACTIEF,
    "actief": ContractStatus.ACTIEF,
    "clientenstop": ContractStatus.CLIENTENSTOP,
    "cliëntenstop": ContractStatus.CLIENTENSTOP,
    "clienten-stop": ContractStatus.CLIENTENSTOP,
    "geschorst": ContractStatus.GESCHORST,
}


@dataclass(frozen=True)
class ContractRow:
    """A valid contract row (with the provider facts it carries)."""

    row: int
    agb: str
    naam: str
    kvk: str | None
    contact: str
    identity: str | None
    segment: str
    product_code: str
    product_name: str
    vorm: str | None
    themes: str
    unit: str
    tariff: Decimal
    municipalities: str
    preferred_wijken: str
    group_offer: bool
    valid_from: date
    valid_to: date | None
    status: str
    budget_year: Decimal | None
    waiting_weeks: int | None

    @property
    def key(self) -> tuple[str, str, str, date]:
        """Natural key for re-import: (agb, segment, productcode, geldig_van)."""
        return (self.agb, self.segment, self.product_code, self.valid_from)


@dataclass(frozen=True)
class ProvisionRow:
    """A valid free-access provision row (segment sociale-basis), one per municipality."""

    row: int
    naam: str
    municipalities: tuple[str, ...]
    themes: str
    group_offer: bool
    agb: str | None
    contact: str
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True)
class ParsedCatalogue:
    contracts: list[ContractRow]
    provisions: list[ProvisionRow]
    errors: list[FieldError]
    rows_total: int
    #: the file itself could not be read (no rows at all): never importable
    unreadable: bool = False

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row is not None})


def validate_row(
    raw: RawRow, profile: RegionProfile, memo: Memo | None = None
) -> tuple[ContractRow | ProvisionRow | None, list[FieldError]]:
    """Validate one row against the region; returns the row or all its errors.
    ``memo``: a dict kept across the rows of one file (lookups of repeated cell values)."""
    row = RowReader(raw)
    naam = row.text("naam", required=True)
    segment = row.raw.get("segment")
    if not segment:
        row.error("segment", "Verplicht veld is leeg.")
    elif not profile.has_segment(segment):
        row.error(
            "segment",
            f"Segment '{segment}' bestaat niet in regio {profile.name} "
            f"(bekend: {', '.join(profile.segment_ids)}).",
        )
    served = memoised(
        row,
        memo,
        ("gemeenten", raw.get("gemeenten")),
        lambda r: read_municipalities(r, profile),
    )
    contact = row.text("contact")
    if segment == FREE_ACCESS_SEGMENT:
        agb = read_agb(row, required=False)
        start, end = read_period(row, required=False)
        provision = ProvisionRow(
            raw.number,
            naam,
            served if served is not None else profile.municipality_names,
            row.themes(),
            row.flag("groepsaanbod"),
            agb or None,
            contact,
            start,
            end,
        )
        return (None, row.errors) if row.errors else (provision, [])
    agb = read_agb(row, required=True)
    kvk = row.raw.get("kvk").replace(" ", "") or None
    if kvk and not _KVK.fullmatch(kvk):
        row.error("kvk", f"'{kvk}' is geen KvK-nummer; dat bestaat uit 8 cijfers.")
    code = row.raw.get("productcode").upper()
    product = None
    if not code:
        row.error("productcode", "Verplicht veld is leeg.")
    elif not _PRODUCT.fullmatch(code):
        row.error("productcode", f"'{code}' is geen productcode van 5 tekens (bijv. 45A01).")
    else:
        product = profile.product(code)
        if product is None:
            row.error("productcode", f"Product {code} staat niet in het regioprofiel.")
        elif profile.has_segment(segment) and product.segment != segment:
            row.error(
                "productcode",
                f"Product {code} hoort bij segment '{product.segment}', niet bij '{segment}'.",
            )
    vorm = row.raw.get("vorm").lower() or (product.vorm if product else None)
    if vorm and segment != "wonen":
        row.error("vorm", "Een vorm hoort alleen bij segment 'wonen'.")
    elif vorm and vorm not in WONEN_VORMEN:
        row.error("vorm", f"Onbekende vorm '{vorm}' (kies {', '.join(WONEN_VORMEN)}).")
    elif product is not None and product.vorm and vorm != product.vorm:
        row.error("vorm", f"Product {code} is {product.vorm}, niet {vorm}.")
    unit = row.raw.get("eenheid").lower() or (product.unit if product else "")
    if unit not in UNITS:
        row.error("eenheid", f"Onbekende eenheid '{unit}' (kies {', '.join(UNITS)}).")
    tariff = row.amount("tarief", required=True)
    start, end = read_period(row, required=True)
    status_text = row.raw.get("status").casefold()
    status = _STATUS.get(status_text)
    if status is None:
        row.error("status", f"Onbekende status '{status_text}' (actief, cliëntenstop, geschorst).")
    waiting_text = row.raw.get("wachttijd_weken")
    waiting = None
    if waiting_text:
        if _WEEKS.fullmatch(waiting_text) and int(waiting_text) <= 520:
            waiting = int(waiting_text)
        else:
            row.error("wachttijd_weken", f"'{waiting_text}' is geen aantal weken (0 of meer).")
    contract = ContractRow(
        row=raw.number,
        agb=agb,
        naam=naam,
        kvk=kvk,
        contact=contact,
        identity=row.text("identiteit", max_length=60) or None,
        segment=segment,
        product_code=code,
        product_name=row.text("productnaam") or (product.name if product else ""),
        vorm=vorm or None,
        themes=row.themes(),
        unit=unit,
        tariff=tariff if tariff is not None else Decimal(0),
        municipalities=ALL if served is None else join_list(served),
        preferred_wijken=memoised(
            row,
            memo,
            ("preferent_wijken", raw.get("preferent_wijken"), served),
            lambda r: read_wijken(r, profile, served),
        ),
        group_offer=row.flag("groepsaanbod"),
        valid_from=start or date.min,
        valid_to=end,
        status=(status or ContractStatus.ACTIEF).value,
        budget_year=row.amount("budget_jaar", required=False),
        waiting_weeks=waiting,
    )
    return (None, row.errors) if row.errors else (contract, [])


def _cross_row_errors(contracts: list[ContractRow]) -> tuple[set[int], list[FieldError]]:
    """One provider has one name and identity; a natural key occurs once per file."""
    errors: list[FieldError] = []
    bad: set[int] = set()
    first_by_agb: dict[str, ContractRow] = {}
    seen_keys: dict[tuple[str, str, str, date], int] = {}
    for row in contracts:
        first = first_by_agb.setdefault(row.agb, row)
        if first is not row and first.naam.casefold() != row.naam.casefold():
            errors.append(
                FieldError(
                    "naam",
                    f"Andere naam dan rij {first.row} voor dezelfde AGB-code ({first.naam}).",
                    row.row,
                )
            )
            bad.add(row.row)
        if first is not row and (first.identity or "") != (row.identity or ""):
            errors.append(
                FieldError(
                    "identiteit",
                    f"Andere identiteit dan rij {first.row} voor dezelfde AGB-code.",
                    row.row,
                )
            )
            bad.add(row.row)
        if row.key in seen_keys:
            errors.append(
                FieldError(
                    "geldig_van",
                    f"Dit contract (AGB, segment, product, geldig van) staat ook al in rij "
                    f"{seen_keys[row.key]}.",
                    row.row,
                )
            )
            bad.add(row.row)
        seen_keys.setdefault(row.key, row.row)
    return bad, errors


class CatalogueValidator:
    """Validates rows one by one (so a long import can report progress), then the whole."""

    def __init__(self, profile: RegionProfile) -> None:
        self.profile = profile
        self.contracts: list[ContractRow] = []
        self.provisions: list[ProvisionRow] = []
        self.errors: list[FieldError] = []
        self.total = 0
        self._memo: Memo = {}

    def add(self, raw: RawRow) -> None:
        self.total += 1
        parsed, row_errors = validate_row(raw, self.profile, self._memo)
        self.errors += row_errors
        if isinstance(parsed, ContractRow):
            self.contracts.append(parsed)
        elif isinstance(parsed, ProvisionRow):
            self.provisions.append(parsed)

    def result(
        self, file_errors: Iterable[FieldError] = (), *, unreadable: bool = False
    ) -> ParsedCatalogue:
        bad, cross = _cross_row_errors(self.contracts)
        bad_provisions, cross_provisions = _provision_duplicates(self.provisions)
        contracts = [c for c in self.contracts if c.row not in bad]
        provisions = [p for p in self.provisions if p.row not in bad_provisions]
        errors = self.errors + cross + cross_provisions
        errors.sort(key=lambda e: (e.row or 0, _column_order(e.field)))
        return ParsedCatalogue(
            contracts, provisions, list(file_errors) + errors, self.total, unreadable
        )


def _provision_duplicates(provisions: list[ProvisionRow]) -> tuple[set[int], list[FieldError]]:
    seen: dict[tuple[str, str], int] = {}
    bad: set[int] = set()
    errors = []
    for row in provisions:
        for municipality in row.municipalities:
            key = (municipality, row.naam.casefold())
            if key in seen and seen[key] != row.row:
                errors.append(
                    FieldError(
                        "naam",
                        f"Voorziening '{row.naam}' in {municipality} staat ook al in rij {seen[key]}.",
                        row.row,
                    )
                )
                bad.add(row.row)
                break
            seen[key] = row.row
    return bad, errors


def validate_rows(raw_rows: Iterable[RawRow], profile: RegionProfile) -> ParsedCatalogue:
    """Validate all rows; collects every error (row, column, message)."""
    validator = CatalogueValidator(profile)
    for raw in raw_rows:
        validator.add(raw)
    return validator.result()


def _column_order(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else len(COLUMNS)


def parse_catalogue(
    data: bytes, profile: RegionProfile, *, json_format: bool | None = None
) -> ParsedCatalogue:
    """Read and validate a whole catalogue file."""
    rows, file_errors = read_rows(decode(data), json_format=json_format)
    validator = CatalogueValidator(profile)
    for raw in rows:
        validator.add(raw)
    return validator.result(file_errors, unreadable=bool(file_errors) and not rows)
