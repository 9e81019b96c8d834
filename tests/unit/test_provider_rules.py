"""Provider selection rules, choice findings and catalogue row parsing (pure, no database)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from jeugdtoegang.domain.catalogue_rows import parse_catalogue, parse_date, parse_decimal
from jeugdtoegang.domain.dutch import money
from jeugdtoegang.domain.findings import (
    Finding,
    Severity,
    apply_motivation,
    blocking,
    requires_approval,
)
from jeugdtoegang.domain.providers import (
    ChoiceFacts,
    ContractFacts,
    Exclusion,
    FreeAccessFacts,
    MaatwerkProvider,
    Need,
    RankingPolicy,
    choice_findings,
    exclusions,
    validate_agb,
)
from jeugdtoegang.domain.selection import select_providers
from jeugdtoegang.errors import ValidationError
from jeugdtoegang.regions import load_profile

START = date(2027, 1, 4)
NEED = Need("ambulant", "45Z01", "Zeist", START, wijk="Centrum")
POLICY = RankingPolicy(group_offer_first=True, product_name="Jeugdhulp activerend")
HEADER = (
    "agb;naam;segment;productcode;productnaam;vorm;thema;eenheid;tarief;gemeenten;"
    "preferent_wijken;groepsaanbod;identiteit;geldig_van;geldig_tot;status;budget_jaar;"
    "wachttijd_weken"
)


def contract(agb: str = "12345678", naam: str | None = None, **changes: object) -> ContractFacts:
    values: dict[str, object] = {
        "contract_id": uuid.uuid4(),
        "provider_id": uuid.UUID(int=int(agb)),
        "agb": agb,
        "naam": naam or f"Aanbieder {agb}",
        "identity": None,
        "segment": "ambulant",
        "product_code": "45Z01",
        "unit": "uur",
        "tariff": Decimal("80.00"),
        "valid_from": date(2026, 1, 1),
        "valid_to": date(2029, 12, 31),
        "municipalities": "*",
        "preferred_wijken": "",
        "themes": "",
        "group_offer": False,
        "waiting_weeks": 4,
        "budget_year": None,
        "status": "actief",
    }
    values.update(changes)
    return ContractFacts(**values)  # type: ignore[arg-type]


def agbs(result: object) -> list[str]:
    return [p.agb for p in result.eligible]  # type: ignore[attr-defined]


# -- findings ---------------------------------------------------------------------------------


def test_an_approval_finding_without_motivation_becomes_an_error() -> None:
    findings = [
        Finding("X", Severity.APPROVAL, "Uitzondering."),
        Finding("Y", Severity.WARNING, "Signaal."),
    ]
    result = apply_motivation(findings, "  ")
    assert [f.severity for f in result] == [Severity.ERROR, Severity.WARNING]
    assert blocking(result)[0].code == "X"
    assert "motivering" in result[0].message
    motivated = apply_motivation(findings, "Omdat het gezin dit nodig heeft.")
    assert requires_approval(motivated) and not blocking(motivated)


def test_an_agb_code_has_eight_digits() -> None:
    assert validate_agb(" 12345678 ") == "12345678"
    for bad in ("1234567", "123456789", "1234567a", "１２３４５６７８", ""):
        with pytest.raises(ValidationError):
            validate_agb(bad)


def test_money_is_shown_in_dutch_notation() -> None:
    assert money(Decimal("1234.5")) == "€ 1.234,50"
    assert money(Decimal("-20")) == "-€ 20,00"


# -- exclusion reasons ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"segment": "verblijf", "product_code": "43Z01"}, Exclusion.NOT_CONTRACTED_SEGMENT),
        ({"product_code": "45Z02"}, Exclusion.NOT_CONTRACTED_PRODUCT),
        ({"valid_from": date(2027, 2, 1)}, Exclusion.NOT_YET_VALID),
        ({"valid_to": date(2026, 12, 31)}, Exclusion.EXPIRED),
        ({"municipalities": "Bunnik|De Bilt"}, Exclusion.MUNICIPALITY_NOT_SERVED),
        ({"status": "clientenstop"}, Exclusion.CLIENTENSTOP),
        ({"status": "geschorst"}, Exclusion.GESCHORST),
    ],
)
def test_every_exclusion_reason_is_found(changes: dict[str, object], code: Exclusion) -> None:
    assert exclusions(contract(**changes), NEED, "Zeist") == [code]


def test_a_fitting_contract_has_no_exclusions() -> None:
    assert exclusions(contract(municipalities="Zeist|Bunnik"), NEED, "Zeist") == []
    assert exclusions(contract(valid_to=START, valid_from=START), NEED, "Zeist") == []


def test_excluded_providers_are_listed_with_all_their_reasons_in_dutch() -> None:
    candidates = [
        contract("11111111", valid_to=date(2026, 6, 30), municipalities="Bunnik"),
        contract("22222222", status="geschorst"),
        contract("33333333", status="clientenstop"),
        contract("44444444", valid_from=date(2027, 3, 1)),
    ]
    result = select_providers(candidates, NEED, "Zeist", POLICY, {})
    assert result.eligible == []
    by_agb = {p.agb: p for p in result.excluded}
    assert by_agb["11111111"].codes == ("EXPIRED", "MUNICIPALITY_NOT_SERVED")
    assert by_agb["11111111"].reasons == (
        "Het contract liep af op 30-06-2026.",
        "Werkt niet in de gemeente Zeist.",
    )
    assert "Geschorst" in by_agb["22222222"].reasons[0]
    assert "Cliëntenstop" in by_agb["33333333"].reasons[0]
    assert by_agb["44444444"].reasons == ("Het contract geldt pas vanaf 01-03-2027.",)


def test_a_provider_with_one_fitting_contract_is_eligible_once_and_not_excluded() -> None:
    old = contract("11111111", valid_to=date(2026, 12, 31))
    current = contract("11111111", valid_from=date(2027, 1, 1), waiting_weeks=2)
    result = select_providers([old, current], NEED, "Zeist", POLICY, {})
    assert agbs(result) == ["11111111"]
    assert result.eligible[0].contract_id == current.contract_id
    assert result.excluded == []
    assert (
        result.eligible[0]
        .reasons[0]
        .startswith("Gecontracteerd voor Jeugdhulp activerend (45Z01), geldig op 04-01-2027")
    )


# -- ranking ----------------------------------------------------------------------------------


def test_group_offers_come_first_only_where_the_region_says_groepsaanbod_tenzij() -> None:
    individual = contract("11111111", waiting_weeks=0)
    group = contract("22222222", group_offer=True, waiting_weeks=8)
    assert agbs(select_providers([individual, group], NEED, "Zeist", POLICY, {})) == [
        "22222222",
        "11111111",
    ]
    no_policy = RankingPolicy(group_offer_first=False)
    assert agbs(select_providers([individual, group], NEED, "Zeist", no_policy, {})) == [
        "11111111",
        "22222222",
    ]


def test_a_provider_preferent_in_the_wijk_comes_before_a_shorter_waiting_time() -> None:
    fast = contract("11111111", waiting_weeks=0)
    preferent = contract("22222222", preferred_wijken="Centrum|Zeist-West", waiting_weeks=6)
    result = select_providers([fast, preferent], NEED, "Zeist", POLICY, {})
    assert agbs(result) == ["22222222", "11111111"]
    assert "Preferente aanbieder in wijk Centrum." in result.eligible[0].reasons


def test_the_strategic_partner_of_the_area_comes_before_identity_and_waiting_time() -> None:
    policy = RankingPolicy(
        group_offer_first=False,
        strategic_partners={"33333333": "hoofdaannemer", "22222222": "onderaannemer"},
        area="IJmond",
    )
    other = contract("11111111", waiting_weeks=0, identity="christelijk")
    sub = contract("22222222", waiting_weeks=5)
    main = contract("33333333", waiting_weeks=9)
    need = Need("ambulant", "45Z01", "Zeist", START, identity="Christelijk")
    result = select_providers([other, sub, main], need, "Zeist", policy, {})
    assert agbs(result) == ["33333333", "22222222", "11111111"]
    assert "Strategische partner (hoofdaannemer) voor gebied IJmond." in result.eligible[0].reasons


def test_identity_match_then_theme_then_waiting_time_then_budget_headroom() -> None:
    need = Need("ambulant", "45Z01", "Zeist", START, theme="pubers", identity="christelijk")
    plain = contract("11111111", waiting_weeks=0)
    themed = contract("22222222", themes="druk gedrag|Pubers", waiting_weeks=3)
    christian = contract("33333333", identity="christelijk", waiting_weeks=7)
    rich = contract("44444444", waiting_weeks=0, budget_year=Decimal("100000"))
    poor = contract("55555555", waiting_weeks=0, budget_year=Decimal("100000"))
    committed = {poor.provider_id: Decimal("90000"), rich.provider_id: Decimal("10000")}
    result = select_providers(
        [plain, themed, christian, rich, poor], need, "Zeist", POLICY, committed
    )
    assert agbs(result) == ["33333333", "22222222", "44444444", "55555555", "11111111"]
    assert "Identiteit past bij de wens: christelijk." in result.eligible[0].reasons
    assert "Werkt met thema 'pubers'." in result.eligible[1].reasons
    assert "Budgetruimte € 40.000,00." in result.eligible[2].reasons
    assert [p.rank for p in result.eligible] == [1, 2, 3, 4, 5]


def test_free_access_provisions_of_the_municipality_are_listed_group_first() -> None:
    provisions = [
        FreeAccessFacts(uuid.uuid4(), "Zeist", "Maatje", ("opvoeden",), False),
        FreeAccessFacts(uuid.uuid4(), "Zeist", "Pubergroep", ("pubers",), True),
        FreeAccessFacts(uuid.uuid4(), "Bunnik", "Elders", (), True),
    ]
    result = select_providers([], NEED, "Zeist", POLICY, {}, provisions)
    assert [v.naam for v in result.voorliggend] == ["Pubergroep", "Maatje"]
    themed = Need("ambulant", "45Z01", "Zeist", START, theme="pubers")
    assert [
        v.naam for v in select_providers([], themed, "Zeist", POLICY, {}, provisions).voorliggend
    ] == ["Pubergroep"]


def test_the_json_shape_is_eligible_excluded_voorliggend_in_rank_order() -> None:
    data = select_providers(
        [contract("11111111"), contract("22222222", status="geschorst")], NEED, "Zeist", POLICY, {}
    ).to_json()
    assert set(data) == {"eligible", "excluded", "voorliggend"}
    assert set(data["eligible"][0]) == {"agb", "naam", "rank", "reasons"}
    assert set(data["excluded"][0]) == {"agb", "naam", "reasons"}


# -- the choice: maatwerk, group first, wonen order, budget -----------------------------------


def facts(**changes: object) -> ChoiceFacts:
    return ChoiceFacts(group_first_policy=True, **changes)  # type: ignore[arg-type]


def codes(findings: list[Finding]) -> dict[str, Severity]:
    return {f.code: f.severity for f in findings}


def test_maatwerk_needs_a_written_motivation_and_team_lead_approval() -> None:
    maatwerk = MaatwerkProvider("Praktijk Buiten de Lijn", agb="87654321")
    without = choice_findings(
        facts(),
        NEED,
        provider_chosen=False,
        maatwerk=maatwerk,
        motivation="",
        wonen_motivation=None,
    )
    assert codes(without) == {"PROVIDER_NOT_ELIGIBLE": Severity.ERROR}
    with_motivation = choice_findings(
        facts(),
        NEED,
        provider_chosen=False,
        maatwerk=maatwerk,
        motivation="Alleen deze praktijk spreekt Tigrinya.",
        wonen_motivation=None,
    )
    assert codes(with_motivation) == {"PROVIDER_NOT_ELIGIBLE": Severity.APPROVAL}
    bad = MaatwerkProvider("", agb="123")
    assert {"MAATWERK_NAME_MISSING", "MAATWERK_AGB_INVALID"} <= set(
        codes(
            choice_findings(
                facts(),
                NEED,
                provider_chosen=False,
                maatwerk=bad,
                motivation="x",
                wonen_motivation=None,
            )
        )
    )


def test_a_provider_that_is_not_eligible_is_a_maatwerk_exception() -> None:
    found = choice_findings(
        facts(chosen_name="De Brug", chosen_exclusions=("Werkt niet in de gemeente Zeist.",)),
        NEED,
        provider_chosen=True,
        maatwerk=None,
        motivation=None,
        wonen_motivation=None,
    )
    assert codes(found) == {"PROVIDER_NOT_ELIGIBLE": Severity.ERROR}
    assert "Werkt niet in de gemeente Zeist." in found[0].message


def test_a_provider_in_clientenstop_or_geschorst_cannot_be_chosen_even_with_motivation() -> None:
    for status in ("clientenstop", "geschorst"):
        found = choice_findings(
            facts(chosen_name="De Brug", chosen_sanction=status),
            NEED,
            provider_chosen=True,
            maatwerk=None,
            motivation="Toch graag.",
            wonen_motivation=None,
        )
        assert codes(found) == {"PROVIDER_SUSPENDED": Severity.ERROR}


def test_choosing_individual_help_while_a_group_offer_exists_needs_approval() -> None:
    chosen = contract("11111111")
    found = choice_findings(
        facts(chosen=chosen, group_offers=("Pubergroep",)),
        NEED,
        provider_chosen=True,
        maatwerk=None,
        motivation="Het kind kan niet in een groep functioneren.",
        wonen_motivation=None,
    )
    assert codes(found) == {"GROUP_OFFER_FIRST": Severity.APPROVAL}
    group = contract("22222222", group_offer=True)
    assert (
        choice_findings(
            facts(chosen=group, group_offers=("Pubergroep",)),
            NEED,
            provider_chosen=True,
            maatwerk=None,
            motivation=None,
            wonen_motivation=None,
        )
        == []
    )


def test_wonen_gezinshuis_or_specialistisch_wonen_records_why_the_lighter_form_does_not_fit() -> (
    None
):
    need = Need("wonen", "44Z03", "Zeist", START)
    chosen = contract("11111111", segment="wonen", product_code="44Z03")
    for vorm, lighter in (("gezinshuis", "pleegzorg"), ("specialistisch-wonen", "een gezinshuis")):
        without = choice_findings(
            facts(chosen=chosen, vorm=vorm),
            need,
            provider_chosen=True,
            maatwerk=None,
            motivation=None,
            wonen_motivation=None,
        )
        assert codes(without) == {"WONEN_ORDER": Severity.ERROR}
        assert lighter in without[0].message
        assert without[0].field == "wonen_motivation"
        motivated = choice_findings(
            facts(chosen=chosen, vorm=vorm),
            need,
            provider_chosen=True,
            maatwerk=None,
            motivation=None,
            wonen_motivation="Hechtingsproblematiek; een pleeggezin lukte niet.",
        )
        assert codes(motivated) == {"WONEN_ORDER": Severity.APPROVAL}
    pleegzorg = choice_findings(
        facts(chosen=chosen, vorm="pleegzorg"),
        need,
        provider_chosen=True,
        maatwerk=None,
        motivation=None,
        wonen_motivation=None,
    )
    assert pleegzorg == []


def test_passing_the_budget_is_a_warning_and_never_blocks() -> None:
    """One figure: commitments in the half year against half the year budget."""
    chosen = contract("11111111")
    need = Need("ambulant", "45Z01", "Zeist", START, expected_cost=Decimal("30000"))

    def found(committed: str) -> list:
        return choice_findings(
            facts(chosen=chosen, budget=Decimal("100000"), committed=Decimal(committed)),
            need,
            provider_chosen=True,
            maatwerk=None,
            motivation=None,
            wonen_motivation=None,
        )

    over = found("30000")  # 30.000 + 30.000 > 50.000
    assert codes(over) == {"BUDGET_SIGNAL": Severity.WARNING}
    assert "halfjaarbudget van € 50.000,00" in over[0].message and not blocking(over)
    assert found("10000") == []


def test_no_provider_and_no_maatwerk_is_an_error() -> None:
    found = choice_findings(
        facts(), NEED, provider_chosen=False, maatwerk=None, motivation=None, wonen_motivation=None
    )
    assert codes(found) == {"PROVIDER_REQUIRED": Severity.ERROR}


# -- catalogue rows: dialects and validation --------------------------------------------------

PROFILE = load_profile("zuidoost-utrecht")
ROW = "98000001;De Brug;ambulant;45Z01;;;pubers;uur;82,50;Zeist|De Bilt;Centrum;nee;;01-01-2027;2029-12-31;actief;1.250.000,00;3"


def test_semicolon_csv_with_bom_and_decimal_comma_is_read_exactly() -> None:
    data = ("\ufeff" + HEADER + "\r\n" + ROW + "\r\n\r\n").encode("utf-8")
    parsed = parse_catalogue(data, PROFILE)
    assert parsed.errors == []
    row = parsed.contracts[0]
    assert row.tariff == Decimal("82.50") and isinstance(row.tariff, Decimal)
    assert row.budget_year == Decimal("1250000.00")
    assert row.valid_from == date(2027, 1, 1) and row.valid_to == date(2029, 12, 31)
    assert row.municipalities == "Zeist|De Bilt"
    assert row.preferred_wijken == "Centrum"
    assert row.product_name == "Jeugdhulp activerend"  # from the region profile


def test_comma_separated_csv_with_decimal_point_is_read_the_same() -> None:
    header = HEADER.replace(";", ",")
    row = '98000001,De Brug,ambulant,45Z01,,,pubers,uur,82.50,"Zeist|De Bilt",Centrum,nee,,2027-01-01,31-12-2029,actief,1250000.00,3'
    parsed = parse_catalogue(f"{header}\n{row}\n".encode(), PROFILE)
    assert parsed.errors == []
    assert parsed.contracts[0].tariff == Decimal("82.50")
    assert parsed.contracts[0].valid_to == date(2029, 12, 31)


def test_windows_1252_files_from_excel_are_read() -> None:
    data = (HEADER + "\n" + ROW.replace("De Brug", "Coöperatie Brug") + "\n").encode("cp1252")
    assert parse_catalogue(data, PROFILE).contracts[0].naam == "Coöperatie Brug"


def test_json_catalogues_are_read_with_exact_decimals() -> None:
    data = b'[{"agb": "98000001", "naam": "De Brug", "segment": "ambulant", "productcode": "45Z01", "tarief": 82.5, "gemeenten": ["Zeist"], "groepsaanbod": true, "geldig_van": "2027-01-01"}]'
    parsed = parse_catalogue(data, PROFILE)
    assert parsed.errors == []
    assert parsed.contracts[0].tariff == Decimal("82.5") and parsed.contracts[0].group_offer


def test_values_are_parsed_in_dutch_and_iso_notation() -> None:
    assert parse_decimal("1.234,56") == Decimal("1234.56")
    assert parse_decimal("€ 85,-") == Decimal("85")
    assert parse_decimal("1,234.56") == Decimal("1234.56")
    assert parse_decimal("12a") is None


def test_an_amount_like_250_000_is_refused_as_ambiguous() -> None:
    row = ROW.replace("1.250.000,00", "250.000")
    parsed = parse_catalogue(f"{HEADER}\n{row}\n".encode(), PROFILE)
    assert [(e.field, e.row) for e in parsed.errors] == [("budget_jaar", 2)]
    assert "onduidelijk" in parsed.errors[0].message
    assert parse_date("31-01-2027") == date(2027, 1, 31)
    assert parse_date("2027-01-31") == date(2027, 1, 31)
    assert parse_date("31-02-2027") is None


def test_every_error_is_reported_with_row_and_column() -> None:
    rows = [
        ROW,
        "1234;Fout BV;onbekend;45Z01;;;;uur;abc;Utrecht;;misschien;;2027-13-01;;gesloten;;veel",
        "98000002;Later;ambulant;45Z01;;;;uur;10;*;;nee;;2027-06-01;2027-01-01;actief;;",
        "98000001;Andere Naam;ambulant;45Z01;;;;uur;10;*;;nee;;01-01-2027;;actief;;",
        ";Opvoedspreekuur;sociale-basis;;;;opvoeden;;;Zeist;;ja;;;;;;",
    ]
    parsed = parse_catalogue(("\n".join([HEADER, *rows]) + "\n").encode(), PROFILE)
    found = {(e.row, e.field) for e in parsed.errors}
    assert {
        (3, "agb"),
        (3, "segment"),
        (3, "tarief"),
        (3, "gemeenten"),
        (3, "groepsaanbod"),
        (3, "geldig_van"),
        (3, "status"),
        (3, "wachttijd_weken"),
        (4, "geldig_tot"),
        (5, "naam"),
        (5, "geldig_van"),
    } <= found
    assert all(e.message for e in parsed.errors)
    assert len(parsed.contracts) == 1 and len(parsed.provisions) == 1
    assert parsed.invalid_rows == [3, 4, 5]


def test_a_file_without_the_required_columns_is_refused_as_a_whole() -> None:
    parsed = parse_catalogue(b"naam,agb\nDe Brug,12345678\n", PROFILE)
    assert parsed.unreadable
    assert {e.field for e in parsed.errors} >= {"segment", "gemeenten"}


def test_wonen_rows_must_match_the_products_form() -> None:
    row = "98000001;Gezinshuis Oak;wonen;44Z03;;pleegzorg;;etmaal;120;*;;nee;;2027-01-01;;actief;;"
    parsed = parse_catalogue(f"{HEADER}\n{row}\n".encode(), PROFILE)
    assert [(e.field, e.row) for e in parsed.errors] == [("vorm", 2)]


def test_repeated_cell_values_are_judged_the_same_on_every_row() -> None:
    """Municipality and wijk lookups are remembered per file: each row still gets its own
    result and its own errors."""
    rows = [
        ROW,
        ROW.replace("98000001;De Brug", "98000002;De Wending"),
        ROW.replace("98000001;De Brug", "98000003;Atlas").replace("Zeist|De Bilt", "Atlantis"),
        ROW.replace("98000001;De Brug", "98000004;Baken").replace("Zeist|De Bilt", "Atlantis"),
        ROW.replace("98000001;De Brug", "98000005;Kompas").replace(";Centrum;", ";Nergens;"),
        ROW.replace("98000001;De Brug", "98000006;Anker").replace(";Centrum;", ";Nergens;"),
    ]
    parsed = parse_catalogue(("\n".join([HEADER, *rows]) + "\n").encode(), PROFILE)
    assert [(c.agb, c.municipalities, c.preferred_wijken) for c in parsed.contracts] == [
        ("98000001", "Zeist|De Bilt", "Centrum"),
        ("98000002", "Zeist|De Bilt", "Centrum"),
    ]
    by_row = {(e.row, e.field): e.message for e in parsed.errors}
    assert sorted(by_row) == [  # an unknown municipality also leaves its wijk unknown
        (4, "gemeenten"),
        (4, "preferent_wijken"),
        (5, "gemeenten"),
        (5, "preferent_wijken"),
        (6, "preferent_wijken"),
        (7, "preferent_wijken"),
    ]
    assert by_row[(4, "gemeenten")] == by_row[(5, "gemeenten")]
    assert by_row[(6, "preferent_wijken")] == by_row[(7, "preferent_wijken")]
    assert "Onbekende gemeente 'Atlantis'" in by_row[(4, "gemeenten")]
    assert "Wijk 'Nergens'" in by_row[(7, "preferent_wijken")]
