"""Validating every row of a provider catalogue (read by ``catalogue_files``).

Contract management hands the catalogue over as CSV (semicolon or comma, UTF-8 with or
without BOM; Excel on Windows may also save Windows-1252) or as JSON. Every problem is
reported with its row and column, all of them at once, so a beheerder can fix the file in
one go. Amounts are Decimal, never float; dates are ISO (2027-01-01) or dd-mm-jjjj.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

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
from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.providers import (
    ALL,
    FREE_ACCESS_SEGMENT,
    UNITS,
    ContractStatus,
    is_valid_agb,
    join_list,
    split_list,
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
#: '250.000' may be 250 thousand (Dutch) or 250 (English): refused rather than guessed
_AMBIGUOUS = re.compile(r"-?[0-9]{1,3}\.[0-9]{3}")
_TRUE = frozenset({"ja", "j", "yes", "y", "true", "waar", "1", "x"})
_FALSE = frozenset({"nee", "n", "no", "false", "onwaar", "0", ""})
_STATUS = {
    "": ContractStatus.ACTIEF,
    "actief": ContractStatus.ACTIEF,
    "clientenstop": ContractStatus.CLIENTENSTOP,
    "cliëntenstop": ContractStatus.CLIENTENSTOP,
    "clienten-stop": ContractStatus.CLIENTENSTOP,
    "geschorst": ContractStatus.GESCHORST,
}
MAX_TARIFF_DECIMALS = 4


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


# -- validation -----------------------------------------------------------------------------


class _Row:
    """Collects the errors of one row while reading its fields."""

    def __init__(self, raw: RawRow) -> None:
        self.raw = raw
        self.errors: list[FieldError] = []

    def error(self, column: str, message: str) -> None:
        self.errors.append(FieldError(column, message, self.raw.number))

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str:
        value = self.raw.get(column)
        if required and not value:
            self.error(column, "Verplicht veld is leeg.")
        elif len(value) > max_length:
            self.error(column, f"Te lang (meer dan {max_length} tekens).")
        return value

    def date(self, column: str, *, required: bool) -> date | None:
        value = self.raw.get(column)
        if not value:
            if required:
                self.error(column, "Verplicht veld is leeg.")
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(column, f"'{value}' is geen datum; gebruik jjjj-mm-dd of dd-mm-jjjj.")
        return parsed

    def amount(self, column: str, *, required: bool) -> Decimal | None:
        value = self.raw.get(column)
        if not value:
            if required:
                self.error(column, "Verplicht veld is leeg.")
            return None
        if _AMBIGUOUS.fullmatch(value.strip()):
            self.error(
                column,
                f"'{value}' is onduidelijk (duizendtal of decimalen?); schrijf bijv. "
                f"{value.replace('.', '')} of {value.replace('.', ',')}.",
            )
            return None
        parsed = parse_decimal(value)
        if parsed is None:
            self.error(column, f"'{value}' is geen bedrag; gebruik bijv. 85,50.")
            return None
        if parsed < 0:
            self.error(column, "Het bedrag mag niet negatief zijn.")
        exponent = parsed.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > MAX_TARIFF_DECIMALS:
            self.error(column, f"Te veel decimalen (hoogstens {MAX_TARIFF_DECIMALS}).")
        if abs(parsed) >= Decimal("1e12"):
            self.error(column, "Het bedrag is onwaarschijnlijk groot.")
        return parsed

    def flag(self, column: str) -> bool:
        value = self.raw.get(column).casefold()
        if value in _TRUE:
            return True
        if value not in _FALSE:
            self.error(column, f"'{value}' is geen ja/nee.")
        return False

    def themes(self) -> str:
        return join_list(split_list(self.text("thema", max_length=500)))


#: results of lookups that depend only on a cell's text (and the region), with the
#: messages they gave, kept per validator: a 10,000-row file repeats the same few values
_Memo = dict[tuple[object, ...], tuple[Any, tuple[tuple[str, str], ...]]]


def _memoised(row: _Row, memo: _Memo | None, key: tuple[object, ...], compute: Any) -> Any:
    """``compute(row)``, or its remembered result with the same errors added to ``row``."""
    if memo is None:
        return compute(row)
    found = memo.get(key)
    if found is not None:
        for column, message in found[1]:
            row.error(column, message)
        return found[0]
    before = len(row.errors)
    result = compute(row)
    memo[key] = (result, tuple((e.field, e.message) for e in row.errors[before:]))
    return result


def _municipalities(row: _Row, profile: RegionProfile) -> tuple[str, ...] | None:
    """Canonical names, or None for '*' (all municipalities of the region)."""
    value = row.raw.get("gemeenten")
    if value == ALL:
        return None
    names = []
    for part in split_list(value):
        found = profile.municipality(part)
        if found is None:
            row.error(
                "gemeenten",
                f"Onbekende gemeente '{part}' (bekend: {', '.join(profile.municipality_names)}).",
            )
        elif found.name not in names:
            names.append(found.name)
    if not value:
        row.error("gemeenten", "Verplicht veld is leeg; vul '*' in voor alle gemeenten.")
    return tuple(names)


def _wijken(row: _Row, profile: RegionProfile, served: tuple[str, ...] | None) -> str:
    value = row.raw.get("preferent_wijken")
    if value == ALL:
        return ALL
    municipalities = [m for m in profile.municipalities if served is None or m.name in served]
    known = {w.casefold(): w for m in municipalities for w in m.wijken}
    wijken: list[str] = []
    for part in split_list(value):
        wijk = known.get(part.casefold())
        if wijk is None:
            row.error(
                "preferent_wijken",
                f"Wijk '{part}' hoort bij geen van de gemeenten waar deze aanbieder werkt.",
            )
        elif wijk not in wijken:
            wijken.append(wijk)
    return join_list(wijken)


def _agb(row: _Row, *, required: bool) -> str:
    value = row.raw.get("agb").replace(" ", "")
    if not value:
        if required:
            row.error("agb", "Verplicht veld is leeg.")
    elif not is_valid_agb(value):
        row.error("agb", f"'{value}' is geen AGB-code; die bestaat uit 8 cijfers.")
    return value


def _period(row: _Row, *, required: bool) -> tuple[date | None, date | None]:
    start = row.date("geldig_van", required=required)
    end = row.date("geldig_tot", required=False)
    if start and end and end < start:
        row.error(
            "geldig_tot",
            f"De einddatum ({short_date(end)}) ligt voor de begindatum ({short_date(start)}).",
        )
    return start, end


def validate_row(
    raw: RawRow, profile: RegionProfile, memo: _Memo | None = None
) -> tuple[ContractRow | ProvisionRow | None, list[FieldError]]:
    """Validate one row against the region; returns the row or all its errors.
    ``memo``: a dict kept across the rows of one file (lookups of repeated cell values)."""
    row = _Row(raw)
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
    served = _memoised(
        row,
        memo,
        ("gemeenten", raw.get("gemeenten")),
        lambda r: _municipalities(r, profile),
    )
    contact = row.text("contact")
    if segment == FREE_ACCESS_SEGMENT:
        agb = _agb(row, required=False)
        start, end = _period(row, required=False)
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
    agb = _agb(row, required=True)
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
    start, end = _period(row, required=True)
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
        preferred_wijken=_memoised(
            row,
            memo,
            ("preferent_wijken", raw.get("preferent_wijken"), served),
            lambda r: _wijken(r, profile, served),
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
        self._memo: _Memo = {}

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
