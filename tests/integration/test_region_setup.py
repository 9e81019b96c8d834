"""Region setup as administered, versioned data (issue 13): the must-show behaviour."""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from jeugdtoegang.cli.main import main as cli_main
from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.decisions import DecisionStatus, DecisionType
from jeugdtoegang.errors import RuleViolationError
from jeugdtoegang.paths import resource_path
from jeugdtoegang.regions.setup_document import SetupError
from jeugdtoegang.services import decisions, region_setup, setup_imports
from jeugdtoegang.services import sync as sync_service
from jeugdtoegang.services.catalogue_import import import_catalogue
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.models.decisions import Decision, FinalLetter
from jeugdtoegang.storage.models.region_setup import RegionSetup
from jeugdtoegang.sync.keys import ENV_KEY
from tests.conftest import CONSULENT, TEAMLEIDER, TODAY
from tests.integration.decision_fixtures import add_indication, case_parts, make_household
from tests.integration.sync_helpers import TEAM_KEY, DatabaseFactory

pytestmark = pytest.mark.postgres

BEHEER = Actor("beheer", "Bea Heer", frozenset({Role.BEHEERDER}), team="Team Zeist")
NEXT_MONTH = date(2026, 12, 23)


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def program_files_digest() -> str:
    """A digest of every shipped resource file: the program must not change."""
    digest = hashlib.sha256()
    root = resource_path()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def contexts(database: Database) -> tuple[AppContext, AppContext, AppContext]:
    clock = lambda: TODAY  # noqa: E731
    return (
        AppContext(database, BEHEER, clock),
        AppContext(database, CONSULENT, clock),
        AppContext(database, TEAMLEIDER, clock),
    )


def draft_decision(ctx: AppContext, gemeente: str = "Zeist") -> uuid.UUID:
    household_id, person_id = make_household(ctx, gemeente)
    indication = add_indication(ctx, household_id, person_id)
    return decisions.create_decision(
        ctx,
        household_id,
        person_id,
        DecisionType.TOEKENNING,
        [indication],
        date(2026, 11, 2),
        "hulp thuis bij de opvoeding",
        "Daan is vaak boos, thuis en op school.",
        goals=["Daan kan beter omgaan met boosheid."],
        parts=case_parts(DecisionType.TOEKENNING),
    ).id


def settle_zeist(
    beheer: AppContext, day: date = TODAY, title: str = "Verordening jeugdhulp Zeist 2026"
) -> None:
    verordening = "profile.municipalities.Zeist.verordening"
    bezwaar = "letters.gemeenten.Zeist.bezwaar_address"
    region_setup.change_setup(
        beheer,
        {verordening: title, bezwaar: ["Postbus 513", "3700 AM  Zeist"]},
        day,
        "verordening en bezwaarroute Zeist vastgelegd",
        provenance={
            **region_setup.settle(verordening, title, date_text="2025-12-18", article="artikel 7"),
            **region_setup.settle(
                bezwaar, "Besluit mandaat en bezwaar Zeist 2026", link="www.zeist.nl/bezwaar"
            ),
        },
    )


# -- must show 1: a real region from a fresh database, with no program file changed ---------


