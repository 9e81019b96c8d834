"""Free-access provisions (voorliggende voorzieningen) that may answer a need without a
beschikking: the sociale basis of the municipality, on the goal's themes (seed 003 §2.2)."""

from __future__ import annotations

from collections.abc import Sequence

from jeugdtoegang.domain.providers import FreeAccessFacts, Need, VoorliggendOffer


def free_access_offers(
    provisions: Sequence[FreeAccessFacts], need: Need, gemeente: str
) -> list[VoorliggendOffer]:
    """Free-access provisions in the municipality that fit a theme (group offers first)."""
    wishes = need.wished_themes()
    offers = []
    for p in provisions:
        if p.municipality != gemeente:
            continue
        themes = tuple(t.casefold() for t in p.themes)
        matched = [w for w in wishes if w in themes]
        if wishes and themes and not matched:
            continue
        reasons = ["Vrij toegankelijk in " + gemeente + ", zonder beschikking."]
        if p.group_offer:
            reasons.append("Groepsaanbod.")
        if matched:
            reasons.append(f"Past bij thema '{matched[0]}'.")
        offers.append(
            VoorliggendOffer(p.naam, p.municipality, p.themes, p.group_offer, tuple(reasons))
        )
    offers.sort(key=lambda o: (not o.group_offer, o.naam.casefold()))
    return offers
