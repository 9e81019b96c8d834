"""The command line when the team's database server is gone or refuses (issue 19).

A laptop without its network, a server being restarted, a password the administrator
changed: the consultant gets a Dutch sentence and exit code 1, never "onverwachts" and
never the driver's text (it names the server and the account)."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy.engine import make_url

from jeugdtoegang.cli.main import main
from jeugdtoegang.storage.server_errors import SERVER_REFUSED, SERVER_UNREACHABLE

pytest.importorskip("psycopg")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_server_that_cannot_be_reached_is_a_dutch_message_and_exit_1(capsys):
    url = f"postgresql+psycopg://jt:geheim@127.0.0.1:{closed_port()}/team"
    assert main(["--db", url, "households", "search", "Jansen", "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == SERVER_UNREACHABLE
    assert "127.0.0.1" not in captured.err and "geheim" not in captured.err
    assert captured.out == ""


@pytest.mark.postgres
def test_a_refused_password_is_a_dutch_message_and_exit_1(database_url, capsys):
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("a server's password: PostgreSQL only")
    wrong = url.set(password="niet-het-wachtwoord").render_as_string(hide_password=False)
    assert main(["--db", wrong, "households", "search", "Jansen", "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == SERVER_REFUSED
    assert "niet-het-wachtwoord" not in captured.err
