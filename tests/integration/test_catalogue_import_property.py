"""Property: malformed catalogue files never crash the importer and never half-write."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.errors import ValidationError
from jeugdtoegang.services.catalogue_import import import_catalogue
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models.changelog import ChangeLogEntry
from jeugdtoegang.storage.models.providers import Contract, FreeAccessProvision, Provider

ADMIN = Actor("f.beheer", "Fenna Beheer", frozenset({Role.BEHEERDER}))
from jeugdtoegang.domain.catalogue_rows import COLUMNS  # noqa: E402

GOOD = "98000001;De Brug;ambulant;45Z01;;;pubers;uur;82,50;*;Centrum;nee;;01-01-2026;;actief;1000;3"
NASTY = st.sampled_from(
    [
        "",
        " ",
        "*",
        "|",
        ";",
        ",",
        '"',
        "\x00",
        "\ufeff",
        "-1",
        "1e9",
        "NaN",
        "1.234",
        "9" * 60,
        "31-02-2027",
        "0000-00-00",
        "2027-1-1",
        "１２３４５６７８",
        "²",
        "ambulant",
        "sociale-basis",
        "wonen",
        "45Z01",
        "Zeist",
        "Utrecht",
        "ja",
        "geschorst",
        "x" * 300,
    ]
)
VALUE = st.one_of(NASTY, st.text(max_size=20))
ROW = st.lists(VALUE, min_size=0, max_size=len(COLUMNS) + 2)
counter = itertools.count()


@st.composite
def files(draw: st.DrawFn) -> bytes:
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    header = draw(
        st.one_of(st.just(COLUMNS), st.permutations(COLUMNS), st.lists(VALUE, max_size=5))
    )
    rows = [GOOD.split(";"), *draw(st.lists(ROW, min_size=1, max_size=4))]
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    text = "\n".join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "raw"]))
    if encoding == "raw":
        return draw(st.binary(max_size=200)) + text.encode("utf-8", "replace")
    return text.encode(encoding, "replace")


def state(ctx: AppContext) -> tuple[int, ...]:
    with ctx.uow(readonly=True) as uow:
        session = uow.session
        sizes = tuple(
            session.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (Provider, Contract, FreeAccessProvision, ChangeLogEntry)
        )
        last = session.execute(select(func.max(ChangeLogEntry.seq))).scalar() or 0
    return (*sizes, last)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=files(), json_format=st.booleans())
def test_malformed_files_never_crash_and_never_half_write(
    ctx: AppContext, tmp_path: Path, data: bytes, json_format: bool
) -> None:
    admin = ctx.with_actor(ADMIN)
    path = tmp_path / f"catalogus-{next(counter)}.{'json' if json_format else 'csv'}"
    path.write_bytes(data)
    before = state(admin)
    try:
        import_catalogue(admin, path)
    except ValidationError as error:
        assert error.errors and all(e.message for e in error.errors)
        assert state(admin) == before
    # a file that happens to be valid may import; anything else than ValidationError fails


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    payload=st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10)),
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.text(max_size=8), children, max_size=5),
        ),
        max_leaves=20,
    )
)
def test_malformed_json_never_crashes_the_importer(
    ctx: AppContext, tmp_path: Path, payload: object
) -> None:
    import json

    admin = ctx.with_actor(ADMIN)
    path = tmp_path / f"catalogus-{next(counter)}.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    before = state(admin)
    try:
        import_catalogue(admin, path)
    except ValidationError:
        assert state(admin) == before
