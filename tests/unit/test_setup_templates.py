"""The shipped region templates say where every value comes from (issue 13).

Everything the seeds do not state is ``voorlopig``; what they do state cites its seed
section, and the seed really says it. Legal basis and bezwaar route are never taken from a
seed, so they are voorlopig in every template.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jeugdtoegang.domain.provenance import (
    Provenance,
    Source,
    bezwaar_path,
    legal_basis_problems,
    lookup,
)
from jeugdtoegang.regions import available_slugs
from jeugdtoegang.regions.setup_document import template_document, template_provenance

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"  # beside the checkout
LAW_TITLES = ("Jeugdwet", "Algemene wet bestuursrecht")


@pytest.mark.parametrize("slug", available_slugs())
def test_every_value_of_a_shipped_template_has_a_status_and_invented_ones_are_provisional(
    slug: str,
) -> None:
    document = template_document(slug)
    assert "*" in template_provenance(slug), "a template needs a fallback entry"
    for path, _value in document.leaves():
        entry = document.status(path)
        assert entry.status in ("vastgesteld", "voorlopig"), path
        if entry.status == "vastgesteld":
            source = entry.source
            assert source.seed or (source.title or "").startswith(LAW_TITLES), (
                f"{slug}: {path} is vastgesteld without a seed section or law"
            )
    letters = document.to_json()["letters"]
    for name in document.profile.municipality_names:
        assert document.status(f"profile.municipalities.{name}.verordening").provisional
        assert document.status(bezwaar_path(letters, name)).provisional
        assert legal_basis_problems(document.provenance, letters, name)
    for invented in ("stabilising_max_months", "phase_out_months"):
        assert document.status(f"profile.term_rules.{invented}").provisional, (slug, invented)


@pytest.mark.parametrize("slug", available_slugs())
def test_a_seed_section_cited_by_a_template_exists_in_that_seed(slug: str) -> None:
    if not SEEDS.is_dir():
        pytest.skip("seeds not available")
    for path, entry in template_provenance(slug).items():
        if not entry.source.seed:
            continue
        number, _, section = entry.source.seed.partition(" ")
        seed = next(SEEDS.glob(f"{number}_*.txt")).read_text(encoding="utf-8").lower()
        if section.startswith("("):  # a phrase the seed uses: "(strategische partners)"
            markers = [section.strip("()").lower()]
        elif section[-1:].isalpha():  # "§3b": chapter 3, item b
            markers = [f"{section.strip('§')[:-1]}. ", f"{section[-1]}. "]
        else:  # "§5.4": a numbered section
            markers = [section.strip("§")]
        for marker in markers:
            assert marker in seed, f"{slug}: {path} cites {entry.source.seed}"


def test_the_nine_month_term_of_zuidoost_utrecht_cites_seed_003_section_5_4() -> None:
    document = template_document("zuidoost-utrecht")
    entry = document.status("profile.term_rules.development_max_months")
    assert entry.status == "vastgesteld" and entry.source.seed == "003 §5.4"
    assert document.profile.term_rules.development_max_months == 9
    if SEEDS.is_dir():
        seed = next(SEEDS.glob("003_*.txt")).read_text(encoding="utf-8")
        assert "naar 9 maanden tenzij" in seed
    for slug in set(available_slugs()) - {"zuidoost-utrecht"}:
        assert (
            template_document(slug).status("profile.term_rules.development_max_months").provisional
        )


def test_the_longest_matching_path_decides_and_a_settled_value_needs_a_source() -> None:
    settled = Provenance(status="vastgesteld", source=Source(title="Verordening X", article="7"))
    provenance = {
        "*": Provenance(status="voorlopig"),
        "profile.municipalities.Zeist.verordening": settled,
    }
    assert lookup(provenance, "profile.municipalities.Zeist.verordening") is settled
    assert lookup(provenance, "profile.municipalities.Bunnik.verordening").provisional
    with pytest.raises(ValueError, match="bron"):
        Provenance(status="vastgesteld", source=Source())


def test_a_finding_resting_on_a_provisional_term_says_so() -> None:
    from jeugdtoegang.domain.findings import Finding, Severity
    from jeugdtoegang.domain.provenance import PROVISIONAL_NOTE, mark_provisional

    findings = [
        Finding("TERM_DEVELOPMENT_EXCEEDED", Severity.APPROVAL, "Langer dan 9 maanden."),
        Finding("TERM_STABILISING_EXCEEDED", Severity.APPROVAL, "Langer dan 36 maanden."),
        Finding("OVERLAP", Severity.ERROR, "Overlap."),
    ]
    zou = mark_provisional(findings, template_provenance("zuidoost-utrecht"))
    assert [PROVISIONAL_NOTE in f.message for f in zou] == [False, True, False]
    twente = mark_provisional(findings, template_provenance("twente"))
    assert PROVISIONAL_NOTE in twente[0].message
