"""``check indication FILE.json`` and ``signals`` commands.

The input format of ``check indication`` is documented in the README (section
Indicaties) and shown in ``resources/examples/indicatie-voorbeeld.json``.
"""

from __future__ import annotations

import argparse
import json
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jeugdtoegang.cli.common import add_json_flag, emit, open_context
from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.indication_rules import (
    GENERAL_MOTIVATION,
    EvaluationInput,
    IndicationProposal,
    PredecessorInput,
)
from jeugdtoegang.domain.indications import (
    EvaluationDecision,
    Frequency,
    Initiator,
    Perspective,
    Progress,
    Unit,
)
from jeugdtoegang.errors import FieldError, JeugdtoegangError, ValidationError
from jeugdtoegang.services.indication_inputs import IndicationDraft

Handler = argparse._SubParsersAction  # type: ignore[type-arg]


def _check_group(sub: Handler) -> Handler:
    """The ``check`` command's sub-commands (shared with other areas that check things)."""
    parser = sub.choices.get("check")
    if parser is None:
        parser = sub.add_parser("check", help="een voorstel controleren tegen de regels")
        parser.add_subparsers(dest="check_command", required=True, metavar="WAT")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError("check command without sub-commands")


def register(sub: Handler) -> None:
    """Add this area's commands to the parser."""
    check = _check_group(sub).add_parser(
        "indication", help="een voorgestelde indicatie controleren (JSON-bestand)"
    )
    check.add_argument("file", help="JSON-bestand met het voorstel")
    add_json_flag(check)
    check.set_defaults(handler=_check)

    signals = sub.add_parser("signals", help="signalen: evaluaties, termijnen, 18+, budget")
    signals.add_argument("--date", help="datum JJJJ-MM-DD (standaard vandaag)")
    add_json_flag(signals)
    signals.set_defaults(handler=_signals)


# --- reading the proposal -------------------------------------------------------------------


class _Reader:
    """Reads fields from the JSON object, collecting every problem as a Dutch FieldError."""

    def __init__(self, data: dict[str, Any], prefix: str = "") -> None:
        self.data = data
        self.prefix = prefix
        self.errors: list[FieldError] = []

    def _fail(self, name: str, message: str) -> None:
        self.errors.append(FieldError(self.prefix + name, message))

    def text(self, name: str, required: bool = True) -> str | None:
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self._fail(name, "ontbreekt")
            return None
        if not isinstance(value, str):
            self._fail(name, f"moet tekst zijn (gekregen: {json.dumps(value)})")
            return None
        return value.strip()

    def day(self, name: str, required: bool = True) -> date | None:
        value = self.text(name, required)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self._fail(name, f"moet een datum zijn als JJJJ-MM-DD (gekregen: '{value}')")
            return None

    def decimal(self, name: str, required: bool = True) -> Decimal | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self._fail(name, "ontbreekt")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self._fail(name, f"moet een getal zijn (gekregen: {json.dumps(value)})")
            return None
        try:
            number = Decimal(str(value).replace(",", "."))
        except InvalidOperation:
            self._fail(name, f"moet een getal zijn (gekregen: '{value}')")
            return None
        if not number.is_finite():
            self._fail(name, f"moet een eindig getal zijn (gekregen: '{value}')")
            return None
        return number

    def choice(self, name: str, enum: type[Any], required: bool = True, default: Any = None) -> Any:
        value = self.text(name, required and default is None)
        if value is None:
            return default
        try:
            return enum(value.lower())
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            self._fail(name, f"'{value}' is onbekend; kies uit: {allowed}")
            return default


def _motivations(value: Any, reader: _Reader) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {GENERAL_MOTIVATION: value}
    if isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return {k.strip().upper() if k != GENERAL_MOTIVATION else k: v for k, v in value.items()}
    reader._fail("motivering", "moet tekst zijn, of een object {code: tekst}")
    return {}


def _evaluation(value: Any, reader: _Reader) -> EvaluationInput | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        reader._fail("vervolg_op.evaluatie", "moet een object zijn met voortgang en besluit")
        return None
    sub = _Reader(value, reader.prefix + "vervolg_op.evaluatie.")
    raw = value.get("voortgang")
    progress: dict[str, Progress] = {}
    try:
        if isinstance(raw, str):
            progress = {"*": Progress(raw.lower())}
        elif isinstance(raw, dict) and raw:
            progress = {str(k): Progress(str(v).lower()) for k, v in raw.items()}
        else:
            sub._fail("voortgang", "ontbreekt: 'ja', 'deels' of 'nee' (of per doel een object)")
    except ValueError:
        sub._fail("voortgang", "gebruik 'ja', 'deels' of 'nee'")
    decision = sub.choice("besluit", EvaluationDecision, required=False)
    reader.errors += sub.errors
    return EvaluationInput(progress, decision) if progress else None


