"""``jeugdtoegang review``: the queue, approve/return, "teruggestuurd naar u" and the
history on the command line agree with the services (and keep the four-eyes rule)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jeugdtoegang.cli import common
from jeugdtoegang.cli.main import main
from jeugdtoegang.services.context import AppContext
from tests.conftest import TEAMLEIDER
from tests.integration.test_review_names import _submit, named_accounts  # noqa: F401


def run(database_url: str, capsys: Any, *argv: str) -> tuple[int, Any]:
    code = main(["--db", database_url, *argv, "--json"])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 else out.err)


def as_actor(monkeypatch: pytest.MonkeyPatch, actor: Any) -> None:
    monkeypatch.setattr(common, "cli_actor", lambda _args, _database: actor)


def test_review_on_the_command_line(
    ctx: AppContext,
    database_url: str,
    capsys: Any,
    monkeypatch: pytest.MonkeyPatch,
    named_accounts: None,  # noqa: F811
) -> None:
    _, first = _submit(ctx)
    _, second = _submit(ctx)

    as_actor(monkeypatch, ctx.actor)
    code, err = run(database_url, capsys, "review", "queue")
    assert code == 1 and "geen toestemming om indieningen te beoordelen" in err

    as_actor(monkeypatch, TEAMLEIDER)
    code, queue = run(database_url, capsys, "review", "queue")
    assert code == 0
    assert [(q["type"], q["id"]) for q in queue] == [("plan", str(first)), ("plan", str(second))]
    assert {q["submitted_by_name"] for q in queue} == {"Carla Jansen"}

    with pytest.raises(SystemExit):  # a comment is required: refused in Dutch
        run(database_url, capsys, "review", "return", "plan", str(first))
    assert "Deze gegevens ontbreken: --comment" in capsys.readouterr().err
    code, done = run(
        database_url, capsys, "review", "return", "plan", str(first), "--comment", "Doel school."
    )
    assert code == 0 and done["outcome"] == "teruggestuurd"
    code, done = run(database_url, capsys, "review", "approve", "plan", str(second))
    assert code == 0 and done["outcome"] == "goedgekeurd"
    code, queue = run(database_url, capsys, "review", "queue")
    assert queue == []

    as_actor(monkeypatch, ctx.actor)
    code, returned = run(database_url, capsys, "review", "returned")
    assert [(r["id"], r["comment"], r["by_name"]) for r in returned] == [
        (str(first), "Doel school.", "Tom Bakker")
    ]
    code, steps = run(database_url, capsys, "review", "history", "plan", str(second))
    assert [(s["action"], s["by_name"]) for s in steps] == [
        ("ingediend", "Carla Jansen"),
        ("goedgekeurd", "Tom Bakker"),
    ]


def test_a_team_lead_cannot_approve_own_work_on_the_command_line(
    ctx: AppContext, database_url: str, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jeugdtoegang.domain.actor import Actor, Role

    both = Actor(
        "l.dekker", "Lotte Dekker", frozenset({Role.CONSULENT, Role.TEAMLEIDER}), team="Team Zeist"
    )
    _, plan_id = _submit(ctx.with_actor(both))
    as_actor(monkeypatch, both)
    code, err = run(database_url, capsys, "review", "approve", "plan", str(plan_id))
    assert code == 1 and "vier-ogenprincipe" in err
    code, queue = run(database_url, capsys, "review", "queue")
    assert [q["own"] for q in queue] == [True]
