"""Local accounts: first run, login with rate limiting, passwords, user management.

Passwords are hashed with scrypt (RFC 7914, memory-hard; from ``cryptography``) with
a random per-user salt; the cost parameters are stored in the hash string
(``scrypt$<log2 n>$<r>$<p>$<salt hex>$<hash hex>``) so they can be raised later without
invalidating existing hashes. Failed logins are counted per account; from the third one
the account is locked for 30 s, doubling per further failure up to 15 minutes. Every
login, failed login and refusal is written to the audit log.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.errors import FieldError, JeugdtoegangError, NotFoundError, ValidationError
from jeugdtoegang.services.account_inputs import (
    MIN_PASSWORD_LENGTH,  # noqa: F401 (part of this module's interface)
    UserInput,
    UserView,
    actor_for,
    check_password_policy,
    user_view,
    validate_user_input,
)
from jeugdtoegang.services.authz import guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.account_queries import (
    active_users,
    any_user_exists,
    delete_login_state,
    locked_login_state,
    login_states,
    must_change_flag,
    other_active_users,
    the_user_named,
    user_count,
    user_named,
    username_taken,
    users_by_name,
)
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.models.login_state import LoginState
from jeugdtoegang.storage.models.security import User
from jeugdtoegang.storage.uow import UnitOfWork

#: scrypt cost: n = 2**17, r = 8 → 128 MiB and ~0.4 s per hash (OWASP minimum for scrypt)
SCRYPT_LOG2_N = 17
SCRYPT_R = 8
SCRYPT_P = 1
FREE_ATTEMPTS = 2
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60


class LoginError(JeugdtoegangError):
    """Wrong user name or password, an inactive account, or a locked account."""


# --- password hashing ------------------------------------------------------------------------


def hash_password(password: str, *, log2_n: int | None = None) -> str:
    """A salted scrypt hash with its parameters, for storing."""
    exponent = SCRYPT_LOG2_N if log2_n is None else log2_n
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, exponent, SCRYPT_R, SCRYPT_P)
    return f"scrypt${exponent}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def _scrypt(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    """scrypt (RFC 7914) from ``cryptography``: the same bytes as ``hashlib.scrypt`` (which
    exists only when Python happens to be linked to OpenSSL), so hashes made by earlier
    versions still verify."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=2**log2_n, r=r, p=p).derive(password.encode("utf-8"))


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the stored hash (constant-time comparison)."""
    try:
        scheme, log2_n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _scrypt(password, bytes.fromhex(salt), int(log2_n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, bytes.fromhex(digest))


_DUMMY_HASH: str | None = None


def _burn_time(password: str) -> None:
    """Hash anyway for an unknown user, so the answer time does not reveal user names."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("onbekende gebruiker")
    verify_password(password, _DUMMY_HASH)


# --- first run and login ---------------------------------------------------------------------


def has_users(database: Database) -> bool:
    """False on a fresh database: then the first-run flow creates the administrator."""
    with database.read_sessions() as session:
        return any_user_exists(session)


def refuse_demo_with_accounts(database: Database) -> None:
    """Fictional families never go into a database that has real accounts."""
    if has_users(database):
        raise JeugdtoegangError(
            "Deze database heeft gebruikersaccounts en is dus een echte database: "
            "demogegevens worden er niet in gezet. Maak een aparte demodatabase."
        )


def create_first_administrator(
    database: Database, username: str, display_name: str, password: str
) -> Actor:
    """First run: create the functional administrator (only when no users exist yet)."""
    data = UserInput(username, display_name, (Role.BEHEERDER,), password=password)
    errors = validate_user_input(data, creating=True)
    if errors:
        raise ValidationError(errors)
    setup = Actor(username.strip(), display_name.strip(), frozenset({Role.SYSTEEM}))
    with UnitOfWork(database, setup) as uow:
        if user_count(uow.session):
            raise JeugdtoegangError("Er is al een beheerder; log in met uw account.")
        user = _new_user(data, must_change=False)
        uow.session.add(user)
        uow.session.flush()
        uow.log_access("gebruiker_aanmaken", "user", user.id, (), "eerste beheerder (eerste start)")
        uow.commit()
        return actor_for(user)


def _lock_seconds(failures: int, cap: int = MAX_LOCK_SECONDS) -> int:
    if failures <= FREE_ATTEMPTS:
        return 0
    return int(min(FIRST_LOCK_SECONDS * 2 ** (failures - FREE_ATTEMPTS - 1), cap))


#: the only active administrator is never locked out for longer than this
LAST_ADMIN_MAX_LOCK_SECONDS = 60
#: the one answer for a wrong password, an unknown name and a disabled account
WRONG = "Gebruikersnaam of wachtwoord onjuist."


