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


@guarded(Permission.LETTER_PRINT, object_type="plan")
def export_plan_pdf(ctx: AppContext, household_id: uuid.UUID, path: Path) -> Path:
    """Write the current plan of a household to ``path`` as PDF."""
    view = get_plan(ctx, household_id)
    if view.id is None:
        raise JeugdtoegangError("Dit dossier heeft nog geen opgeslagen perspectiefplan.")
    try:
        render_plan_pdf(pdf_input(ctx, view), Path(path))
    except OSError as error:
        raise JeugdtoegangError(
            f"Het bestand {path} kon niet worden geschreven: {error.strerror}."
        ) from error
    with ctx.uow() as uow:
        uow.log_access(
            "afdrukken",
            "plan",
            view.id,
            [m.id for m in view.members],
            f"perspectiefplan versie {view.version_no} als PDF voor het gezin",
        )
        uow.commit()
    return Path(path)