def _predecessor(value: Any, reader: _Reader) -> tuple[PredecessorInput | None, uuid.UUID | None]:
    if value is None:
        return None, None
    if not isinstance(value, dict):
        reader._fail("vervolg_op", "moet een object zijn")
        return None, None
    if "id" in value and len(value) <= 2 and "evaluatie" not in value:
        try:
            return None, uuid.UUID(str(value["id"]))
        except ValueError:
            reader._fail("vervolg_op.id", "is geen geldig id")
            return None, None
    sub = _Reader(value, "vervolg_op.")
    fields = {
        "segment": sub.text("segment"),
        "product_code": sub.text("productcode"),
        "volume": sub.decimal("volume"),
        "unit": sub.choice("eenheid", Unit),
        "frequency": sub.choice("frequentie", Frequency),
        "start": sub.day("start"),
        "end": sub.day("eind"),
        "perspective": sub.choice("perspectief", Perspective, default=Perspective.ONTWIKKELING),
    }
    evaluation = _evaluation(value.get("evaluatie"), reader)
    reader.errors += sub.errors
    if sub.errors:
        return None, None
    return PredecessorInput(**fields, evaluation=evaluation), None  # type: ignore[arg-type]


def _flag(data: dict[str, Any], name: str, reader: _Reader) -> bool | None:
    value = data.get(name)
    if value is None or isinstance(value, bool):
        return value
    reader._fail(name, f"moet true of false zijn (gekregen: {json.dumps(value)})")
    return None


def _texts(data: dict[str, Any], names: tuple[str, ...], reader: _Reader) -> tuple[str, ...]:
    found: list[str] = []
    for name in names:
        value = data.get(name)
        if value is None:
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            reader._fail(name, "moet een tekst of een lijst van teksten zijn")
            continue
        found += [v.strip() for v in value if v.strip()]
    return tuple(dict.fromkeys(found))


def parse_proposal(data: Any) -> IndicationDraft:
    """The draft described by a CLI JSON object; every problem at once, in Dutch."""
    if not isinstance(data, dict):
        raise ValidationError(FieldError("(bestand)", "moet een JSON-object {...} zijn"))
    r = _Reader(data)
    person_id = None
    if data.get("person_id") is not None:
        try:
            person_id = uuid.UUID(str(data["person_id"]))
        except ValueError:
            r._fail("person_id", f"is geen geldig id (gekregen: '{data['person_id']}')")
    birth = gemeente = wijk = None
    if person_id is None and "person_id" not in data:
        birth = r.day("geboortedatum")
        gemeente = r.text("gemeente")
        wijk = r.text("wijk", required=False)
    segment = r.text("segment")
    product = r.text("productcode")
    maatwerk = data.get("maatwerk")
    maatwerk_name = maatwerk_agb = None
    if isinstance(maatwerk, str):
        maatwerk_name = maatwerk
    elif isinstance(maatwerk, dict):
        maatwerk_name = str(maatwerk.get("naam", ""))
        maatwerk_agb = maatwerk.get("agb")
    elif maatwerk is not None:
        r._fail("maatwerk", "moet de naam zijn, of een object {naam, agb}")
    agb = r.text("aanbieder_agb", required=maatwerk is None)
    perspective = r.choice("perspectief", Perspective)
    start = r.day("start")
    end = r.day("eind", required=False)
    volume = r.decimal("volume")
    unit = r.choice("eenheid", Unit)
    frequency = r.choice("frequentie", Frequency)
    initiator = r.choice("verzoek_door", Initiator, default=Initiator.CONSULENT)
    tariff = r.decimal("tarief", required=False)
    motivations = _motivations(data.get("motivering"), r)
    predecessor, predecessor_id = _predecessor(data.get("vervolg_op"), r)
    perspective_18 = data.get("perspectief_18")
    if perspective_18 is not None and not isinstance(perspective_18, bool):
        r._fail("perspectief_18", "moet true of false zijn")
    referral_date = r.day("verwijsdatum", required=False)
    identity = r.text("identiteit", required=False)
    partner = r.text("partnerafspraak", required=False)
    family_choice = _flag(data, "keuze_gezin", r)
    fgp = _flag(data, "familiegroepsplan", r)
    themes = _texts(data, ("thema", "themas"), r)
    goal_ids = _texts(data, ("doelen",), r)
    if r.errors:
        raise ValidationError(
            r.errors,
            "Het voorstel is niet compleet of niet geldig:\n"
            + "\n".join(f"- {e}" for e in r.errors),
        )
    proposal = IndicationProposal(
        segment=segment,  # type: ignore[arg-type]
        product_code=product,  # type: ignore[arg-type]
        perspective=perspective,
        start=start,  # type: ignore[arg-type]
        end=end,
        volume=volume,  # type: ignore[arg-type]
        unit=unit,
        frequency=frequency,
        initiator=initiator,
        provider_agb=agb if maatwerk is None else None,
        maatwerk_name=maatwerk_name,
        tariff=tariff,
        motivations=motivations,
        predecessor=predecessor,
        referral_date=referral_date,
        identity_wish=identity,
        chosen_by_family=bool(family_choice),
        partner_agreement=partner,
        themes=themes,
    )
    extra: dict[str, Any] = {"maatwerk_agb": maatwerk_agb} if maatwerk_agb else {}
    if fgp is not None:
        extra["familiegroepsplan"] = fgp
    return IndicationDraft(
        proposal=proposal,
        person_id=person_id,
        goal_ids=goal_ids,
        predecessor_id=predecessor_id,
        birth_date=birth,
        gemeente=gemeente,
        wijk=wijk,
        has_18plus_perspective=perspective_18 if isinstance(perspective_18, bool) else None,
        extra=extra,
    )