def _is_last_admin(database: Database, user: User | None) -> bool:
    if user is None or not user.active or Role.BEHEERDER.value not in (user.roles or []):
        return False
    with database.read_sessions() as session:
        admins = [u for u in active_users(session) if Role.BEHEERDER.value in (u.roles or [])]
    return len(admins) <= 1


def _state(uow: UnitOfWork, key: str) -> LoginState:
    """The login-state row of a user name, locked for this transaction (made if new)."""
    return locked_login_state(uow.session, key)


def login(
    database: Database,
    username: str,
    password: str,
    *,
    now: datetime | None = None,
    action: str = "inloggen",
) -> Actor:
    """Check the password and return the user's actor; LoginError (Dutch) otherwise.

    Every attempt is logged (outcome "ok" or "geweigerd"). The attempt is counted (and a
    lock set) in one locked transaction *before* the password is checked, so parallel
    wrong attempts cannot all get through; a correct password clears the count. Unknown
    names, disabled accounts and wrong passwords get the same answer and the same
    counting. The state lives in ``login_state``: a login never changes the account.
    """
    moment = now or utcnow()
    name = username.strip()
    key = (name.casefold() or "?")[:60]
    with database.read_sessions() as session:
        user = user_named(session, name)
    actor = actor_for(user) if user is not None else Actor(name or "?", name or "?", frozenset())
    cap = LAST_ADMIN_MAX_LOCK_SECONDS if _is_last_admin(database, user) else MAX_LOCK_SECONDS
    user_id = user.id if user is not None else None
    with UnitOfWork(database, actor) as uow:
        state = _state(uow, key)
        locked = state.locked_until
        if locked is not None and locked > moment and cap < MAX_LOCK_SECONDS:
            last = state.last_attempt_at or moment
            locked = min(locked, last + timedelta(seconds=cap))
        if locked is not None and locked > moment:
            wait = int((locked - moment).total_seconds()) + 1
            uow.log_access(action, "user", user_id, (), "account tijdelijk geblokkeerd",
                           "geweigerd")  # fmt: skip
            uow.commit()
            raise LoginError(
                f"Te veel mislukte pogingen. Probeer het over {_duration(wait)} opnieuw."
            )
        state.failed_attempts += 1  # counted now; a correct password clears it below
        seconds = _lock_seconds(state.failed_attempts, cap)
        state.locked_until = moment + timedelta(seconds=seconds) if seconds else None
        state.last_attempt_at = moment
        failures, locked = state.failed_attempts, state.locked_until
        uow.commit()
    if user is None:
        _burn_time(password)
        ok, reason = False, "onbekende gebruikersnaam"
    else:
        ok = verify_password(password, user.password_hash)  # also for a disabled account:
        reason = f"onjuist wachtwoord ({failures}x)"  # the same time, the same answer
        if not user.active:
            ok, reason = False, "account niet actief"
    with UnitOfWork(database, actor) as uow:
        if ok:
            state = _state(uow, key)
            state.failed_attempts = 0
            state.locked_until = None
            state.last_login_at = moment
            uow.log_access(action, "user", user_id, (), None, "ok")
        else:
            uow.log_access(action, "user", user_id, (), reason, "geweigerd")
        uow.commit()
    if not ok:
        if locked is not None:
            wait = int((locked - moment).total_seconds())
            raise LoginError(
                f"{WRONG} Na te veel mislukte pogingen is het account nu {_duration(wait)} "
                "geblokkeerd."
            )
        raise LoginError(WRONG)
    return actor


def clear_login_state(session: Session, username: str) -> None:
    """Forget failed attempts and a lock (reactivation, password reset)."""
    delete_login_state(session, username)


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconden"
    return f"{(seconds + 59) // 60} minuten"


def must_change_password(database: Database, username: str) -> bool:
    with database.read_sessions() as session:
        return bool(must_change_flag(session, username))


def change_password(database: Database, username: str, old: str, new: str) -> None:
    """The user changes their own password (the old one is checked, like a login)."""
    actor = login(database, username, old, action="wachtwoord_controleren")
    errors = check_password_policy(new, username)
    if new == old:
        errors.append(FieldError("password", "Kies een ander wachtwoord dan het huidige."))
    if errors:
        raise ValidationError(errors)
    with UnitOfWork(database, actor) as uow:
        user = the_user_named(uow.session, actor.username)
        user.password_hash = hash_password(new)
        user.must_change_password = False
        uow.log_access("wachtwoord_wijzigen", "user", user.id, (), None)
        uow.commit()


# --- user management (beheerder) --------------------------------------------------------------


def _new_user(data: UserInput, *, must_change: bool, log2_n: int | None = None) -> User:
    return User(
        username=data.username.strip(),
        display_name=data.display_name.strip(),
        roles=[r.value for r in data.roles],
        team=(data.team or "").strip() or None,
        municipality=(data.municipality or "").strip() or None,
        password_hash=hash_password(data.password or "", log2_n=log2_n),
        active=True,
        must_change_password=must_change,
        failed_attempts=0,
    )


