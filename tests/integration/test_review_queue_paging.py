"""The review queue pages by key: in order, no repeats, no gaps, while the queue changes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from jeugdtoegang.services import review
from jeugdtoegang.storage.bulk import bulk_insert
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.indications import Indication
from jeugdtoegang.storage.models.plans import Plan
from jeugdtoegang.storage.review_queue import QueueKey, queue_keys
from tests.indication_helpers import PROVIDER_AGB, make_bsn

pytestmark = pytest.mark.postgres

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _households(session, count: int, team: str = "Team Zeist") -> list[tuple[uuid.UUID, uuid.UUID]]:  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:6]
    households = bulk_insert(
        session,
        Household,
        [
            {
                "dossier_number": f"Q-{tag}-{n:05d}",
                "name": f"Gezin {tag} {n}",
                "street": "Dorpsstraat",
                "house_number": str(n + 1),
                "postcode": "3701AB",
                "city": "Zeist",
                "gemeente_code": "0355",
                "gemeente": "Zeist",
                "team": team,
            }
            for n in range(count)
        ],
        "test",
    )
    persons = bulk_insert(
        session,
        Person,
        [
            {
                "household_id": h,
                "role": "jeugdige",
                "first_name": "Sem",
                "surname": f"Wacht{n}",
                "birth_date": date(2015, 1, 1),
                "bsn": make_bsn(),
                "has_gezag": False,
                "search_surname": f"wacht{n}",
                "search_first": "sem",
                "sort_key": str(n),
            }
            for n, h in enumerate(households)
        ],
        "test",
    )
    return list(zip(households, persons, strict=True))


def _submitted(ctx, times: list[datetime], team: str = "Team Zeist") -> list[uuid.UUID]:  # type: ignore[no-untyped-def]
    """Submitted indications (status ingediend) at these times, by c.jansen."""
    with ctx.uow() as uow:
        pairs = _households(uow.session, len(times), team)
        ids = bulk_insert(
            uow.session,
            Indication,
            [
                {
                    "household_id": h,
                    "person_id": p,
                    "gemeente_code": "0355",
                    "goal_ids": [],
                    "segment": "ambulant",
                    "product_code": "45Z01",
                    "product_name": "Ambulant",
                    "product_category": "45",
                    "provider_agb": PROVIDER_AGB,
                    "provider_name": "Zorg Zeist BV",
                    "perspective": "ontwikkeling",
                    "start_date": date(2026, 12, 1),
                    "end_date": date(2027, 8, 31),
                    "volume": Decimal(2),
                    "unit": "uur",
                    "unit_code": "04",
                    "frequency": "week",
                    "frequency_code": "2",
                    "initiator": "consulent",
                    "referrer_code": "01",
                    "status": "ingediend",
                    "submitted_by": "c.jansen",
                    "submitted_at": at,
                    "motivations": {},
                    "findings": [],
                }
                for (h, p), at in zip(pairs, times, strict=True)
            ],
            "test",
        )
        uow.commit()
    return ids


def test_paging_2000_items_by_key_while_items_are_added_and_approved(ctx, lead_ctx) -> None:
    # 2,100 items; every third shares its minute with the next (ties broken by id)
    times = [T0 + timedelta(minutes=n - n % 3 // 2) for n in range(2100)]
    original = _submitted(ctx, times)
    other_team = _submitted(ctx, [T0 + timedelta(minutes=5)] * 20, team="Team Bunnik")
    assert review.count_queue(lead_ctx) == 2100  # another team's items are not in the queue

    seen: list[review.ReviewItem] = []
    approved_ahead: set[uuid.UUID] = set()
    added_later: set[uuid.UUID] = set()
    after: QueueKey | None = None
    pages = 0
    while True:
        page = review.queue_page(lead_ctx, 150, after)
        seen.extend(page.items)
        pages += 1
        if not page.more:
            break
        after = page.last
        # between pages: the lead approves the first item not yet shown, other items far
        # ahead are approved elsewhere, new ones come in behind and ahead of the cursor
        shown_ids = {i.id for i in seen}
        ahead = [i for i in original if i not in shown_ids and i not in approved_ahead]
        if len(ahead) > 40:
            review.approve_item(lead_ctx, "indication", ahead[0])
            approved_ahead.add(ahead[0])
            with ctx.uow() as uow:
                uow.session.execute(
                    update(Indication)
                    .where(Indication.id.in_(ahead[30:32]))
                    .values(status="goedgekeurd")
                )
                uow.commit()
            approved_ahead.update(ahead[30:32])
        _submitted(ctx, [T0 - timedelta(days=1)])  # behind the cursor: shown after a refresh
        added_later.update(_submitted(ctx, [T0 + timedelta(days=30, minutes=pages)]))

    keys = [i.key.order() for i in seen]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)  # in order, no repeats
    shown_ids = [i.id for i in seen]
    expected = [i for i in original if i not in approved_ahead]
    assert set(shown_ids) >= set(expected)  # no gaps
    assert not set(shown_ids) & approved_ahead
    assert set(shown_ids) - set(expected) == added_later  # new items ahead appear once
    assert not set(shown_ids) & set(other_team)
    assert pages >= 14 and all(i.title.startswith("Indicatie Ambulant voor Sem") for i in seen)
    # a quiet queue paged from the start is the full list, in the same order
    fresh: list[uuid.UUID] = []
    page = review.queue_page(lead_ctx, 500)
    while True:
        fresh.extend(i.id for i in page.items)
        if not page.more:
            break
        page = review.queue_page(lead_ctx, 500, page.last)
    assert fresh == [i.id for i in review.list_queue(lead_ctx)]


def test_kinds_with_the_same_time_merge_in_one_order_undated_last(ctx) -> None:
    at = T0 + timedelta(hours=1)
    indications = _submitted(ctx, [at, at, T0])
    with ctx.uow() as uow:
        pairs = _households(uow.session, 3)
        plans = bulk_insert(
            uow.session,
            Plan,
            [
                {"household_id": h, "status": "ingediend", "submitted_at": when}
                for (h, _), when in zip(pairs, [at, None, T0 + timedelta(hours=2)], strict=True)
            ],
            "test",
        )
        uow.commit()
    with ctx.uow(readonly=True) as uow:
        full = queue_keys(uow.session, None, 100)
        paged: list[QueueKey] = []
        after = None
        while page := queue_keys(uow.session, None, 1, after):
            paged.extend(page)
            after = page[-1]
    assert paged == full
    expected = [
        ("indication", min(indications[2:])),
        *sorted([("indication", i) for i in indications[:2]] + [("plan", plans[0])]),
        ("plan", plans[2]),
        ("plan", plans[1]),  # no submission time: last
    ]
    assert [(k.object_type, k.id) for k in full] == expected
