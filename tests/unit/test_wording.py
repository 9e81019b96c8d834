"""Singular and plural in Dutch texts that show a number."""

from __future__ import annotations

from decimal import Decimal

from jeugdtoegang.domain.indications import Frequency, Unit
from jeugdtoegang.domain.wording import amount_of_help, plural


def test_one_is_singular_and_everything_else_plural() -> None:
    assert plural(1, "beoordeling", "beoordelingen") == "1 beoordeling"
    assert plural(0, "beoordeling", "beoordelingen") == "0 beoordelingen"
    assert plural(2, "beoordeling", "beoordelingen") == "2 beoordelingen"
    assert plural(1200, "dossier", "dossiers") == "1.200 dossiers"


def test_amount_of_help_never_says_one_hours() -> None:
    assert amount_of_help(Decimal("1"), Unit.UUR, Frequency.WEEK) == "1 uur per week"
    assert amount_of_help(Decimal("2.5"), Unit.UUR, Frequency.WEEK) == "2,5 uur per week"
    assert amount_of_help(Decimal("1"), Unit.ETMAAL, Frequency.DAG) == "1 etmaal per dag"
    assert amount_of_help(Decimal("3"), Unit.DAGDEEL, Frequency.WEEK) == (
        "3 dagdelen (4 uur) per week"
    )
    assert amount_of_help(Decimal("30"), Unit.MINUUT, Frequency.WEEK) == "30 minuten per week"
