"""Export the perspectiefplan as a PDF for the family (logged as an export of personal data)."""

from __future__ import annotations

import uuid
from pathlib import Path

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.letters.plan_pdf import PlanMemberLine, PlanPdfInput, render_plan_pdf
from jeugdtoegang.services.authz import guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.plans import PlanView, get_plan


def pdf_input(ctx: AppContext, view: PlanView) -> PlanPdfInput:
    return PlanPdfInput(
        household_name=view.household_name,
        dossier_number=view.dossier_number,
        members=tuple(
            PlanMemberLine(str(m.id), m.name, m.role, m.birth_date) for m in view.members
        ),
        document=view.document,
        status=view.status,
        version_no=view.version_no,
        printed_on=ctx.today(),
    )


@guarded(Permission.LETTER_PRINT, object_type="plan", target="household")
def export_plan_pdf(ctx: AppContext, household_id: uuid.UUID, path: Path) -> Path:
    """Write the current plan of a household to ``path`` as PDF."""
    from jeugdtoegang.services.file_output import write_logged

    view = get_plan(ctx, household_id)
    if view.id is None:
        raise JeugdtoegangError("Dit dossier heeft nog geen opgeslagen perspectiefplan.")
    pdf = render_plan_pdf(pdf_input(ctx, view), None)
    write_logged(
        ctx, Path(path), pdf, action="afdrukken", object_type="plan", object_id=view.id,
        person_ids=[m.id for m in view.members],
        purpose=f"perspectiefplan versie {view.version_no} als PDF voor het gezin",
    )  # fmt: skip
    return Path(path)
