"""The whole indication life cycle from the command line (issue 11, item 9)."""

from __future__ import annotations

import json

import pytest

from jeugdtoegang.cli.main import main
from jeugdtoegang.domain.actor import Role
from jeugdtoegang.services.auth import UserInput, add_user_unchecked
from tests.indication_helpers import add_provider, make_bsn


@pytest.fixture
def accounts(ctx, monkeypatch):
    for name, role in (("c.jansen", Role.CONSULENT), ("t.bakker", Role.TEAMLEIDER)):
        add_user_unchecked(
            ctx,
            UserInput(name, name, (role,), team="Team Zeist", password="Geheim-wachtwoord-1"),
            must_change=False,
            log2_n=4,
        )
    monkeypatch.setenv("JEUGDTOEGANG_PASSWORD", "Geheim-wachtwoord-1")

    def as_user(name: str) -> None:
        monkeypatch.setenv("JEUGDTOEGANG_USER", name)

    return as_user


def run(database, capsys, *argv):
    code = main(["--db", database.url, *argv, "--json"])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if code == 0 else captured.err)


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_household_add_show_and_the_indication_life_cycle(
    ctx, database, accounts, tmp_path, capsys
):
    add_provider(ctx)
    accounts("c.jansen")
    household = {
        "naam": "Familie Jansen",
        "gemeente": "Zeist",
        "wijk": "Centrum",
        "straat": "Dorpsstraat",
        "huisnummer": "1",
        "postcode": "3701 AA",
        "leden": [
            {
                "rol": "ouder",
                "voornaam": "Anna",
                "achternaam": "Jansen",
                "geboortedatum": "1985-01-01",
                "bsn": make_bsn(),
                "gezag": True,
            },
            {
                "rol": "jeugdige",
                "voornaam": "Sem",
                "achternaam": "Jansen",
                "geboortedatum": "2015-03-01",
                "bsn": make_bsn(),
            },
        ],
    }
    code, added = run(database, capsys, "households", "add", write(tmp_path, "h.json", household))
    assert code == 0, added
    child = next(m for m in added["members"] if m["role"] == "jeugdige")
    code, shown = run(database, capsys, "households", "show", added["dossier_number"])
    assert code == 0 and shown["id"] == added["id"]

    proposal = {
        "person_id": child["id"],
        "segment": "ambulant",
        "productcode": "45Z01",
        "aanbieder_agb": "12345678",
        "perspectief": "ontwikkeling",
        "start": "2027-01-15",
        "eind": "2027-12-31",
        "volume": "2",
        "eenheid": "uur",
        "frequentie": "week",
        "verzoek_door": "huisarts",
        "verwijsdatum": "2027-01-02",
        "identiteit": "christelijk",
        "keuze_gezin": True,
        "motivering": {"TERM_DEVELOPMENT_EXCEEDED": "Traumabehandeling duurt 11 maanden."},
    }
    code, saved = run(database, capsys, "indications", "save", write(tmp_path, "p.json", proposal))
    assert code == 0, saved
    assert saved["status"] == "concept" and saved["identity_wish"] == "christelijk"
    assert saved["referral_date"] == "2027-01-02"
    code, submitted = run(database, capsys, "indications", "submit", saved["id"])
    assert code == 0 and submitted["status"] == "ingediend"
    code, err = run(database, capsys, "indications", "approve", saved["id"])
    assert code == 1 and "toestemming" in err
    accounts("t.bakker")
    code, back = run(database, capsys, "indications", "return", saved["id"], "--reason", "Korter")
    assert code == 0 and back["status"] == "concept"
    accounts("c.jansen")
    run(database, capsys, "indications", "submit", saved["id"])
    accounts("t.bakker")
    code, approved = run(database, capsys, "indications", "approve", saved["id"])
    assert code == 0 and approved["status"] == "goedgekeurd"
    accounts("c.jansen")
    code, issued = run(database, capsys, "indications", "issue", saved["id"])
    assert code == 0 and issued["allocation_number"]

    # "Wijzigen" at month 8.5 keeps the term: refused at submit without a new motivation
    changed = {**proposal, "start": "2027-09-30", "eind": "2028-06-29", "motivering": None}
    code, replaced = run(
        database, capsys, "indications", "replace", saved["id"], write(tmp_path, "r.json", changed)
    )
    assert code == 0 and replaced["term_start"] == "2027-01-15"
    assert "TERM_DEVELOPMENT_EXCEEDED" in [f["code"] for f in replaced["findings"]]
    code, err = run(database, capsys, "indications", "submit", replaced["id"])
    assert code == 1 and "9 maanden" in err

    code, ended = run(
        database, capsys, "indications", "end", replaced["id"], "--date", "2027-10-31"
    )
    assert code == 0 and ended["status"] == "beeindigd"
    evaluation = {"voortgang": {"naar school": "ja"}, "besluit": "afschalen", "toelichting": "Goed"}
    code, evaluated = run(
        database,
        capsys,
        "indications",
        "evaluate",
        saved["id"],
        write(tmp_path, "e.json", evaluation),
    )
    assert code == 0 and evaluated["decision"] == "afschalen"
    code, listed = run(database, capsys, "indications", "list", "--household", added["id"])
    assert code == 0 and len(listed) == 2


def test_bad_input_is_exit_1_with_a_dutch_message(ctx, database, accounts, tmp_path, capsys):
    accounts("c.jansen")
    code, err = run(database, capsys, "households", "add", write(tmp_path, "h.json", {"naam": ""}))
    assert code == 1 and "leden" in err and "naam" in err
    code, err = run(database, capsys, "indications", "submit", "geen-id")
    assert code == 1 and "geen geldig id" in err
    code, err = run(database, capsys, "indications", "end", "geen-id", "--date", "morgen")
    assert code == 1
