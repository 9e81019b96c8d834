"""A change line read in pieces (to keep the snapshot's own JSON text) is read exactly as
the whole line would be, whatever the values; any other layout falls back to the whole."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from jeugdtoegang.sync.bundle import Change, _split_line

TEXT = st.lists(
    st.sampled_from([*'ab,:"\\{}[] é\n', ',"data":', '"history"', '"data":']), max_size=8
).map("".join)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


def _line(data: dict[str, Any] | None, author: str) -> str:
    change = Change(
        seq=3,
        table="person",
        id="01234567-89ab-cdef-0123-456789abcdef",
        version=2,
        op="update" if data is not None else "delete",
        updated_at="2026-11-23T10:00:00+00:00",
        updated_by=author,
        origin="01234567-89ab-cdef-0123-456789abcdef",
        data=data,
        history=((1, "abc"),),
    )
    return change.to_line(json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode)


@settings(max_examples=300, deadline=None)
@given(st.none() | st.dictionaries(TEXT, VALUES, max_size=4), TEXT)
def test_pieces_read_as_the_whole_line(data: dict[str, Any] | None, author: str) -> None:
    line = _line(data, author)
    item, raw = _split_line(line)
    assert item == json.loads(line)
    if data is None:
        assert raw is None
    else:
        assert raw is not None and json.loads(raw) == data


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_any_text_reads_as_json_does(text: str) -> None:
    try:
        expected: Any = json.loads(text)
    except ValueError:
        expected = ValueError
    try:
        item, raw = _split_line(text)
    except ValueError:
        assert expected is ValueError
        return
    assert item == expected
    if raw is not None:
        assert json.loads(raw) == item["data"]


def test_other_layouts_are_read_whole() -> None:
    tricky = [
        '{"data":{"a":1},"seq":1,"table":"t","id":"x","version":1,"op":"update",'
        '"updated_at":"t","updated_by":"u","origin":"o","history":[]}',
        '{"seq":1,"table":"t","id":"x","version":1,"op":"update","updated_at":"t",'
        '"updated_by":"u","origin":"o","data":{"a":1},"history":[],"data":{"a":2}}',
        '{"seq":1,"table":"t","id":"x","version":1,"op":"update","updated_at":"t",'
        '"updated_by":"u","origin":"o","data":{"a":1} ,"history":[]}',
    ]
    for line in tricky:
        item, raw = _split_line(line)
        assert item == json.loads(line)
        assert raw is None or json.loads(raw) == item["data"]
