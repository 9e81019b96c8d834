"""Region profiles: the shipped TOML files, the schema rules and the Dutch error messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.regions import (
    SHARED_SEGMENT_IDS,
    WONEN_VORMEN,
    ProfileError,
    RegionProfile,
    load_all_profiles,
    load_profile,
    profiles_dir,
)

SLUGS = [
    "noord-veluwe",
    "twente",
    "zuid-holland-zuid",
    "zuid-kennemerland-ijmond",
    "zuidoost-utrecht",
]
MUNICIPALITIES = {
    "noord-veluwe": {"Elburg", "Ermelo", "Harderwijk", "Nunspeet", "Oldebroek", "Putten"},
    "zuid-kennemerland-ijmond": {
        "Beverwijk", "Heemskerk", "Velsen", "Bloemendaal", "Haarlem", "Heemstede", "Zandvoort",
    },
    "twente": {
        "Almelo", "Borne", "Dinkelland", "Enschede", "Haaksbergen", "Hellendoorn", "Hengelo",
        "Hof van Twente", "Losser", "Oldenzaal", "Rijssen-Holten", "Tubbergen", "Twenterand",
        "Wierden",
    },
    "zuidoost-utrecht": {"Bunnik", "De Bilt", "Utrechtse Heuvelrug", "Wijk bij Duurstede", "Zeist"},
    "zuid-holland-zuid": {
        "Alblasserdam", "Dordrecht", "Gorinchem", "Hardinxveld-Giessendam", "Hendrik-Ido-Ambacht",
        "Hoeksche Waard", "Molenlanden", "Papendrecht", "Sliedrecht", "Zwijndrecht",
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def profiles() -> dict[str, RegionProfile]:
    return load_all_profiles()


def broken_copy(tmp_path: Path, slug: str, old: str, new: str) -> Path:
    """Copy a shipped profile into tmp_path with one text replaced; returns the folder."""
    text = (profiles_dir() / f"{slug}.toml").read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {slug}.toml"
    (tmp_path / f"{slug}.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def error_for(tmp_path: Path, slug: str, old: str, new: str) -> ProfileError:
    folder = broken_copy(tmp_path, slug, old, new)
    with pytest.raises(ProfileError) as caught:
        load_profile(slug, folder)
    return caught.value


# -- the shipped profiles ------------------------------------------------------------------


def test_all_five_profiles_load_and_validate(profiles: dict[str, RegionProfile]) -> None:
    assert list(profiles) == SLUGS
    for slug, profile in profiles.items():
        assert profile.slug == slug
        assert profile.name and profile.description and profile.source.startswith("seed 00")


def test_each_region_lists_its_real_municipalities_with_four_digit_cbs_codes(
    profiles: dict[str, RegionProfile],
) -> None:
    for slug, names in MUNICIPALITIES.items():
        profile = profiles[slug]
        assert set(profile.municipality_names) == names
        for municipality in profile.municipalities:
            assert len(municipality.cbs_code) == 4 and municipality.cbs_code.isdigit()
            assert municipality.wijken, municipality.name
            assert municipality.name in municipality.verordening


def test_zuidoost_utrecht_gives_development_help_nine_months_tenzij() -> None:
    profile = load_profile("zuidoost-utrecht")
    assert profile.term_rules.development_max_months == 9
    assert profile.term_rules.development_tenzij is True
    assert profile.term_rules.stabilising_max_months > 9
    policies = profile.policies
    assert policies.preferred_providers_per_wijk and policies.group_offer_first
    assert policies.maatwerk_nee_tenzij


def test_every_region_has_the_shared_segments(profiles: dict[str, RegionProfile]) -> None:
    for profile in profiles.values():
        for segment_id in SHARED_SEGMENT_IDS:
            assert profile.has_segment(segment_id), (profile.slug, segment_id)


def test_twente_puts_crisis_and_consultatie_beside_the_pyramid() -> None:
    profile = load_profile("twente")
    assert profile.segment_ids == SHARED_SEGMENT_IDS
    assert [s.id for s in profile.segments if s.beside] == ["crisis", "consultatie-diagnostiek"]
    assert profile.policies.max_sessions_light_help is not None
    assert any(p.light_help and p.max_sessions is None for p in profile.products)


def test_segments_are_ordered_light_to_heavy(profiles: dict[str, RegionProfile]) -> None:
    for profile in profiles.values():
        orders = [segment.order for segment in profile.segments]
        assert orders == sorted(orders)
        assert profile.segment_rank("sociale-basis") == 0


def test_sociale_basis_needs_no_beschikking(profiles: dict[str, RegionProfile]) -> None:
    for profile in profiles.values():
        assert profile.segment("sociale-basis").needs_beschikking is False


def test_every_region_has_a_product_catalogue_with_all_three_wonen_vormen(
    profiles: dict[str, RegionProfile],
) -> None:
    for profile in profiles.values():
        assert 6 <= len(profile.products) <= 15, profile.slug
        vormen = {p.vorm for p in profile.products_in("wonen")}
        assert vormen == set(WONEN_VORMEN), profile.slug


def test_regional_policies_follow_the_seeds(profiles: dict[str, RegionProfile]) -> None:
    assert profiles["noord-veluwe"].policies.familiegroepsplan_required
    assert profiles["zuid-kennemerland-ijmond"].policies.strategic_partners
    assert profiles["zuid-holland-zuid"].policies.identity_choice
    for profile in profiles.values():
        assert profile.policies.budget_ceilings_block is False
        assert profile.settings.retention_years in range(15, 21)


def test_every_ijmond_and_kennemerland_municipality_has_a_strategic_hoofdaannemer() -> None:
    profile = load_profile("zuid-kennemerland-ijmond")
    for municipality in profile.municipalities:
        partners = profile.strategic_partners_for(municipality)
        assert partners[0].role == "hoofdaannemer", municipality.name
        assert all(p.agb.startswith("98") and len(p.agb) == 8 for p in partners)


def test_default_profiles_are_cached() -> None:
    assert load_profile("twente") is load_profile("twente")


# -- helpers on a profile -------------------------------------------------------------------


def test_municipality_lookup_by_name_ignores_case_and_spaces() -> None:
    profile = load_profile("noord-veluwe")
    found = profile.municipality("  harderwijk ")
    assert found is not None and found.cbs_code == "0243"
    assert profile.municipality("Amsterdam") is None


def test_municipality_lookup_by_cbs_code_with_or_without_gm_prefix() -> None:
    profile = load_profile("twente")
    assert profile.municipality("0153").name == "Enschede"  # type: ignore[union-attr]
    assert profile.municipality("GM1735").name == "Hof van Twente"  # type: ignore[union-attr]


def test_is_lighter_follows_the_pyramid_and_ignores_beside_segments() -> None:
    profile = load_profile("twente")
    assert profile.is_lighter("sociale-basis", "ambulant")
    assert profile.is_lighter("ambulant", "wonen")
    assert not profile.is_lighter("wonen", "verblijf")
    assert not profile.is_lighter("ambulant", "ambulant")
    assert not profile.is_lighter("ambulant", "crisis")
    assert not profile.is_lighter("crisis", "wonen")


def test_an_unknown_segment_is_a_dutch_profile_error() -> None:
    profile = load_profile("twente")
    with pytest.raises(ProfileError, match="Segment 'jeugdzorgplus' bestaat niet in regio Twente"):
        profile.segment("jeugdzorgplus")
    assert not profile.has_segment("jeugdzorgplus")


def test_product_lookup_by_code_and_beschikking_need() -> None:
    profile = load_profile("twente")
    consultatie = profile.product("45k01")
    assert consultatie is not None and consultatie.segment == "consultatie-diagnostiek"
    assert profile.product_needs_beschikking(consultatie) is False
    assert profile.product_needs_beschikking(profile.product("45J01")) is True  # type: ignore[arg-type]
    assert profile.product("99X99") is None


def test_team_name_falls_back_to_the_region_default() -> None:
    profile = load_profile("zuid-holland-zuid")
    sliedrecht, dordrecht = profile.municipality("Sliedrecht"), profile.municipality("Dordrecht")
    assert sliedrecht is not None and dordrecht is not None
    assert profile.team_name_for(sliedrecht) == "Sociaal Team Sliedrecht"
    assert profile.team_name_for(dordrecht) == "Jeugdteam"


def test_profiles_are_frozen() -> None:
    profile = load_profile("twente")
    with pytest.raises(ValidationError):
        profile.name = "Anders"  # type: ignore[misc]


# -- broken profiles: file, field and reason in Dutch ------------------------------------


def test_a_wrong_type_names_file_field_and_reason(tmp_path: Path) -> None:
    error = error_for(
        tmp_path, "twente", "development_max_months = 12", 'development_max_months = "negen"'
    )
    assert isinstance(error, JeugdtoegangError)
    assert error.message == (
        "Regioprofiel twente.toml: veld 'term_rules.development_max_months': "
        "waarde moet een geheel getal zijn (gekregen: 'negen')"
    )
    assert error.file == "twente.toml"
    assert [p.field for p in error.problems] == ["term_rules.development_max_months"]


def test_a_product_in_an_unknown_segment_is_named_by_its_code(tmp_path: Path) -> None:
    error = error_for(tmp_path, "twente", 'segment = "crisis"', 'segment = "spoed"')
    assert (
        "Regioprofiel twente.toml: veld 'products[10].segment' (product '46C01')" in error.message
    )
    assert "verwijst naar onbekend segment 'spoed'" in error.message


def test_a_missing_field_is_reported(tmp_path: Path) -> None:
    error = error_for(tmp_path, "noord-veluwe", 'team_name_default = "CJG"', "")
    assert error.message == (
        "Regioprofiel noord-veluwe.toml: veld 'team_name_default': verplicht veld ontbreekt"
    )


def test_a_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "twente", "phase_out_months = 3", "phase_out_months 3")
    line = next(
        number
        for number, text in enumerate((folder / "twente.toml").read_text("utf-8").splitlines(), 1)
        if text.startswith("phase_out_months 3")
    )
    with pytest.raises(ProfileError) as caught:
        load_profile("twente", folder)
    assert caught.value.message.startswith(
        f"Regioprofiel twente.toml: TOML-syntaxfout op regel {line}, kolom"
    )
    assert "'='" in caught.value.message


def test_a_retention_term_outside_15_to_20_years_is_refused(tmp_path: Path) -> None:
    error = error_for(tmp_path, "zuidoost-utrecht", "retention_years = 20", "retention_years = 30")
    assert "Regioprofiel zuidoost-utrecht.toml: veld 'settings.retention_years'" in error.message
    assert "tussen 15 en 20 jaar" in error.message and "(gekregen: 30)" in error.message


def test_unsorted_segments_are_refused(tmp_path: Path) -> None:
    error = error_for(tmp_path, "twente", "order = 20", "order = 50")
    assert "veld 'segments[2].order' (segment 'verblijf')" in error.message
    assert "oplopende 'order' staan: 'verblijf' (30) staat na 'ambulant' (50)" in error.message


def test_a_typo_in_a_field_name_is_an_unknown_field(tmp_path: Path) -> None:
    error = error_for(tmp_path, "twente", "group_offer_first", "groep_offer_first")
    assert "veld 'policies.groep_offer_first': onbekend veld" in error.message
    assert "veld 'policies.group_offer_first': verplicht veld ontbreekt" in error.message


def test_all_problems_are_reported_one_per_line(tmp_path: Path) -> None:
    text = (profiles_dir() / "twente.toml").read_text("utf-8")
    text = text.replace('cbs_code = "0141"', 'cbs_code = "141"').replace(
        'unit = "uur"', 'unit = "kwartier"'
    )
    (tmp_path / "twente.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile("twente", tmp_path)
    lines = caught.value.message.splitlines()
    assert all(line.startswith("Regioprofiel twente.toml: veld '") for line in lines)
    assert any("municipalities[0].cbs_code' (gemeente 'Almelo')" in line for line in lines)
    assert any("'stuks-inspanning' of 'euro' zijn (gekregen: 'kwartier')" in line for line in lines)
    assert len(lines) == len(caught.value.problems) >= 3


def test_a_vorm_outside_wonen_and_a_wonen_product_without_vorm_are_refused(
    tmp_path: Path,
) -> None:
    error = error_for(tmp_path, "noord-veluwe", 'vorm = "pleegzorg"', "")
    assert "veld 'products[7].vorm' (product '44P01')" in error.message
    assert "heeft een vorm nodig" in error.message


def test_partners_without_the_strategic_partner_policy_are_refused(tmp_path: Path) -> None:
    error = error_for(
        tmp_path,
        "zuid-kennemerland-ijmond",
        "strategic_partners = true",
        "strategic_partners = false",
    )
    assert "policies.strategic_partners is false" in error.message


def test_a_budget_ceiling_may_never_block_help(tmp_path: Path) -> None:
    error = error_for(
        tmp_path,
        "zuid-holland-zuid",
        "budget_ceilings_block = false",
        "budget_ceilings_block = true",
    )
    assert "veld 'policies.budget_ceilings_block'" in error.message
    assert "nooit nodige hulp blokkeren" in error.message


def test_an_unknown_slug_lists_the_available_regions() -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile("amsterdam")
    assert caught.value.message == f"Onbekende regio 'amsterdam'. Beschikbaar: {', '.join(SLUGS)}"


def test_a_slug_cannot_reach_outside_the_profile_folder(tmp_path: Path) -> None:
    shutil.copy(profiles_dir() / "twente.toml", tmp_path / "twente.toml")
    (tmp_path / "sub").mkdir()
    with pytest.raises(
        ProfileError, match=r"Onbekende regio '\.\./twente'\. Beschikbaar: \(geen\)"
    ):
        load_profile("../twente", tmp_path / "sub")


def test_load_all_profiles_reports_the_broken_file_among_good_ones(tmp_path: Path) -> None:
    shutil.copy(profiles_dir() / "twente.toml", tmp_path / "twente.toml")
    broken_copy(tmp_path, "noord-veluwe", "retention_years = 20", "retention_years = 12")
    with pytest.raises(ProfileError) as caught:
        load_all_profiles(tmp_path)
    assert caught.value.message.startswith("Regioprofiel noord-veluwe.toml: veld 'settings.")
    assert "twente.toml" not in caught.value.message


def test_load_all_profiles_from_another_folder_is_sorted_by_slug(tmp_path: Path) -> None:
    for slug in ("zuidoost-utrecht", "twente"):
        shutil.copy(profiles_dir() / f"{slug}.toml", tmp_path / f"{slug}.toml")
    assert list(load_all_profiles(tmp_path)) == ["twente", "zuidoost-utrecht"]


def test_product_and_segment_lookups_answer_as_a_scan_and_follow_a_copy() -> None:
    """``product`` and ``segment_rank`` read lookups built once per profile; a copy with
    other products or segments (``model_copy(update=…)``) builds its own."""
    profile = load_profile("zuidoost-utrecht")
    for product in profile.products:
        assert profile.product(f" {product.code.lower()} ") is next(
            p for p in profile.products if p.code == product.code
        )
    assert profile.product("GEEN-CODE") is None
    for rank, segment in enumerate(profile.segments):
        assert profile.segment_rank(segment.id) == rank
    with pytest.raises(ProfileError, match="bestaat niet in regio"):
        profile.segment_rank("geen-segment")
    first, *rest = profile.products
    fewer = profile.model_copy(update={"products": tuple(rest), "segments": profile.segments[::-1]})
    assert fewer.product(first.code) is None
    assert profile.product(first.code) is first
    assert fewer.segment_rank(profile.segments[0].id) == len(profile.segments) - 1
    assert fewer == fewer.model_copy() and profile != fewer
