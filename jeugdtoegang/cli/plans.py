"""``plan`` commands: show, export (PDF for the family), history, diff, pending."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path

from sqlalchemy import select

from jeugdtoegang.cli.common import add_json_flag, emit, open_context
from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.errors import NotFoundError
from jeugdtoegang.services import plans
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.plan_export import export_plan_pdf
from jeugdtoegang.storage.models.households import Household


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's commands to the parser."""
    plan = sub.add_parser("plan", help="perspectiefplan van een gezin")
    plan_sub = plan.add_subparsers(dest="plan_command", required=True)

    show = plan_sub.add_parser("show", help="toon het huidige plan")
    _household_arg(show)
    add_json_flag(show)
    show.set_defaults(handler=_show)

    export = plan_sub.add_parser("export", help="plan als PDF voor het gezin")
    _household_arg(export)
    export.add_argument("-o", "--output", required=True, help="PDF-bestand")
    add_json_flag(export)
    export.set_defaults(handler=_export)

    history = plan_sub.add_parser("history", help="alle opgeslagen versies")
    _household_arg(history)
    add_json_flag(history)
    history.set_defaults(handler=_history)

    diff = plan_sub.add_parser("diff", help="verschillen tussen twee versies")
    _household_arg(diff)
    diff.add_argument("a", type=int, help="oude versie")
    diff.add_argument("b", type=int, help="nieuwe versie")
    add_json_flag(diff)
    diff.set_defaults(handler=_diff)

    pending = plan_sub.add_parser("pending", help="plannen die wachten op beoordeling")
    add_json_flag(pending)
    pending.set_defaults(handler=_pending)


def _household_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--household", required=True, help="id of dossiernummer van het gezin")


def resolve_household(ctx: AppContext, text: str) -> uuid.UUID:
    """A household id from a UUID or a dossier number (2026-00012)."""
    try:
        return uuid.UUID(text)
    except ValueError:
        pass
    with ctx.uow(readonly=True) as uow:
        found = uow.session.scalars(
            select(Household.id).where(Household.dossier_number == text.strip())
        ).first()
    if found is None:
        raise NotFoundError(f"Geen dossier gevonden met nummer of id '{text}'.")
    return found


def _show(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        view = plans.get_plan(ctx, resolve_household(ctx, args.household))
    finally:
        ctx.database.close()

    def text() -> str:
        doc = view.document
        lines = [
            f"Perspectiefplan {view.household_name} ({view.dossier_number})",
            f"Status: {view.status.label}, versie {view.version_no}",
            f"Start: {short_date(doc.start_date) or '-'}   Consulent: {doc.consultant}",
            "",
            "Doelen:",
        ]
        for number, goal in enumerate(doc.goals, 1):
            lines.append(
                f"  {number}. {goal.description}  [{goal.status.label}; evaluatie "
                f"{short_date(goal.evaluation_date) or '-'}]"
            )
            lines += [f"     - {a.owner_text}: {a.description}" for a in goal.actions]
        if view.findings:
            lines += ["", "Bevindingen:"]
            lines += [f"  [{f.severity.value}] {f.message}" for f in view.findings]
        return "\n".join(lines)

    emit(args, view.to_json(), text)
    return 0


def _export(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        path = export_plan_pdf(ctx, resolve_household(ctx, args.household), Path(args.output))
    finally:
        ctx.database.close()
    emit(args, {"file": str(path)}, f"Plan opgeslagen als {path}.")
    return 0


def _history(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        rows = plans.plan_history(ctx, resolve_household(ctx, args.household))
    finally:
        ctx.database.close()
    data = [
        {
            "version_no": r.version_no,
            "status": r.status.value,
            "saved_by": r.saved_by,
            "saved_at": r.saved_at.isoformat(),
            "goals": r.goal_count,
        }
        for r in rows
    ]
    emit(
        args,
        data,
        lambda: (
            "\n".join(
                f"versie {r.version_no:>3}  {r.status.label:<28} {r.saved_by:<14} "
                f"{r.saved_at:%d-%m-%Y %H:%M}  {r.goal_count} doelen"
                for r in rows
            )
            or "Nog geen plan opgeslagen."
        ),
    )
    return 0


def _diff(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        changes = plans.diff_versions(ctx, resolve_household(ctx, args.household), args.a, args.b)
    finally:
        ctx.database.close()
    data = [
        {
            "kind": c.kind.value,
            "area": c.area,
            "label": c.label,
            "before": c.before,
            "after": c.after,
        }
        for c in changes
    ]
    emit(args, data, lambda: "\n".join(c.text() for c in changes) or "Geen verschillen.")
    return 0


def _pending(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        rows = plans.list_pending_plans(ctx)
    finally:
        ctx.database.close()
    data = [
        {
            "id": str(r.id),
            "household_id": str(r.household_id),
            "title": r.title,
            "submitted_by": r.submitted_by,
            "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
            "findings": list(r.findings),
        }
        for r in rows
    ]
    emit(
        args,
        data,
        lambda: (
            "\n".join(f"{r.title}  (ingediend door {r.submitted_by})" for r in rows)
            or "Geen plannen ter beoordeling."
        ),
    )
    return 0
