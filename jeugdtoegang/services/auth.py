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
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.errors import FieldError, JeugdtoegangError, NotFoundError, ValidationError
from jeugdtoegang.services.authz import guarded
from jeugdtoegang.services.context import AppContext
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
MIN_PASSWORD_LENGTH = 10


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


def check_password_policy(password: str, username: str = "") -> list[FieldError]:
    errors = []
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("password", f"Gebruik minstens {MIN_PASSWORD_LENGTH} tekens."))
    if username and password.casefold() == username.casefold():
        errors.append(FieldError("password", "Het wachtwoord mag niet gelijk zijn aan de naam."))
    return errors


# --- views and inputs ------------------------------------------------------------------------


@dataclass(frozen=True)
class UserView:
    id: uuid.UUID
    version: int
    username: str
    display_name: str
    roles: tuple[str, ...]
    team: str | None
    municipality: str | None
    active: bool
    must_change_password: bool
    locked_until: datetime | None
    last_login_at: datetime | None

    @property
    def roles_text(self) -> str:
        return ", ".join(Role(r).label for r in self.roles)


@dataclass(frozen=True)
class UserInput:
    username: str
    display_name: str
    roles: tuple[Role, ...]
    team: str | None = None
    municipality: str | None = None
    password: str | None = None  # required when creating


def _view(user: User) -> UserView:
    return UserView(
        id=user.id,
        version=user.version,
        username=user.username,
        display_name=user.display_name,
        roles=tuple(user.roles),
        team=user.team,
        municipality=user.municipality,
        active=user.active,
        must_change_password=user.must_change_password,
        locked_until=user.locked_until,
        last_login_at=user.last_login_at,
    )


def actor_for(user: UserView | User) -> Actor:
    """The actor a logged-in user acts as."""
    return Actor(
        user.username,
        user.display_name,
        frozenset(Role(r) for r in user.roles if r in Role._value2member_map_),
        team=user.team,
        user_id=user.id,
    )


# --- first run and login ---------------------------------------------------------------------


def has_users(database: Database) -> bool:
    """False on a fresh database: then the first-run flow creates the administrator."""
    with database.read_sessions() as session:
        return session.execute(select(User.id).limit(1)).first() is not None


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
    errors = _validate(data, creating=True)
    if errors:
        raise ValidationError(errors)
    setup = Actor(username.strip(), display_name.strip(), frozenset({Role.SYSTEEM}))
    with UnitOfWork(database, setup) as uow:
        count = uow.session.execute(select(func.count()).select_from(User)).scalar_one()
        if count:
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
        admins = [
            u
            for u in session.execute(select(User).where(User.active.is_(True))).scalars()
            if Role.BEHEERDER.value in (u.roles or [])
        ]
    return len(admins) <= 1


def _state(uow: UnitOfWork, key: str) -> LoginState:
    """The login-state row of a user name, locked for this transaction (made if new)."""
    query = select(LoginState).where(LoginState.username == key).with_for_update()
    state = uow.session.execute(query).scalar_one_or_none()
    if state is None:
        try:
            with uow.session.begin_nested():
                state = LoginState(username=key, failed_attempts=0)
                uow.session.add(state)
        except IntegrityError:  # made by a parallel attempt just now
            state = uow.session.execute(query).scalar_one()
    return state


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
        user = session.execute(select(User).where(User.username == name)).scalar_one_or_none()
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
    session.execute(delete(LoginState).where(LoginState.username == username.casefold()))


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconden"
    return f"{(seconds + 59) // 60} minuten"


def must_change_password(database: Database, username: str) -> bool:
    with database.read_sessions() as session:
        value = session.execute(
            select(User.must_change_password).where(User.username == username)
        ).scalar()
        return bool(value)


def change_password(database: Database, username: str, old: str, new: str) -> None:
    """The user changes their own password (the old one is checked, like a login)."""
    actor = login(database, username, old, action="wachtwoord_controleren")
    errors = check_password_policy(new, username)
    if new == old:
        errors.append(FieldError("password", "Kies een ander wachtwoord dan het huidige."))
    if errors:
        raise ValidationError(errors)
    with UnitOfWork(database, actor) as uow:
        user = uow.session.execute(select(User).where(User.username == actor.username)).scalar_one()
        user.password_hash = hash_password(new)
        user.must_change_password = False
        uow.log_access("wachtwoord_wijzigen", "user", user.id, (), None)
        uow.commit()


# --- user management (beheerder) --------------------------------------------------------------


def _validate(data: UserInput, *, creating: bool) -> list[FieldError]:
    errors = []
    name = data.username.strip()
    if not name or len(name) > 60 or any(c.isspace() for c in name):
        errors.append(FieldError("username", "Vul een gebruikersnaam in zonder spaties."))
    if not data.display_name.strip():
        errors.append(FieldError("display_name", "Vul de naam in."))
    if not data.roles:
        errors.append(FieldError("roles", "Kies minstens één rol."))
    if Role.SYSTEEM in data.roles:
        errors.append(FieldError("roles", "De rol 'systeem' is niet voor personen."))
    if creating or data.password:
        errors += check_password_policy(data.password or "", name)
    return errors


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
        rows = uow.session.execute(select(User).order_by(User.username)).scalars()
        states = {
            state.username: state for state in uow.session.execute(select(LoginState)).scalars()
        }
        return [_with_state(_view(u), states.get(u.username.casefold())) for u in rows]


def _with_state(view: UserView, state: LoginState | None) -> UserView:
    """The lock and last login come from ``login_state`` (the account is not touched)."""
    if state is None:
        return view
    return replace(view, locked_until=state.locked_until, last_login_at=state.last_login_at)


@guarded(Permission.USERS_MANAGE)
def create_user(ctx: AppContext, data: UserInput) -> UserView:
    """Create an account; the user must choose a new password at the first login."""
    errors = _validate(data, creating=True)
    with ctx.uow() as uow:
        taken = uow.session.execute(
            select(User.id).where(User.username == data.username.strip())
        ).first()
        if taken:
            errors.append(FieldError("username", "Deze gebruikersnaam bestaat al."))
        if errors:
            raise ValidationError(errors)
        user = _new_user(data, must_change=True)
        uow.session.add(user)
        uow.session.flush()
        uow.log_access("gebruiker_aanmaken", "user", user.id, (), None)
        uow.commit()
        return _view(user)


def _get(uow: UnitOfWork, username: str) -> User:
    user = uow.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFoundError(f"Gebruiker '{username}' bestaat niet.")
    return user


def _other_active_admins(uow: UnitOfWork, user: User) -> int:
    users = uow.session.execute(select(User).where(User.active.is_(True), User.id != user.id))
    return sum(1 for u in users.scalars() if Role.BEHEERDER.value in u.roles)


@guarded(Permission.USERS_MANAGE)
def update_user(ctx: AppContext, username: str, data: UserInput) -> UserView:
    """Change name, roles, team or municipality (and the password when given)."""
    errors = _validate(data, creating=False)
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
        return _view(user)


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
        return _view(user)


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
        return _view(user)


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
        return _view(user)
