"""``decisions create FILE.json``: read and validate a decision request file.

Format (keys in Dutch like the other input files; unknown keys are refused)::

    {"household": "2026-00012" | id, "jeugdige": id, "soort": "afwijzing",
     "aanvraag": id (optional; ambtshalve types leave it out),
     "aanvraagdatum": "2026-11-02", "gevraagd": "...",   (without an aanvraag)
     "indicaties": [id, ...], "einddatum": "2027-01-31", "ingangsdatum": "...",
     "vervangt": id (wijziging/correctie), "geadresseerde": "ouders" | "jeugdige",
     "doelen": ["..."],
     "motivering": {"feiten": ["..."], "afweging": "...", "reden": "voorliggende_voorziening",
                    "alternatief": "...", "geweigerd_deel": "...", "reden_geweigerd": "...",
                    "evaluatie": "...", "grond": "...", "wijziging": "...",
                    "intrekking": "...", "terugwerkend": "...",
                    "jeugdwet_artikel": "...", "verordening_artikel": "...",
                    "afbouw": [{"start": "...", "eind": "...", "omvang": "2 uur per week"}]}}
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from jeugdtoegang.domain.decisions import AddresseeChoice, DecisionType
from jeugdtoegang.domain.motivation import MotivationParts
from jeugdtoegang.errors import FieldError, JeugdtoegangError, ValidationError
from jeugdtoegang.services import decisions
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.decision_views import DecisionDetail

KEYS = {
    "household",
    "jeugdige",
    "soort",
    "aanvraag",
    "aanvraagdatum",
    "gevraagd",
    "indicaties",
    "einddatum",
    "ingangsdatum",
    "vervangt",
    "geadresseerde",
    "doelen",
    "motivering",
}
MOTIVATION_KEYS = {
    "feiten": "facts",
    "afweging": "weighing",
    "reden": "reason_category",
    "alternatief": "alternative",
    "geweigerd_deel": "refused_part",
    "reden_geweigerd": "refused_reason",
    "evaluatie": "evaluation_result",
    "grond": "legal_ground",
    "wijziging": "change",
    "intrekking": "withdrawal_reason",
    "terugwerkend": "retroactive_reason",
    "jeugdwet_artikel": "jeugdwet_artikel",
    "verordening_artikel": "verordening_artikel",
    "afbouw": "afbouw",
}


def read_decision_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise JeugdtoegangError(f"Het bestand {path} kan niet worden gelezen: {error}") from error
    except json.JSONDecodeError as error:
        raise JeugdtoegangError(f"{path.name} is geen geldige JSON: {error}") from error
    if not isinstance(data, dict):
        raise JeugdtoegangError(f"{path.name} moet één JSON-object zijn.")
    return data


def _id(data: dict[str, Any], key: str, errors: list[FieldError]) -> uuid.UUID | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        errors.append(FieldError(key, f"geen geldig id: {value!r}"))
        return None


def _day(data: dict[str, Any], key: str, errors: list[FieldError]) -> date | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.append(FieldError(key, f"geen datum (JJJJ-MM-DD): {value!r}"))
        return None


def _motivation(raw: Any, errors: list[FieldError]) -> MotivationParts:
    if raw is None:
        return MotivationParts()
    if not isinstance(raw, dict):
        errors.append(FieldError("motivering", "moet een object zijn"))
        return MotivationParts()
    unknown = sorted(set(raw) - MOTIVATION_KEYS.keys())
    if unknown:
        errors.append(FieldError("motivering", f"onbekende velden: {', '.join(unknown)}"))
    try:
        return MotivationParts.from_json(
            {MOTIVATION_KEYS[k]: v for k, v in raw.items() if k in MOTIVATION_KEYS}
        )
    except (KeyError, TypeError, ValueError) as error:
        errors.append(FieldError("motivering.afbouw", f"ongeldige afbouwstap: {error}"))
        return MotivationParts()


def create_from_request(ctx: AppContext, data: dict[str, Any]) -> DecisionDetail:
    """Validate the whole file first (every error at once), then make the draft."""
    from jeugdtoegang.cli.plans import resolve_household

    errors: list[FieldError] = []
    unknown = sorted(set(data) - KEYS)
    if unknown:
        errors.append(FieldError("bestand", f"onbekende velden: {', '.join(unknown)}"))
    try:
        decision_type = DecisionType(str(data.get("soort", "")))
    except ValueError:
        errors.append(FieldError("soort", "kies uit " + ", ".join(t.value for t in DecisionType)))
        decision_type = DecisionType.TOEKENNING
    person_id = _id(data, "jeugdige", errors)
    if person_id is None and not any(e.field == "jeugdige" for e in errors):
        errors.append(FieldError("jeugdige", "ontbreekt (id van de jeugdige)"))
    aanvraag_id = _id(data, "aanvraag", errors)
    corrects = _id(data, "vervangt", errors)
    indications = data.get("indicaties") or []
    indication_ids = []
    if not isinstance(indications, list):
        errors.append(FieldError("indicaties", "moet een lijst met id's zijn"))
    else:
        for value in indications:
            try:
                indication_ids.append(uuid.UUID(str(value)))
            except ValueError:
                errors.append(FieldError("indicaties", f"geen geldig id: {value!r}"))
    request_date = _day(data, "aanvraagdatum", errors) or ctx.today()
    end_date = _day(data, "einddatum", errors)
    effective = _day(data, "ingangsdatum", errors)
    addressee = None
    if data.get("geadresseerde"):
        try:
            addressee = AddresseeChoice(str(data["geadresseerde"]))
        except ValueError:
            errors.append(FieldError("geadresseerde", "kies ouders of jeugdige"))
    parts = _motivation(data.get("motivering"), errors)
    goals = data.get("doelen")
    if goals is not None and not (
        isinstance(goals, list) and all(isinstance(g, str) for g in goals)
    ):
        errors.append(FieldError("doelen", "moet een lijst met teksten zijn"))
    if not data.get("household"):
        errors.append(FieldError("household", "ontbreekt (id of dossiernummer)"))
    if errors:
        raise ValidationError(errors)
    household_id = resolve_household(ctx, str(data["household"]))
    assert person_id is not None
    return decisions.create_decision(
        ctx,
        household_id,
        person_id,
        decision_type,
        indication_ids,
        request_date,
        str(data.get("gevraagd") or ""),
        "",
        goals=goals,
        addressee=addressee,
        end_date=end_date,
        corrects_decision_id=corrects,
        parts=parts,
        aanvraag_id=aanvraag_id,
        effective_date=effective,
    )
