"""The demo office → a new laptop → the office, with accounts: no conflicts, login required."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from jeugdtoegang.demo import fill_demo
from jeugdtoegang.domain.actor import SYSTEM_ACTOR, Actor
from jeugdtoegang.services import auth, workstations
from jeugdtoegang.services import sync as sync_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.sync.keys import ENV_KEY
from tests.integration.sync_helpers import TEAM_KEY, DatabaseFactory, domain_rows, edit


def test_the_demo_round_trip_office_laptop_office_has_no_conflicts_and_asks_a_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from jeugdtoegang.cli.main import main

    monkeypatch.setenv(ENV_KEY, TEAM_KEY)
    factory = DatabaseFactory(tmp_path, None)
    try:
        office_db = factory.create("kantoor")
        fill_demo(AppContext(office_db, SYSTEM_ACTOR), households=30)
        admin = AppContext(office_db, auth.login(office_db, "beheer", "demo"))
        workstations.enrol_self(admin)

        laptop_db = factory.create("laptop-carla", dossier_start=10_000)
        nobody = AppContext(laptop_db, Actor("werkplek", "Werkplek", frozenset()))
        request = tmp_path / "laptop.jtwerkplek"
        shown_on_laptop = workstations.write_request(nobody, request, "laptop-carla")
        enrolled = workstations.enrol(
            admin,
            workstations.read_request(request),
            expected_fingerprint=shown_on_laptop.fingerprint,
        )
        assert enrolled.fingerprint == shown_on_laptop.fingerprint
        to_laptop = tmp_path / "naar-laptop.jtsync"
        sync_service.export_bundle(admin, "laptop-carla", to_laptop)

        # a new laptop without accounts refuses every command until it joined
        capsys.readouterr()
        assert main(["--db", laptop_db.url, "households", "search", "a"]) == 1
        assert "geen beheerder" in capsys.readouterr().err
        office_fp = workstations.own_identity(admin).fingerprint
        _, joined = sync_service.join_office(laptop_db, to_laptop, office_fp, "beheer", "demo")
        assert joined.conflicts == 0 and joined.applied > 0

        # the laptop now asks the office's login
        monkeypatch.delenv("JEUGDTOEGANG_USER", raising=False)
        monkeypatch.delenv("JEUGDTOEGANG_PASSWORD", raising=False)
        assert main(["--db", laptop_db.url, "households", "search", "a"]) == 1
        assert "log in" in capsys.readouterr().err
        with pytest.raises(auth.LoginError):
            auth.login(laptop_db, "c.jansen", "verkeerd-wachtwoord")
        carla = AppContext(laptop_db, auth.login(laptop_db, "c.jansen", "demo"))

        household_id = domain_rows(laptop_db)["household"][0]["id"]
        edit(carla, uuid.UUID(str(household_id)), notes="Huisbezoek gedaan (laptop)")
        to_office = tmp_path / "naar-kantoor.jtsync"
        sync_service.export_bundle(carla, "kantoor", to_office)
        back = sync_service.import_bundle(admin.with_actor(carla.actor), to_office)
        assert back.conflicts == 0 and back.applied >= 1

        again = tmp_path / "weer-naar-laptop.jtsync"
        sync_service.export_bundle(admin, "laptop-carla", again)
        assert sync_service.import_bundle(carla, again).conflicts == 0
        assert sync_service.list_conflicts(admin) == []
        assert domain_rows(laptop_db) == domain_rows(office_db)
    finally:
        factory.close()
