"""Accounts: first run, memory-hard hashing, login rate limiting, user management."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from jeugdtoegang.domain.actor import Role
from jeugdtoegang.errors import JeugdtoegangError, PermissionDeniedError, ValidationError
from jeugdtoegang.services import auth
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.models.audit import AuditEntry
from jeugdtoegang.storage.models.changelog import ChangeLogEntry

pytestmark = pytest.mark.postgres
PASSWORD = "correct paard batterij"


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that are not about the hash cost use a cheaper one."""
    monkeypatch.setattr(auth, "SCRYPT_LOG2_N", 12)


@pytest.fixture
def admin(ctx: AppContext, fast_hashing: None) -> AppContext:
    actor = auth.create_first_administrator(ctx.database, "beheer", "Bea Heerkens", PASSWORD)
    return ctx.with_actor(actor)


def audit_rows(ctx: AppContext) -> list[tuple[str, str, str]]:
    with ctx.database.read_sessions() as session:
        rows = session.execute(
            select(AuditEntry.created_by, AuditEntry.action, AuditEntry.outcome).order_by(
                AuditEntry.seq
            )
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_passwords_are_hashed_with_memory_hard_scrypt_and_a_salt_per_user() -> None:
    first = auth.hash_password("geheim wachtwoord")
    second = auth.hash_password("geheim wachtwoord")
    scheme, log2_n, r, p, salt, digest = first.split("$")
    assert scheme == "scrypt" and int(log2_n) >= 17 and int(r) == 8 and int(p) == 1
    assert 128 * (2 ** int(log2_n)) * int(r) >= 128 * 1024 * 1024  # memory used: 128 MiB
    assert first != second and len(bytes.fromhex(salt)) == 16 and len(digest) == 64
    assert auth.verify_password("geheim wachtwoord", first)
    assert not auth.verify_password("geheim wachtwoorD", first)
    assert not auth.verify_password("x", "garbage")


def test_the_first_run_creates_the_administrator_once(ctx: AppContext, fast_hashing: None) -> None:
    assert not auth.has_users(ctx.database)
    actor = auth.create_first_administrator(ctx.database, "beheer", "Bea Heerkens", PASSWORD)
    assert actor.roles == frozenset({Role.BEHEERDER})
    assert auth.has_users(ctx.database)
    with pytest.raises(JeugdtoegangError, match="al een beheerder"):
        auth.create_first_administrator(ctx.database, "ander", "Ander", PASSWORD)
    with pytest.raises(ValidationError, match="minstens 10"):
        auth.create_first_administrator(ctx.database, "x", "X", "kort")


def test_a_correct_login_returns_the_users_actor_and_is_logged(admin: AppContext) -> None:
    actor = auth.login(admin.database, "beheer", PASSWORD)
    assert actor.username == "beheer" and actor.user_id is not None
    assert audit_rows(admin)[-1] == ("beheer", "inloggen", "ok")


def test_failed_logins_are_rate_limited_with_a_growing_lock_and_logged(admin: AppContext) -> None:
    now = utcnow()
    for attempt in range(2):
        with pytest.raises(auth.LoginError, match="onjuist"):
            auth.login(admin.database, "beheer", f"fout {attempt}", now=now)
    with pytest.raises(auth.LoginError, match="30 seconden geblokkeerd"):
        auth.login(admin.database, "beheer", "fout 3", now=now)
    # locked: even the right password is refused until the lock ends
    with pytest.raises(auth.LoginError, match="Te veel mislukte pogingen"):
        auth.login(admin.database, "beheer", PASSWORD, now=now + timedelta(seconds=10))
    later = now + timedelta(seconds=31)
    with pytest.raises(auth.LoginError, match="60 seconden geblokkeerd"):
        auth.login(admin.database, "beheer", "fout 4", now=later)
    after_lock = later + timedelta(seconds=61)
    assert auth.login(admin.database, "beheer", PASSWORD, now=after_lock).username == "beheer"
    outcomes = [row[2] for row in audit_rows(admin) if row[1] == "inloggen"]
    assert outcomes == ["geweigerd"] * 5 + ["ok"]
    # the failure counter is reset by the successful login
    with pytest.raises(auth.LoginError, match=r"^Gebruikersnaam of wachtwoord onjuist\.$"):
        auth.login(admin.database, "beheer", "fout", now=after_lock)


def test_an_unknown_user_name_gets_the_same_answer_and_is_logged(admin: AppContext) -> None:
    with pytest.raises(auth.LoginError, match=r"^Gebruikersnaam of wachtwoord onjuist\.$"):
        auth.login(admin.database, "niemand", PASSWORD)
    assert audit_rows(admin)[-1] == ("niemand", "inloggen", "geweigerd")


def test_the_lock_never_exceeds_fifteen_minutes() -> None:
    assert auth._lock_seconds(2) == 0
    assert auth._lock_seconds(3) == 30
    assert auth._lock_seconds(50) == 15 * 60


def test_the_administrator_manages_users_and_consultants_may_not(
    admin: AppContext, ctx: AppContext
) -> None:
    data = auth.UserInput(
        "c.jansen", "Carla Jansen", (Role.CONSULENT,), "Team Zeist", "Zeist", "tijdelijk-123"
    )
    user = auth.create_user(admin, data)
    assert user.must_change_password and user.roles == ("consulent",)
    with pytest.raises(ValidationError, match="bestaat al"):
        auth.create_user(admin, data)
    with pytest.raises(PermissionDeniedError, match="gebruikers te beheren"):
        auth.create_user(ctx, data)
    actor = auth.login(admin.database, "c.jansen", "tijdelijk-123")
    assert actor.team == "Team Zeist" and actor.roles == frozenset({Role.CONSULENT})

    auth.change_password(admin.database, "c.jansen", "tijdelijk-123", "een nieuw wachtwoord")
    assert not auth.must_change_password(admin.database, "c.jansen")
    with pytest.raises(auth.LoginError):
        auth.login(admin.database, "c.jansen", "tijdelijk-123")

    auth.set_user_active(admin, "c.jansen", False)
    with pytest.raises(auth.LoginError, match="onjuist"):  # uniform: reveals nothing
        auth.login(admin.database, "c.jansen", "een nieuw wachtwoord")
    with pytest.raises(ValidationError, match="laatste actieve beheerder"):
        auth.set_user_active(admin, "beheer", False)
    assert [u.username for u in auth.list_users(admin)] == ["beheer", "c.jansen"]


def test_password_hashes_travel_in_the_change_log_but_lock_out_counters_stay_local(
    admin: AppContext,
) -> None:
    """Accounts sync from the office (issue 14): the hash (never the password) travels
    inside encrypted bundles, so a laptop asks the same login; lock-out state is local."""
    with admin.database.read_sessions() as session:
        snapshots = list(
            session.execute(
                select(ChangeLogEntry.data).where(ChangeLogEntry.table_name == "app_user")
            ).scalars()
        )
    assert snapshots and all(str(d["password_hash"]).startswith("scrypt$") for d in snapshots)
    assert all(PASSWORD not in str(d) for d in snapshots)
    local = {"failed_attempts", "locked_until", "last_login_at"}
    assert all(local.isdisjoint(d) for d in snapshots)
