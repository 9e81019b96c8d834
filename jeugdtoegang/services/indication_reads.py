"""Reading indications: one indication, a household's help, the team lead's queue."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.domain.findings import Severity
from jeugdtoegang.services.authz import guarded, shown
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_records import load_indication, view_of
from jeugdtoegang.services.indication_views import (
    IndicationView,
    PendingIndicationView,
    indication_view,
)
from jeugdtoegang.storage.indication_queries import (
    evaluations_in_order,
    household_indications,
    household_people,
    open_request_counts,
    submitted_indications,
)
from jeugdtoegang.storage.models.indications import Evaluation


@guarded(Permission.DOSSIER_READ, object_type="indication", target="indication")
def get_indication(ctx: AppContext, indication_id: uuid.UUID) -> IndicationView:
    with ctx.uow(readonly=True) as uow:
        row = load_indication(uow.session, indication_id)
        view = view_of(uow.session, row)
        uow.log_access("inzien", "indication", row.id, [row.person_id], "indicatie inzien")
        return view


@guarded(Permission.DOSSIER_READ, object_type="indication", target="household")
def list_for_household(ctx: AppContext, household_id: uuid.UUID) -> list[IndicationView]:
    """All indications of a household, per jeugdige by start date (for the timeline)."""
    with ctx.uow(readonly=True) as uow:
        session = uow.session
        rows = household_indications(session, household_id)
        ids = [r.id for r in rows]
        names = {
            p.id: " ".join(x for x in (p.first_name, p.tussenvoegsel, p.surname) if x)
            for p in household_people(session, household_id)
        }
        evaluations: dict[uuid.UUID, Evaluation] = {}
        requests: dict[uuid.UUID, int] = {}
        if ids:
            for evaluation in evaluations_in_order(session, ids):
                evaluations[evaluation.indication_id] = evaluation
            requests = open_request_counts(session, ids)
        views = [
            indication_view(
                r, names.get(r.person_id, ""), evaluations.get(r.id), requests.get(r.id, 0)
            )
            for r in rows
        ]
        uow.log_access(
            "inzien",
            "household",
            household_id,
            sorted({r.person_id for r in rows}),
            "hulp (indicaties) inzien",
        )
        return sorted(views, key=lambda v: (v.person_name, v.start, v.product_code))


# ``ids`` (a page of the review queue) name indication records; their team scope is applied
# per item by ``shown`` below, so ``target`` only declares what the ids are
@guarded(Permission.APPROVE, object_type="indication", target="indication")
def list_pending_indications(
    ctx: AppContext, ids: Collection[uuid.UUID] | None = None
) -> list[PendingIndicationView]:
    """Submitted indications waiting for a team lead (review seam); only ``ids`` if given."""
    with ctx.uow(readonly=True) as uow:
        rows = submitted_indications(uow.session, ids)
        result = []
        for row, first, tussen, surname in rows:
            name = " ".join(p for p in (first, tussen, surname) if p)
            view = indication_view(row)
            findings = "\n".join(
                f"[{f.severity.value}] {f.message}"
                for f in view.findings
                if f.severity is not Severity.WARNING
            )
            motivations = "\n".join(f"{code}: {text}" for code, text in view.motivations.items())
            result.append(
                PendingIndicationView(
                    id=row.id,
                    household_id=row.household_id,
                    title=f"Indicatie {row.product_name or row.product_code} voor {name}",
                    submitted_by=row.submitted_by,
                    submitted_at=row.submitted_at,
                    findings=findings,
                    motivations=motivations,
                )
            )
    return shown(ctx, Permission.APPROVE, result, "ingediende indicaties")
