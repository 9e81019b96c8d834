"""The indication life cycle on the command line, so every rule can be checked from outside.

``households add FILE.json`` / ``households show ID|DOSSIERNR`` and
``indications list|save|submit|approve|return|issue|replace|end|evaluate``. Every command
takes ``--json``; a rule or input error is a Dutch message and exit code 1.
"""

from __future__ import annotations

import argparse
import uuid
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from jeugdtoegang.cli.common import add_json_flag, emit, open_context
from jeugdtoegang.cli.indications import parse_proposal, read_json_file
from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.households import HouseholdInput, PersonInput, PersonRole
from jeugdtoegang.domain.indications import ChangeReason, EvaluationDecision, Progress
from jeugdtoegang.errors import FieldError, JeugdtoegangError, ValidationError

Handler = argparse._SubParsersAction  # type: ignore[type-arg]


def _subparsers(parser: argparse.ArgumentParser) -> Handler:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError("command without sub-commands")


def register(sub: Handler) -> None:
    """Add ``households add|show`` and the ``indications`` commands."""
    hh = sub.choices.get("households")
    if hh is None:
        hh = sub.add_parser("households", help="huishoudens (dossiers)")
        hh.add_subparsers(dest="households_command", required=True)
    hh_sub = _subparsers(hh)
    add = hh_sub.add_parser("add", help="een huishouden met zijn leden vastleggen (JSON-bestand)")
    add.add_argument("file", help="JSON-bestand met het huishouden")
    add_json_flag(add)
    add.set_defaults(handler=_household_add)
    show = hh_sub.add_parser("show", help="een dossier tonen (id of dossiernummer)")
    show.add_argument("household", help="id of dossiernummer")
    add_json_flag(show)
    show.set_defaults(handler=_household_show)

    ind = sub.add_parser("indications", help="indicaties: opslaan, indienen, akkoord, afgeven")
    ind_sub = ind.add_subparsers(dest="indications_command", required=True, metavar="WAT")

    def command(name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
        parser = ind_sub.add_parser(name, help=help_text)
        add_json_flag(parser)
        parser.set_defaults(handler=handler)
        return parser

    listing = command("list", "indicaties van een gezin", _list)
    listing.add_argument("--household", required=True, help="id of dossiernummer")
    save = command("save", "een concept opslaan (JSON zoals 'check indication' + person_id)", _save)
    save.add_argument("file")
    save.add_argument("--id", help="een bestaand concept wijzigen")
    command("submit", "een concept indienen", _submit).add_argument("id")
    approve = command("approve", "akkoord geven (teamleider)", _approve)
    approve.add_argument("id")
    approve.add_argument("--comment", help="opmerking bij het akkoord")
    back = command("return", "terugsturen naar de consulent (teamleider)", _return)
    back.add_argument("id")
    back.add_argument("--reason", required=True, help="waarom de indicatie terug gaat")
    command("issue", "een goedgekeurde indicatie afgeven (toewijzing)", _issue).add_argument("id")
    replace = command("replace", "een afgegeven indicatie vervangen (JSON-bestand)", _replace)
    replace.add_argument("id")
    replace.add_argument("file")
    end = command("end", "een indicatie beëindigen", _end)
    end.add_argument("id")
    end.add_argument("--date", required=True, help="einddatum JJJJ-MM-DD")
    end.add_argument(
        "--reason",
        default=ChangeReason.EINDE_HULP.value,
        help="reden: " + ", ".join(r.value for r in ChangeReason),
    )
    evaluate = command(
        "evaluate", "evaluatie vastleggen (voortgang per doel en besluit)", _evaluate
    )
    evaluate.add_argument("id")
    evaluate.add_argument("file")


# --- input -----------------------------------------------------------------------------------


def _id(text: str, name: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError as error:
        raise ValidationError(FieldError(name, f"'{text}' is geen geldig id.")) from error


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as error:
        raise JeugdtoegangError(
            f"{name} '{text}' is geen datum; schrijf JJJJ-MM-DD, bijv. 2027-01-31."
        ) from error


def _object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationError(FieldError("(bestand)", "moet een JSON-object {...} zijn"))
    return data


def _text(data: dict[str, Any], name: str, errors: list[FieldError], required: bool) -> str:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.append(FieldError(name, "ontbreekt"))
        return ""
    if not isinstance(value, str):
        errors.append(FieldError(name, "moet tekst zijn"))
        return ""
    return value.strip()


def _member(data: Any, index: int, errors: list[FieldError]) -> PersonInput | None:
    prefix = f"leden[{index}]."
    if not isinstance(data, dict):
        errors.append(FieldError(prefix[:-1], "moet een object zijn"))
        return None
    own: list[FieldError] = []
    role_text = _text(data, "rol", own, True)
    try:
        role = PersonRole(role_text.lower()) if role_text else None
    except ValueError:
        own.append(FieldError("rol", f"'{role_text}' is onbekend; kies jeugdige, ouder of netwerk"))
        role = None
    birth = None
    if data.get("geboortedatum") is not None:
        try:
            birth = date.fromisoformat(str(data["geboortedatum"]))
        except ValueError:
            own.append(FieldError("geboortedatum", "moet een datum zijn als JJJJ-MM-DD"))
    gezag = data.get("gezag", False)
    if not isinstance(gezag, bool):
        own.append(FieldError("gezag", "moet true of false zijn"))
    person = PersonInput(
        role=role or PersonRole.NETWERK,
        first_name=_text(data, "voornaam", own, True),
        surname=_text(data, "achternaam", own, True),
        tussenvoegsel=_text(data, "tussenvoegsel", own, False),
        birth_date=birth,
        bsn=_text(data, "bsn", own, False) or None,
        has_gezag=gezag is True,
        relation=_text(data, "relatie", own, False),
    )
    errors += [FieldError(prefix + e.field, e.message) for e in own]
    return None if own else person


def parse_household(data: Any) -> HouseholdInput:
    """A household from the CLI's JSON (Dutch keys), every problem at once."""
    data = _object(data)
    errors: list[FieldError] = []
    members_raw = data.get("leden")
    if not isinstance(members_raw, list) or not members_raw:
        errors.append(FieldError("leden", "ontbreekt: een lijst met minstens één persoon"))
        members_raw = []
    members = [_member(m, i, errors) for i, m in enumerate(members_raw)]
    household = HouseholdInput(
        name=_text(data, "naam", errors, True),
        gemeente=_text(data, "gemeente", errors, True),
        street=_text(data, "straat", errors, False),
        house_number=_text(data, "huisnummer", errors, False),
        postcode=_text(data, "postcode", errors, False),
        city=_text(data, "woonplaats", errors, False),
        wijk=_text(data, "wijk", errors, False) or None,
        members=tuple(m for m in members if m is not None),
    )
    if errors:
        raise ValidationError(
            errors,
            "Het huishouden is niet compleet of niet geldig:\n"
            + "\n".join(f"- {e}" for e in errors),
        )
    return household


# --- output ----------------------------------------------------------------------------------


def _household_json(detail: Any) -> dict[str, Any]:
    return asdict(detail)


def _indication_text(view: Any) -> str:
    lines = [
        f"{view.id}  {view.status.label}  {view.person_name or ''}".rstrip(),
        f"  {view.product_code} {view.product_name}  {view.provider_label}",
        f"  {short_date(view.start)} t/m {short_date(view.end)}  {view.volume_text}",
    ]
    if view.term_start and view.term_start < view.start:
        lines.append(
            f"  termijn loopt sinds {short_date(view.term_start)} (vervolg van eerdere hulp)"
        )
    lines += [f"  [{f.severity.value}] {f.code}: {f.message}" for f in view.findings]
    return "\n".join(lines)


def _emit_view(args: argparse.Namespace, view: Any) -> int:
    emit(args, view.to_json(), lambda: _indication_text(view))
    return 0


# --- handlers -------------------------------------------------------------------------------


def _household_add(args: argparse.Namespace) -> int:
    from jeugdtoegang.services.households import register_household

    data = parse_household(read_json_file(Path(args.file)))
    ctx = open_context(args)
    try:
        detail = register_household(ctx, data)
    finally:
        ctx.database.close()
    emit(
        args,
        _household_json(detail),
        lambda: (
            f"Dossier {detail.dossier_number} ({detail.name}) vastgelegd: {detail.id}\n"
            + "\n".join(f"  {m.role:9} {m.id}  {m.first_name} {m.surname}" for m in detail.members)
        ),
    )
    return 0


def _household_show(args: argparse.Namespace) -> int:
    from jeugdtoegang.cli.plans import resolve_household
    from jeugdtoegang.services.households import get_household

    ctx = open_context(args)
    try:
        detail = get_household(ctx, resolve_household(ctx, args.household))
    finally:
        ctx.database.close()
    emit(
        args,
        _household_json(detail),
        lambda: (
            f"Dossier {detail.dossier_number}: {detail.name}, {detail.gemeente}"
            + (f" ({detail.wijk})" if detail.wijk else "")
            + "\n"
            + "\n".join(
                f"  {m.role:9} {m.id}  {m.first_name} {m.surname}"
                + (f"  geboren {short_date(m.birth_date)}" if m.birth_date else "")
                for m in detail.members
            )
        ),
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    from jeugdtoegang.cli.plans import resolve_household
    from jeugdtoegang.services.indications import list_for_household

    ctx = open_context(args)
    try:
        views = list_for_household(ctx, resolve_household(ctx, args.household))
    finally:
        ctx.database.close()
    emit(
        args,
        [v.to_json() for v in views],
        lambda: "\n".join(_indication_text(v) for v in views) or "Geen indicaties.",
    )
    return 0


def _save(args: argparse.Namespace) -> int:
    from jeugdtoegang.services.indications import save_concept

    draft = parse_proposal(read_json_file(Path(args.file)))
    if draft.person_id is None:
        raise ValidationError(FieldError("person_id", "ontbreekt: voor wie is de hulp?"))
    ctx = open_context(args)
    try:
        view = save_concept(ctx, draft, _id(args.id) if args.id else None)
    finally:
        ctx.database.close()
    return _emit_view(args, view)


def _run(args: argparse.Namespace, action: Any, *extra: Any) -> int:
    ctx = open_context(args)
    try:
        view = action(ctx, _id(args.id), *extra)
    finally:
        ctx.database.close()
    return _emit_view(args, view)


def _submit(args: argparse.Namespace) -> int:
    from jeugdtoegang.services.indications import submit_indication

    return _run(args, submit_indication)


def _approve(args: argparse.Namespace) -> int:
    from jeugdtoegang.services.indications import approve_indication

    return _run(args, approve_indication, args.comment)


def _return(args: argparse.Namespace) -> int:
    from jeugdtoegang.services.indications import return_indication

    return _run(args, return_indication, args.reason)


def _issue(args: argparse.Namespace) -> int:
    from jeugdtoegang.services.indications import issue_indication

    return _run(args, issue_indication)


def _replace(args: argparse.Namespace) -> int:
    from jeugdtoegang.services.indications import replace_indication

    draft = parse_proposal(read_json_file(Path(args.file)))
    return _run(args, replace_indication, draft)


def _end(args: argparse.Namespace) -> int:
    from jeugdtoegang.services.indications import end_indication

    try:
        reason = ChangeReason(args.reason)
    except ValueError as error:
        allowed = ", ".join(r.value for r in ChangeReason)
        raise JeugdtoegangError(
            f"--reason '{args.reason}' is onbekend; kies uit: {allowed}."
        ) from error
    return _run(args, end_indication, _day(args.date, "--date"), reason)


def parse_evaluation(data: Any) -> tuple[dict[str, Progress], EvaluationDecision, str]:
    """``{"voortgang": {doel: ja|deels|nee}, "besluit": ..., "toelichting": ...}``."""
    data = _object(data)
    errors: list[FieldError] = []
    raw = data.get("voortgang")
    progress: dict[str, Progress] = {}
    if isinstance(raw, str):
        raw = {"*": raw}
    if not isinstance(raw, dict) or not raw:
        errors.append(FieldError("voortgang", "ontbreekt: per doel 'ja', 'deels' of 'nee'"))
    else:
        for goal, value in raw.items():
            try:
                progress[str(goal)] = Progress(str(value).lower())
            except ValueError:
                errors.append(
                    FieldError(f"voortgang.{goal}", f"'{value}': gebruik 'ja', 'deels' of 'nee'")
                )
    decision_text = _text(data, "besluit", errors, True)
    decision = None
    if decision_text:
        try:
            decision = EvaluationDecision(decision_text.lower())
        except ValueError:
            allowed = ", ".join(d.value for d in EvaluationDecision)
            errors.append(
                FieldError("besluit", f"'{decision_text}' is onbekend; kies uit: {allowed}")
            )
    notes = _text(data, "toelichting", errors, False)
    if errors or decision is None:
        raise ValidationError(
            errors,
            "De evaluatie is niet compleet of niet geldig:\n" + "\n".join(f"- {e}" for e in errors),
        )
    return progress, decision, notes


def _evaluate(args: argparse.Namespace) -> int:
    from jeugdtoegang.services.indications import record_evaluation

    progress, decision, notes = parse_evaluation(read_json_file(Path(args.file)))
    ctx = open_context(args)
    try:
        evaluation = record_evaluation(ctx, _id(args.id), progress, decision, notes)
    finally:
        ctx.database.close()
    data = asdict(evaluation)
    emit(
        args,
        data,
        lambda: f"Evaluatie vastgelegd: {decision.label}.",
    )
    return 0