def read_json_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise JeugdtoegangError(f"Bestand '{path}' bestaat niet.") from error
    except (OSError, UnicodeDecodeError) as error:
        raise JeugdtoegangError(f"Bestand '{path}' kan niet worden gelezen ({error}).") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise JeugdtoegangError(
            f"Bestand '{path}' is geen geldige JSON: regel {error.lineno}, kolom {error.colno}: "
            f"{_json_reason(error.msg)}."
        ) from error


def _json_reason(msg: str) -> str:
    reasons = {
        "Expecting value": "hier verwacht ik een waarde",
        "Expecting property name enclosed in double quotes": (
            "hier verwacht ik een veldnaam tussen dubbele aanhalingstekens"
        ),
        "Expecting ',' delimiter": "hier verwacht ik een komma",
        "Expecting ':' delimiter": "hier verwacht ik een dubbele punt",
        "Extra data": "na het einde van het object staat nog tekst",
        "Unterminated string starting at": "een tekst wordt niet afgesloten met '\"'",
    }
    return reasons.get(msg, msg)


# --- handlers -----------------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    from jeugdtoegang.services.indications import check_proposal

    data = read_json_file(Path(args.file))
    draft = parse_proposal(data)
    ctx = open_context(args)
    result = check_proposal(ctx, draft)

    def text() -> str:
        lines = [
            "Voorstel is " + ("in orde" if result.ok else "NIET in orde"),
            "Akkoord teamleider nodig" if result.approval_required else "",
            f"Langste termijn zonder akkoord: tot en met {short_date(result.max_eind)}"
            if result.max_eind
            else "",
            f"Maximale kosten: € {result.max_kosten}" if result.max_kosten is not None else "",
        ]
        lines += [f"[{f.severity.value}] {f.code}: {f.message}" for f in result.findings]
        return "\n".join(line for line in lines if line)

    emit(args, result.to_json(), text)
    return 0


def _signals(args: argparse.Namespace) -> int:
    from jeugdtoegang.services.signals import compute_signals

    day = None
    if args.date:
        try:
            day = date.fromisoformat(args.date)
        except ValueError as error:
            raise JeugdtoegangError(
                f"--date '{args.date}' is geen datum; schrijf JJJJ-MM-DD, bijv. 2026-11-23."
            ) from error
    ctx = open_context(args)
    signals = compute_signals(ctx, day)

    def text() -> str:
        if not signals:
            return "Geen signalen."
        return "\n".join(
            f"{s.severity.label:9} {short_date(s.due_date) if s.due_date else '':10} "
            f"{s.dossier_number:12} {s.title}"
            for s in signals
        )

    emit(args, [s.to_json() for s in signals], text)
    return 0