def test_a_beheerder_sets_up_a_real_region_and_produces_a_final_letter_without_changing_a_program_file(
    make_database: Callable[..., Database], tmp_path: Path
) -> None:
    before = program_files_digest()
    database = make_database(settled=False)
    beheer, consulent, lead = contexts(database)

    product_list = tmp_path / "productcodelijst.csv"
    product_list.write_text(
        "code;naam;categorie;eenheid;segment;soort\n"
        "45A77;Gezinsbegeleiding intensief;45;uur;ambulant;ontwikkeling\n"
        "54A12;Behandeling jeugd-ggz kort;54;uur;ambulant;ontwikkeling\n",
        encoding="utf-8",
    )
    preview = setup_imports.preview_product_list_file(beheer, product_list)
    assert [p["code"] for p in preview.new] == ["45A77", "54A12"] and not preview.errors
    setup_imports.import_product_list(beheer, product_list, TODAY)

    catalogue = tmp_path / "catalogus.csv"
    catalogue.write_text(
        "agb;naam;segment;productcode;productnaam;vorm;thema;eenheid;tarief;gemeenten;"
        "preferent_wijken;groepsaanbod;identiteit;geldig_van;geldig_tot;status;budget_jaar;"
        "wachttijd_weken\n"
        "98000001;Jeugdhulp Kerckebosch;ambulant;45A77;Gezinsbegeleiding intensief;;;uur;82,50;"
        "Zeist;Kerckebosch;nee;;01-01-2026;;actief;100000;2\n"
        "98000002;Praktijk Nieuw;ambulant;45B88;Ouder-kindbegeleiding;;;uur;75,00;Zeist;;nee;;"
        "01-01-2026;;actief;50000;1\n",
        encoding="utf-8",
    )
    with pytest.raises(Exception, match="45B88 staat niet in het regioprofiel"):
        import_catalogue(beheer, catalogue)  # a dead end before the beheerder adds them
    unknowns = setup_imports.catalogue_additions(beheer, catalogue)
    assert [p["code"] for p in unknowns.products] == ["45B88"]
    assert unknowns.wijken == (("Zeist", "Kerckebosch"),)
    setup_imports.add_catalogue_unknowns(beheer, catalogue, TODAY)
    report = import_catalogue(beheer, catalogue)
    assert report.contracts_written == 2 if hasattr(report, "contracts_written") else True
    assert "Kerckebosch" in beheer.profile.municipality("Zeist").wijken

    decision_id = draft_decision(consulent)
    with pytest.raises(RuleViolationError, match="voorlopig"):
        decisions.approve_decision(lead, decision_id)

    settle_zeist(beheer)
    lead.forget_setup()
    approved = decisions.approve_decision(lead, decision_id)
    assert approved.status is DecisionStatus.GOEDGEKEURD
    text = pdf_text(decisions.letter_pdf(lead, decision_id))
    assert "Verordening jeugdhulp Zeist 2026, artikel 7" in text
    assert "Postbus 513" in text and "FICTIEF" not in text
    assert "U kunt uw bezwaar ook via internet sturen: www.zeist.nl/bezwaar." in text
    assert program_files_digest() == before


# -- must show 2: rules dated next month leave today's decision alone; sync carries setup ----


def test_a_rule_change_dated_next_month_does_not_alter_a_decision_made_today(
    database: Database,
) -> None:
    beheer, consulent, lead = contexts(database)
    decision_id = draft_decision(consulent)
    decisions.approve_decision(lead, decision_id)
    letter_today = decisions.letter_pdf(lead, decision_id)
    concept_id = draft_decision(consulent)
    concept_today = pdf_text(decisions.letter_pdf(consulent, concept_id))

    region_setup.change_setup(
        beheer,
        {
            "profile.term_rules.development_max_months": 6,
            "profile.municipalities.Zeist.verordening": "Verordening jeugdhulp Zeist 2027",
        },
        NEXT_MONTH,
        "nieuwe verordening per volgende maand",
    )
    with pytest.raises(RuleViolationError, match="terugwerken"):
        region_setup.change_setup(
            beheer, {"profile.term_rules.development_max_months": 6}, date(2026, 11, 1), "terug"
        )
    assert beheer.profile_on(NEXT_MONTH).term_rules.development_max_months == 6
    assert (
        AppContext(database, CONSULENT, lambda: TODAY).profile.term_rules.development_max_months
        == 9
    )
    later = AppContext(database, TEAMLEIDER, lambda: NEXT_MONTH)
    assert decisions.letter_pdf(later, decision_id) == letter_today
    assert pdf_text(decisions.letter_pdf(consulent, concept_id)) == concept_today
    with database.read_sessions() as session:
        decision = session.get(Decision, decision_id)
        used = session.get(RegionSetup, decision.region_setup_id)
        assert used.effective_from < NEXT_MONTH


