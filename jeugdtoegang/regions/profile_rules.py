"""The rules of a region profile that look across its parts: unique segments in order,
products in known segments, unique municipalities (with areas where partners work per
area), strategic partners that fit the municipalities and segments. Each returns its
problems with field paths; :class:`~jeugdtoegang.regions.schema.RegionProfile` raises
them together."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jeugdtoegang.regions.fields import Problem, duplicates

if TYPE_CHECKING:
    from jeugdtoegang.regions.schema import Municipality, Product, RegionProfile, Segment


def segment_problems(segments: tuple[Segment, ...]) -> list[Problem]:
    problems = duplicates(segments, "id", "segments", "segment", key=lambda s: s.id)
    for index in range(1, len(segments)):
        before, segment = segments[index - 1], segments[index]
        if segment.order <= before.order:
            problems.append(
                (
                    ("segments", index, "order"),
                    "segmenten moeten van licht naar zwaar op oplopende 'order' staan: "
                    f"'{segment.id}' ({segment.order}) staat na '{before.id}' ({before.order})",
                )
            )
    return problems


def product_problems(products: tuple[Product, ...], segment_ids: tuple[str, ...]) -> list[Problem]:
    problems = duplicates(products, "code", "products", "productcode", key=lambda p: p.code)
    for index, product in enumerate(products):
        if product.segment not in segment_ids:
            problems.append(
                (
                    ("products", index, "segment"),
                    f"product {product.code} verwijst naar onbekend segment '{product.segment}' "
                    f"(bekend: {', '.join(segment_ids)})",
                )
            )
    return problems


def municipality_problems(
    municipalities: tuple[Municipality, ...], areas_required: bool
) -> list[Problem]:
    problems = duplicates(
        municipalities, "name", "municipalities", "gemeente", key=lambda m: m.name.casefold()
    )
    problems += duplicates(
        municipalities, "cbs_code", "municipalities", "CBS-code", key=lambda m: m.cbs_code
    )
    if areas_required:
        problems += [
            (
                ("municipalities", index, "area"),
                f"gemeente {municipality.name} heeft een gebied (area) nodig, omdat de regio "
                "met strategische partners per gebied werkt",
            )
            for index, municipality in enumerate(municipalities)
            if municipality.area is None
        ]
    return problems


def partner_problems(profile: RegionProfile) -> list[Problem]:
    partners = profile.strategic_partners
    if partners and not profile.policies.strategic_partners:
        return [
            (
                ("strategic_partners",),
                "er staan strategische partners in het profiel, maar "
                "policies.strategic_partners is false",
            )
        ]
    areas = sorted({m.area for m in profile.municipalities if m.area is not None})
    problems = duplicates(
        partners, "agb", "strategic_partners", "AGB-code", key=lambda p: (p.area, p.agb)
    )
    for index, partner in enumerate(partners):
        if partner.area not in areas:
            problems.append(
                (
                    ("strategic_partners", index, "area"),
                    f"gebied '{partner.area}' hoort bij geen enkele gemeente "
                    f"(bekend: {', '.join(areas) or 'geen'})",
                )
            )
        problems += [
            (
                ("strategic_partners", index, "segments", position),
                f"partner {partner.name} noemt onbekend segment '{segment_id}'",
            )
            for position, segment_id in enumerate(partner.segments)
            if segment_id not in profile.segment_ids
        ]
    if profile.policies.strategic_partners:
        covered = {p.area for p in partners if p.role == "hoofdaannemer"}
        problems += [
            (("strategic_partners",), f"gebied '{area}' heeft geen strategische hoofdaannemer")
            for area in areas
            if area not in covered
        ]
    return problems
