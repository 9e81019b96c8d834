"""Test helpers for the iJw exchange: example messages adapted to a test database."""

from __future__ import annotations

import re
from datetime import date

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.paths import resource_path
from jeugdtoegang.services.context import AppContext

EXAMPLES = resource_path("examples", "ijw")
EXAMPLE_BSN = "123456782"
EXAMPLE_AGB = "12345678"
EXAMPLE_NUMBER = "1000001"
BACKOFFICE = Actor("beheer", "Beheer", frozenset({Role.BEHEERDER}))


def backoffice(ctx: AppContext) -> AppContext:
    """The functioneel beheerder who exchanges messages with providers."""
    return ctx.with_actor(BACKOFFICE)


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def adapted(
    name: str,
    *,
    bsn: str | None = None,
    number: int | None = None,
    agb: str | None = None,
    ident: str | None = None,
    dates: dict[str, date] | None = None,
) -> bytes:
    """An example file with the BSN, toewijzingnummer, AGB, identification or dates changed."""
    text = example(name).decode()
    if bsn:
        text = text.replace(f">{EXAMPLE_BSN}<", f">{bsn}<")
    if number is not None:
        text = text.replace(f">{EXAMPLE_NUMBER}<", f">{number}<")
    if agb:
        text = text.replace(f">{EXAMPLE_AGB}<", f">{agb}<")
    if ident:
        text = re.sub(r"<ijw:Identificatie>[^<]*<", f"<ijw:Identificatie>{ident}<", text)
    for element, value in (dates or {}).items():
        text = re.sub(rf"(<jw\d{{3}}:{element}>)[^<]*(<)", rf"\g<1>{value.isoformat()}\g<2>", text)
    return text.encode()