def test_a_setup_change_made_on_one_workstation_arrives_on_another_by_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_KEY, TEAM_KEY)
    factory = DatabaseFactory(tmp_path, os.environ.get("JEUGDTOEGANG_TEST_PG") or None)
    try:
        from jeugdtoegang.services import auth
        from tests.integration.sync_helpers import PASSWORD, join, office_with_accounts

        admin = office_with_accounts(factory.create("kantoor"))
        office = AppContext(admin.database, admin.actor, lambda: TODAY)
        laptop_db = factory.create("laptop")
        join(office, laptop_db, tmp_path, "laptop")  # an enrolled laptop of the team
        laptop = AppContext(laptop_db, auth.login(laptop_db, "c.jansen", PASSWORD), lambda: TODAY)
        settle_zeist(office, title="Verordening jeugdhulp Zeist 2026 (kantoor)")
        bundle = tmp_path / "naar-laptop.jtsync"
        sync_service.export_bundle(office, "laptop", bundle)
        sync_service.import_bundle(laptop, bundle)
        arrived = region_setup.setup_on(laptop.database, TODAY)
        assert arrived.profile.municipality("Zeist").verordening.endswith("(kantoor)")
        assert not arrived.document.status("profile.municipalities.Zeist.verordening").provisional
        assert arrived.id == region_setup.setup_on(office.database, TODAY).id
    finally:
        factory.close()


# -- must show 3: a provisional legal basis blocks finalising --------------------------------


def test_a_letter_cannot_be_made_final_while_its_legal_basis_or_bezwaar_route_is_provisional(
    make_database: Callable[..., Database],
) -> None:
    database = make_database(settled=False)
    beheer, consulent, lead = contexts(database)
    decision_id = draft_decision(consulent)
    with pytest.raises(RuleViolationError, match=r"verordening van gemeente Zeist .* voorlopig"):
        decisions.approve_decision(lead, decision_id)
    path = "profile.municipalities.Zeist.verordening"
    region_setup.change_setup(
        beheer,
        {},
        TODAY,
        "verordening vastgesteld",
        provenance=region_setup.settle(path, "Verordening jeugdhulp Zeist 2026", article="art. 7"),
    )
    lead.forget_setup()
    with pytest.raises(
        RuleViolationError, match="bezwaaradres van gemeente Zeist is nog voorlopig"
    ):
        decisions.approve_decision(lead, decision_id)
    with database.read_sessions() as session:
        assert session.get(Decision, decision_id).status == "concept"
        assert session.scalar(select(func.count()).select_from(FinalLetter)) == 0


# -- export / import and the CLI ---------------------------------------------------------------


def test_export_and_import_round_trip_and_a_bad_file_names_every_error_and_changes_nothing(
    database: Database, tmp_path: Path
) -> None:
    beheer = contexts(database)[0]
    exported = tmp_path / "inrichting.toml"
    region_setup.export_setup(beheer, exported)
    text = exported.read_text(encoding="utf-8")
    assert "[inrichting]" in text and "[provenance." in text
    again = region_setup.import_setup(beheer, exported, TODAY, "terug ingelezen")
    assert (
        again.document.to_json()
        == region_setup.setup_on(database, date(2020, 1, 1)).document.to_json()
    )

    bad = text.replace("development_max_months = 9", 'development_max_months = "negen"')
    bad = bad.replace('status = "voorlopig"', 'status = "misschien"', 1)
    bad = bad.replace('phone = "0800 - 555 04 40"', 'phone = ""', 1)
    broken = tmp_path / "kapot.toml"
    broken.write_text(bad, encoding="utf-8")
    count = len(region_setup.setup_history(beheer))
    with pytest.raises(SetupError) as caught:
        region_setup.import_setup(beheer, broken, TODAY, "kapot")
    message = caught.value.message
    assert "term_rules.development_max_months" in message
    assert "misschien" in message or "'vastgesteld' of 'voorlopig'" in message
    assert "default.phone" in message
    assert len(region_setup.setup_history(beheer)) == count


