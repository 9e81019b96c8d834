"""The plan PDF for the family: text is extractable, in Dutch notation, numbered pages."""

from __future__ import annotations

import re
from datetime import date

from pypdf import PdfReader

from jeugdtoegang.domain.plans import Action, Goal, OwnerKind, Perspective18
from jeugdtoegang.services import plans
from jeugdtoegang.services.plan_export import export_plan_pdf
from tests.integration.test_plans import complete_plan, make_household


def test_plan_pdf_holds_names_goals_owners_and_dates_in_dutch_notation(ctx, tmp_path) -> None:
    household_id = make_household(ctx)
    document = complete_plan(ctx, household_id)
    extra = [
        Goal(
            description=f"Doel nummer {n}: Sem oefent met rustig praten als hij boos is.",
            domain=document.domains[0].domain,
            target_date=date(2027, 3, n),
            evaluation_date=date(2027, 1, n),
            actions=(
                Action(owner_kind=OwnerKind.OUDERS, description="Elke avond samen terugkijken."),
                Action(
                    owner_kind=OwnerKind.NETWERK,
                    owner_name="Oma Ria",
                    description="Woensdag oppas.",
                ),
            ),
        )
        for n in range(1, 13)
    ]
    situation = document.domains[0].model_copy(
        update={"krachten": "Wij lachen veel samen, ook als het zwaar is."}
    )
    document = document.model_copy(
        update={
            "goals": document.goals + tuple(extra),
            "domains": (situation, *document.domains[1:]),
        }
    )
    view = plans.save_draft(ctx, household_id, document, 0)
    target = export_plan_pdf(ctx, household_id, tmp_path / "plan.pdf")

    reader = PdfReader(str(target))
    pages = [page.extract_text() for page in reader.pages]
    text = re.sub(r"\s+", " ", " ".join(pages))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"pagina {number} van {len(pages)}" in page
    assert "Gezin De Vries" in text
    assert "Anna de Vries" in text and "Sem de Vries" in text
    assert "Sem gaat weer elke dag naar school." in text
    assert "Oma Ria" in text
    assert "Wij lachen veel samen, ook als het zwaar is." in text
    assert "01-02-2027" in text  # evaluation date, dd-mm-jjjj
    assert "12-01-2027" in text
    assert "2027-02-01" not in text
    assert view.document.consultant in text
    fonts = {
        str(font.get("/BaseFont"))
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
        for font in [font.get_object()]
    }
    assert all("DejaVu" in name for name in fonts)


def test_plan_pdf_shows_the_18_plus_perspective_when_present(ctx, tmp_path) -> None:
    household_id = make_household(ctx)
    document = complete_plan(ctx, household_id)
    sem = next(m for m in plans.get_plan(ctx, household_id).members if m.role == "jeugdige")
    perspective = Perspective18(
        person_id=str(sem.id),
        wonen="Kamer bij oma",
        onderwijs_werk="Entreeopleiding",
        inkomen="Studiefinanciering",
        zorg_na_18="Begeleiding via de Wmo",
        care_laws=("Wmo",),
        arranged_by="Sem met zijn moeder",
    )
    plans.save_draft(
        ctx, household_id, document.model_copy(update={"perspectives_18": (perspective,)}), 0
    )
    target = export_plan_pdf(ctx, household_id, tmp_path / "plan.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(str(target)).pages)
    assert "Na de 18e verjaardag" in text
    assert "Kamer bij oma" in text and "Begeleiding via de Wmo (Wmo)" in text
