"""The region setup as rows for Beheer → Inrichting: a value with its Dutch label, its text
and back, and the tabs (sections) that show which paths.

No Qt here: ``setup_admin.py`` shows these rows in tables and edits them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jeugdtoegang.domain.provenance import Provenance
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import region_setup

LIST_SEPARATOR = " | "


@dataclass(frozen=True)
class SetupValue:
    """One value of the setup as a row: where it is, what it is, and where it comes from."""

    path: str
    label: str
    value: Any
    provenance: Provenance

    @property
    def value_text(self) -> str:
        return value_text(self.value)

    @property
    def status(self) -> str:
        return self.provenance.label

    @property
    def source(self) -> str:
        return self.provenance.source.describe()


def value_text(value: Any) -> str:
    if isinstance(value, str) and value.startswith(region_setup.LOGO_PREFIX):
        return f"(logo in de inrichting, {len(value) * 3 // 4 // 1024 + 1} kB)"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(value_text(v) for v in value)
    return "" if value is None else str(value)


def parse_text(text: str, old: Any) -> Any:
    """The edited text as a value of the same kind as the old value."""
    text = text.strip()
    if isinstance(old, bool):
        if text.lower() in ("ja", "true", "1"):
            return True
        if text.lower() in ("nee", "false", "0"):
            return False
        raise JeugdtoegangError("Vul 'ja' of 'nee' in.")
    if isinstance(old, int):
        try:
            return int(text)
        except ValueError:
            raise JeugdtoegangError(f"'{text}' is geen geheel getal.") from None
    if isinstance(old, list | tuple):
        return [part.strip() for part in text.split("|") if part.strip()]
    if text.startswith(("[", "{")):
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


#: Dutch names of the fields, for the "Onderdeel" column (the full path is the tooltip).
FIELD_LABELS = {
    "name": "naam", "cbs_code": "CBS-code", "wijken": "wijken", "area": "gebied",
    "team_name": "teamnaam", "verordening": "verordening", "code": "code",
    "segment": "segment", "category": "iJw-categorie", "unit": "eenheid",
    "default_frequency": "frequentie", "perspective": "soort (perspectief)", "vorm": "woonvorm",
    "group": "groepsaanbod", "max_sessions": "max. sessies", "description": "omschrijving",
    "needs_beschikking": "beschikking nodig", "norm_months": "norm: maanden",
    "norm_volume": "norm: omvang", "order": "volgorde", "beside": "naast de piramide",
    "development_max_months": "ontwikkelingsgericht: max. maanden",
    "stabilising_max_months": "stabiliserend: max. maanden",
    "development_tenzij": "ontwikkelingsgericht: tenzij", "phase_out_months": "afbouw: maanden",
    "evaluation_window_weeks": "evaluatie: weken vooraf",
    "retroactive_days_allowed": "terugwerkende kracht: dagen",
    "bezwaar_address": "bezwaaradres", "letterhead_address": "briefhoofd: adres",
    "phone": "telefoon", "email": "e-mail", "website": "website",
    "signatory_name": "ondertekenaar: naam", "signatory_function": "ondertekenaar: functie",
    "logo": "logo", "colour": "huiskleur", "place": "plaats", "department": "afdeling",
    "team": "team", "agb": "AGB-code", "role": "rol", "segments": "segmenten",
    "legal_basis": "wettelijke grondslag", "bezwaar": "bezwaar: uitleg",
    "bezwaar_contents": "bezwaar: wat erin moet",
    "group_offer_first": "groepsaanbod tenzij", "maatwerk_nee_tenzij": "maatwerk nee, tenzij",
    "wonen_order": "volgorde woonvormen", "familiegroepsplan_required": "familiegroepsplan vereist",
    "preferred_providers_per_wijk": "preferente aanbieders per wijk",
    "strategic_partners": "strategische partners", "budget_ceilings_block": "budgetplafond blokkeert",
    "identity_choice": "keuze op identiteit", "network_first": "netwerk eerst",
    "max_sessions_light_help": "max. sessies lichte hulp", "bridging_care": "overbruggingszorg",
    "retention_years": "bewaartermijn (jaren)", "lock_minutes": "scherm op slot na (minuten)",
    "awb_decision_weeks": "beslistermijn (weken)", "bezwaar_weeks": "bezwaartermijn (weken)",
    "provider_request_answer_workdays": "antwoord op verzoek aanbieder (werkdagen)",
    "turns_18_horizon_months": "18 jaar: maanden vooruit kijken",
}  # fmt: skip
_CONTAINERS = {"profile", "letters", "municipalities", "gemeenten", "products", "segments",
               "strategic_partners", "term_rules", "policies", "settings", "paragraphs"}  # fmt: skip


def path_label(path: str) -> str:
    """'profile.municipalities.Zeist.verordening' -> 'Zeist · verordening'."""
    all_parts = path.split(".")
    last = len(all_parts) - 1
    parts = [p for i, p in enumerate(all_parts) if p not in _CONTAINERS or i == last]
    if path.startswith("letters.default."):
        parts[0] = "alle gemeenten"
    if parts:
        parts[-1] = FIELD_LABELS.get(parts[-1], parts[-1].replace("_", " "))
    return " · ".join(parts)


Matcher = Callable[[str], bool]


def _under(*prefixes: str, excluding: tuple[str, ...] = ()) -> Matcher:
    return lambda path: path.startswith(prefixes) and not any(x in path for x in excluding)


def _field(*names: str, under: str) -> Matcher:
    return lambda path: path.startswith(under) and path.rsplit(".", 1)[-1] in names


#: (tab title, object name, which paths, prefix shown shorter)
SECTIONS: tuple[tuple[str, str, Matcher, str], ...] = (
    (
        "Gemeenten en wijken",
        "setup_municipalities",
        _field("name", "cbs_code", "wijken", "area", "team_name", under="profile.municipalities."),
        "profile.municipalities.",
    ),
    ("Segmenten", "setup_segments", _under("profile.segments."), "profile.segments."),
    ("Producten", "setup_products", _under("profile.products."), "profile.products."),
    (
        "Termijnen en beleid",
        "setup_rules",
        _under("profile.term_rules.", "profile.policies.", "profile.settings."),
        "profile.",
    ),
    (
        "Voorliggend en partners",
        "setup_partners",
        _under("profile.strategic_partners.", "profile.segments.sociale-basis."),
        "profile.",
    ),
    (
        "Verordening en bezwaar",
        "setup_legal",
        lambda p: (
            p.endswith((".verordening", ".bezwaar_address"))
            or p.startswith(("letters.paragraphs.bezwaar", "letters.paragraphs.legal_basis"))
        ),
        "",
    ),
    (
        "Briefhoofd en ondertekening",
        "setup_letterhead",
        _under("letters.default.", "letters.gemeenten.", excluding=(".bezwaar_address",)),
        "letters.",
    ),
    ("Alle waarden", "setup_all", lambda _p: True, ""),
)
