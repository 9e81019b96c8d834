"""Dutch names of record fields, for every place that shows raw record data to a person
(the inzage export, the sync conflict resolver)."""

from __future__ import annotations

FIELD_LABELS: dict[str, str] = {
    "name": "Naam",
    "street": "Straat",
    "house_number": "Huisnummer",
    "postcode": "Postcode",
    "city": "Plaats",
    "gemeente": "Gemeente",
    "gemeente_code": "CBS-code",
    "wijk": "Wijk",
    "team": "Team",
    "notes": "Notities",
    "closed_on": "Gesloten op",
    "dossier_number": "Dossiernummer",
    "first_name": "Voornaam",
    "tussenvoegsel": "Tussenvoegsel",
    "surname": "Achternaam",
    "birth_date": "Geboortedatum",
    "bsn": "BSN",
    "role": "Rol",
    "has_gezag": "Gezag",
    "relation": "Relatie",
    "phone": "Telefoon",
    "email": "E-mail",
    "ended_on": "Beëindigd op",
    "created_at": "Vastgelegd op",
    "created_by": "Vastgelegd door",
    "updated_at": "Gewijzigd op",
    "updated_by": "Gewijzigd door",
    "version": "Versie",
}


def field_label(name: str) -> str:
    """The Dutch label of a field; unknown fields read as words ('start_date' → 'Start date')."""
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
