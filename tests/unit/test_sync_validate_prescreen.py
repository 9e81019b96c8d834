"""The column-wise pre-screen of imported rows never clears a row that has a problem."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from jeugdtoegang.sync.validate import column_checks, row_problems, rows_to_check

REGION = frozenset({"Zeist", "Utrecht"})


def _good_household() -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "dossier_number": "2026-00001",
        "name": "Gezin Jansen",
        "street": "Dorpsstraat",
        "house_number": "1",
        "postcode": "3701AB",
        "city": "Zeist",
        "gemeente_code": "0355",
        "gemeente": "Zeist",
        "team": "Team Zeist",
        "version": 1,
        "created_at": "2026-11-20T10:00:00",
        "created_by": "c.jansen",
        "updated_at": "2026-11-20T10:00:00",
        "updated_by": "c.jansen",
    }


def _good_person(household: str) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "household_id": household,
        "role": "jeugdige",
        "first_name": "Sam",
        "surname": "Jansen",
        "birth_date": "2014-03-01",
        "bsn": "111222333",
        "has_gezag": False,
        "search_surname": "jansen",
        "search_first": "sam",
        "sort_key": "1",
        "version": 1,
        "created_at": "2026-11-20T10:00:00",
        "created_by": "c.jansen",
        "updated_at": "2026-11-20T10:00:00",
        "updated_by": "c.jansen",
    }


ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.sampled_from(
        [
            "2027-02-30",
            "2026-11-20T25:00:00",
            "0123ABCD-4567-89AB-CDEF-0123456789AB",
            "not-a-uuid",
            "a\x00b",
            "x" * 300,
            "ouder",
            "jeugdige",
            "Zeist",
            "Amsterdam",
            "123456789",
            "111222333",
        ]
    ),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@st.composite
def _rows(draw: st.DrawFn, table: str) -> list[dict[str, object]]:
    columns = sorted(column_checks(table))
    rows = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        row = _good_household() if table == "household" else _good_person(str(uuid.uuid4()))
        for name in draw(st.lists(st.sampled_from(columns), max_size=3)):
            if draw(st.booleans()):
                row[name] = draw(ODD_VALUES)
            else:
                row.pop(name, None)
        rows.append(row)
    return rows


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["household", "person"]).flatmap(lambda t: st.tuples(st.just(t), _rows(t))))
def test_prescreen_flags_every_row_with_a_problem(
    case: tuple[str, list[dict[str, object]]],
) -> None:
    table, rows = case
    flagged = rows_to_check(table, rows, REGION)
    for index, row in enumerate(rows):
        if row_problems(table, row, REGION):
            assert index in flagged, (row, row_problems(table, row, REGION))


def test_prescreen_clears_valid_rows() -> None:
    households = [_good_household() for _ in range(3)]
    persons = [_good_person(str(h["id"])) for h in households]
    assert all(not row_problems("household", r, REGION) for r in households)
    assert all(not row_problems("person", r, REGION) for r in persons)
    assert rows_to_check("household", households, REGION) == set()
    # the BSN is a domain check: those columns always take the full per-value check
    assert rows_to_check("person", persons, REGION) == set()


def test_prescreen_checks_every_final_letter() -> None:
    assert rows_to_check("final_letter", [{}, {}], REGION) == {0, 1}