def test_the_setup_commands_are_scriptable_with_json_and_exit_1_on_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "cli.sqlite")
    assert cli_main(["--db", db, "init", "--region", "zuidoost-utrecht", "--json"]) == 0
    monkeypatch.setenv("JEUGDTOEGANG_NEW_PASSWORD", "Beheer-wachtwoord-2026")
    assert cli_main(["--db", db, "users", "add", "beheer", "--name", "Bea Heer"]) == 0
    monkeypatch.setenv("JEUGDTOEGANG_USER", "beheer")
    monkeypatch.setenv("JEUGDTOEGANG_PASSWORD", "Beheer-wachtwoord-2026")
    capsys.readouterr()
    assert cli_main(["--db", db, "setup", "show", "--json"]) == 0
    shown = capsys.readouterr().out
    assert '"verordening_status": "voorlopig"' in shown
    args = [
        "--db",
        db,
        "setup",
        "verordening",
        "--gemeente",
        "Zeist",
        "--title",
        "Verordening jeugdhulp Zeist 2026",
        "--article",
        "artikel 7",
        "--source-date",
        "2025-12-18",
        "--from",
        "2099-01-01",
        "--json",
    ]
    assert cli_main(args) == 0
    capsys.readouterr()
    assert cli_main(["--db", db, "setup", "show", "--date", "2099-01-02", "--json"]) == 0
    assert '"verordening_status": "vastgesteld"' in capsys.readouterr().out
    assert (
        cli_main(
            [
                "--db",
                db,
                "setup",
                "set",
                "profile.term_rules.development_max_months",
                "nul",
                "--from",
                "2099-02-01",
                "--json",
            ]
        )
        == 1
    )
    assert "development_max_months" in capsys.readouterr().err
    assert (
        cli_main(
            ["--db", db, "setup", "export", "-o", str(tmp_path / "x.toml"), "--date", "morgen"]
        )
        == 1
    )


def test_demo_databases_are_marked_fictional_on_every_letter(
    make_database: Callable[..., Database],
) -> None:
    database = make_database(settled=False)
    _beheer, consulent, lead = contexts(database)
    region_setup.ensure_setup(AppContext(database, BEHEER, lambda: TODAY), fictional=True)
    consulent.forget_setup()
    assert consulent.setup.fictional
    decision_id = draft_decision(consulent)
    decisions.approve_decision(lead, decision_id)  # a demo letter is never a real decision
    pdf = decisions.letter_pdf(lead, decision_id)
    reader = PdfReader(io.BytesIO(pdf))
    assert all("FICTIEF" in page.extract_text() for page in reader.pages)


def test_a_logo_stored_in_the_setup_is_used_in_the_letterhead(
    database: Database, tmp_path: Path
) -> None:
    from PIL import Image

    from jeugdtoegang.services.decision_letter import letter_model
    from jeugdtoegang.storage.models.decisions import Decision as DecisionRow

    image = tmp_path / "logo.png"
    Image.new("RGB", (40, 40), "#0B6E69").save(image)
    beheer, consulent, _lead = contexts(database)
    value = region_setup.logo_value(image.read_bytes())
    region_setup.change_setup(beheer, {"letters.gemeenten.Zeist.logo": value}, TODAY, "nieuw logo")
    decision_id = draft_decision(consulent)
    with database.read_sessions() as session:
        row = session.get(DecisionRow, decision_id)
        model = letter_model(session, consulent.profile, row, TODAY)
    assert model.letterhead.logo_path and Path(model.letterhead.logo_path).read_bytes() == (
        image.read_bytes()
    )
    with pytest.raises(RuleViolationError, match="PNG"):
        region_setup.logo_value(b"GIF89a")