@guarded(Permission.USERS_MANAGE)
def list_users(ctx: AppContext) -> list[UserView]:
    with ctx.uow(readonly=True) as uow:
        rows = users_by_name(uow.session)
        states = login_states(uow.session)
        return [_with_state(user_view(u), states.get(u.username.casefold())) for u in rows]


def _with_state(view: UserView, state: LoginState | None) -> UserView:
    """The lock and last login come from ``login_state`` (the account is not touched)."""
    if state is None:
        return view
    return replace(view, locked_until=state.locked_until, last_login_at=state.last_login_at)


@guarded(Permission.USERS_MANAGE)
def create_user(ctx: AppContext, data: UserInput) -> UserView:
    """Create an account; the user must choose a new password at the first login."""
    errors = validate_user_input(data, creating=True)
    with ctx.uow() as uow:
        if username_taken(uow.session, data.username.strip()):
            errors.append(FieldError("username", "Deze gebruikersnaam bestaat al."))
        if errors:
            raise ValidationError(errors)
        user = _new_user(data, must_change=True)
        uow.session.add(user)
        uow.session.flush()
        uow.log_access("gebruiker_aanmaken", "user", user.id, (), None)
        uow.commit()
        return user_view(user)


def _get(uow: UnitOfWork, username: str) -> User:
    user = user_named(uow.session, username)
    if user is None:
        raise NotFoundError(f"Gebruiker '{username}' bestaat niet.")
    return user


def _other_active_admins(uow: UnitOfWork, user: User) -> int:
    users = other_active_users(uow.session, user.id)
    return sum(1 for u in users if Role.BEHEERDER.value in u.roles)


@guarded(Permission.USERS_MANAGE)
def update_user(ctx: AppContext, username: str, data: UserInput) -> UserView:
    """Change name, roles, team or municipality (and the password when given)."""
    errors = validate_user_input(data, creating=False)
    if errors:
        raise ValidationError(errors)
    with ctx.uow() as uow:
        user = _get(uow, username)
        demoted = Role.BEHEERDER not in data.roles and Role.BEHEERDER.value in user.roles
        if demoted and not _other_active_admins(uow, user):
            raise ValidationError(
                FieldError("roles", "Er moet minstens één actieve beheerder blijven.")
            )
        user.display_name = data.display_name.strip()
        user.roles = [r.value for r in data.roles]
        user.team = (data.team or "").strip() or None
        user.municipality = (data.municipality or "").strip() or None
        if data.password:
            user.password_hash = hash_password(data.password)
            user.must_change_password = True
        uow.session.flush()
        uow.log_access("gebruiker_wijzigen", "user", user.id, (), None)
        uow.commit()
        return user_view(user)


@guarded(Permission.USERS_MANAGE)
def set_user_active(ctx: AppContext, username: str, active: bool) -> UserView:
    """Deactivate (never delete: the audit log refers to it) or reactivate an account."""
    with ctx.uow() as uow:
        user = _get(uow, username)
        if (
            not active
            and Role.BEHEERDER.value in user.roles
            and not _other_active_admins(uow, user)
        ):
            raise ValidationError(
                FieldError("active", "De laatste actieve beheerder kan niet uit.")
            )
        user.active = active
        if active:
            clear_login_state(uow.session, user.username)
        uow.session.flush()
        uow.log_access(
            "gebruiker_activeren" if active else "gebruiker_uitschakelen", "user", user.id
        )
        uow.commit()
        return user_view(user)


@guarded(Permission.USERS_MANAGE)
def reset_password(ctx: AppContext, username: str, new_password: str) -> UserView:
    """Give a user a temporary password (to be changed at the next login); unlocks."""
    errors = check_password_policy(new_password, username)
    if errors:
        raise ValidationError(errors)
    with ctx.uow() as uow:
        user = _get(uow, username)
        user.password_hash = hash_password(new_password)
        user.must_change_password = True
        clear_login_state(uow.session, user.username)
        uow.session.flush()
        uow.log_access("wachtwoord_resetten", "user", user.id)
        uow.commit()
        return user_view(user)


def add_user_unchecked(
    ctx: AppContext, data: UserInput, *, must_change: bool, log2_n: int | None = None
) -> UserView:
    """Create an account without a permission check or password policy (demo set-up)."""
    with ctx.uow() as uow:
        user = _new_user(data, must_change=must_change, log2_n=log2_n)
        uow.session.add(user)
        uow.session.flush()
        uow.log_access("gebruiker_aanmaken", "user", user.id, (), "demo")
        uow.commit()
        return user_view(user)
