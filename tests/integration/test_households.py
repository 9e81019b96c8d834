"""Registering, editing, opening and finding households through the services and the CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from jeugdtoegang.demo.households import generate_households
from jeugdtoegang.domain.households import HouseholdInput, PersonInput, PersonRole
from jeugdtoegang.domain.text import fold
from jeugdtoegang.errors import StaleRecordError, ValidationError
from jeugdtoegang.services import households
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models import AuditEntry

pytestmark = pytest.mark.postgres


def jansen(bsn_child: str = "111222333", bsn_parent: str = "123456782") -> HouseholdInput:
    return HouseholdInput(
        name="Gezin de Vries",
        gemeente="Zeist",
        street="Lindelaan",
        house_number="12",
        postcode="3701ab",
        wijk=None,
        members=(
            PersonInput(
                PersonRole.OUDER,
                "Eva",
                "Vries",
                tussenvoegsel="de",
                birth_date=date(1985, 4, 2),
                bsn=bsn_parent,
                has_gezag=True,
                relation="moeder",
            ),
            PersonInput(
                PersonRole.JEUGDIGE,
                "Noor",
                "Vries",
                tussenvoegsel="de",
                birth_date=date(2012, 6, 30),
                bsn=bsn_child,
            ),
            PersonInput(PersonRole.NETWERK, "Ria", "Bosman", relation="oma"),
        ),
    )


def test_a_registered_household_gets_a_dossier_number_and_normalised_fields(
    ctx: AppContext,
) -> None:
    detail = households.register_household(ctx, jansen())
    assert re.fullmatch(r"2026-[0-9A-F]{3}-00001", detail.dossier_number)
    assert detail.postcode == "3701 AB"
    assert detail.city == "Zeist" and detail.gemeente_code
    assert [m.role for m in detail.members] == ["ouder", "jeugdige", "netwerk"]
    assert detail.members[1].masked_bsn == "******333"


def test_invalid_input_is_refused_with_every_error_and_nothing_is_written(ctx: AppContext) -> None:
    bad = replace(jansen(bsn_child="123456789"), postcode="99", gemeente="Amsterdam")
    with pytest.raises(ValidationError) as error:
        households.register_household(ctx, bad)
    assert {e.field for e in error.value.errors} == {"postcode", "gemeente", "members[1].bsn"}
    assert households.count_households(ctx) == 0


def test_a_bsn_is_unique_across_dossiers(ctx: AppContext) -> None:
    households.register_household(ctx, jansen())
    with pytest.raises(ValidationError, match="al geregistreerd"):
        households.register_household(ctx, jansen(bsn_parent="010000008"))


def test_editing_with_an_old_version_is_refused(ctx: AppContext) -> None:
    detail = households.register_household(ctx, jansen())
    data = households.household_input_from(detail)
    households.update_household(ctx, detail.id, detail.version, replace(data, name="Gezin A"))
    with pytest.raises(StaleRecordError):
        households.update_household(ctx, detail.id, detail.version, replace(data, name="Gezin B"))
    assert households.get_household(ctx, detail.id).name == "Gezin A"


def test_a_removed_member_is_ended_not_deleted(ctx: AppContext) -> None:
    detail = households.register_household(ctx, jansen())
    data = households.household_input_from(detail)
    kept = replace(data, members=data.members[:2])
    after = households.update_household(ctx, detail.id, detail.version, kept)
    assert len(after.members) == 2
    assert households.search_households(ctx, "Bosman") == []


def test_opening_a_dossier_is_logged_with_its_persons_and_purpose(ctx: AppContext) -> None:
    detail = households.register_household(ctx, jansen())
    households.get_household(ctx, detail.id, purpose="gesprek voorbereiden")
    with ctx.uow(readonly=True) as uow:
        entry = uow.session.execute(
            select(AuditEntry).where(AuditEntry.action == "inzien")
        ).scalar_one()
    assert entry.created_by == "c.jansen" and entry.purpose == "gesprek voorbereiden"
    assert set(entry.person_ids) == {str(m.id) for m in detail.members}


@pytest.mark.parametrize(
    "query",
    [
        "vries",
        "Vrie",
        "de vries",
        "noor vries",
        "Noor",
        "111222333",
        "111 222 333",
        "3701 AB",
        "3701ab",
        "DOSSIER",
        "3701",
    ],
)
def test_a_household_is_found_by_name_bsn_postcode_and_dossier_number(
    ctx: AppContext, query: str
) -> None:
    detail = households.register_household(ctx, jansen())
    generate_households(ctx, 30, seed=7)
    if query == "DOSSIER":
        query = detail.dossier_number.lower()
    found = households.search_households(ctx, query)
    assert "Gezin de Vries" in [row.name for row in found]
    row = next(r for r in found if r.name == "Gezin de Vries")
    assert row.members[0] == "Eva de Vries"


def test_search_ignores_accents_and_case(ctx: AppContext) -> None:
    data = replace(
        jansen(),
        members=(
            PersonInput(
                PersonRole.JEUGDIGE, "Zoë", "Öztürk", birth_date=date(2014, 1, 1), bsn="111222333"
            ),
        ),
    )
    households.register_household(ctx, data)
    assert [r.members for r in households.search_households(ctx, "ozt")] == [("Zoë Öztürk",)]
    assert households.search_households(ctx, "zoe oztürk")


def test_the_list_pages_through_all_households_in_name_order(ctx: AppContext) -> None:
    generate_households(ctx, 45, seed=3)
    first = households.list_households(ctx, 0, 20)
    rest = households.list_households(ctx, 20, 100)
    names = [r.name for r in first + rest]
    assert len(names) == 45 and names == sorted(names, key=fold)  # Çelik among the C's
    assert households.count_households(ctx) == 45


def run_cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jeugdtoegang", "--db", str(db), *args],
        capture_output=True,
        text=True,
        check=False,
        # demo databases have accounts (see demo/users.py); scripted CLI use logs in by env
        env={
            "JEUGDTOEGANG_USER": "c.jansen",
            **os.environ,
            "JEUGDTOEGANG_PASSWORD": "demo",
        },
    )


def test_the_cli_creates_a_demo_database_and_finds_households_as_json(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    init = run_cli(db, "init", "--region", "twente", "--demo", "--households", "40", "--json")
    assert init.returncode == 0, init.stderr
    assert json.loads(init.stdout)["demo_households"] == 40
    regions = json.loads(run_cli(db, "regions", "--json").stdout)
    assert {r["slug"] for r in regions} >= {"twente", "zuidoost-utrecht", "noord-veluwe"}
    twente = next(r for r in regions if r["slug"] == "twente")
    assert "Enschede" in twente["municipalities"]
    found = run_cli(db, "households", "search", "Jansen", "--json")
    assert found.returncode == 0, found.stderr
    rows = json.loads(found.stdout)
    assert rows and {"id", "dossier_number", "address", "members"} <= set(rows[0])


def test_the_cli_reports_input_errors_in_dutch_without_a_traceback(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "x.sqlite", "init", "--region", "atlantis")
    assert result.returncode == 1
    assert "Onbekende regio" in result.stderr and "Traceback" not in result.stderr
    result = run_cli(tmp_path / "leeg.sqlite", "households", "search", "x")
    assert result.returncode == 1 and "nog niet ingericht" in result.stderr


def test_search_folds_letters_without_accents_and_finds_partial_dossier_numbers(
    ctx: AppContext,
) -> None:
    data = replace(
        jansen(),
        members=(
            PersonInput(
                PersonRole.JEUGDIGE, "Elif", "Yılmaz", birth_date=date(2014, 1, 1), bsn="111222333"
            ),
        ),
    )
    detail = households.register_household(ctx, data)
    generate_households(ctx, 30, seed=7)
    assert ("Elif Yılmaz",) in [r.members for r in households.search_households(ctx, "Yilmaz")]
    assert households.search_households(ctx, "yıl")
    year, code, serial = detail.dossier_number.split("-")
    for partial in (f"{code}-{serial}", f"{code.lower()}-{int(serial)}", serial, f"{year}-{code}"):
        found = [r.dossier_number for r in households.search_households(ctx, partial)]
        assert detail.dossier_number in found, partial
    assert len(households.search_households(ctx, serial)) == 1
