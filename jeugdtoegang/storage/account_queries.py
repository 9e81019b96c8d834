"""Reads and writes of the local accounts and their login state (``user``, ``login_state``).

A login never changes the account row: failed attempts, locks and the last login live in
``login_state``, keyed by the case-folded user name.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jeugdtoegang.storage.models.login_state import LoginState
from jeugdtoegang.storage.models.security import User


def any_user_exists(session: Session) -> bool:
    return session.execute(select(User.id).limit(1)).first() is not None


def user_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(User)).scalar_one()


def user_named(session: Session, username: str) -> User | None:
    """The account with exactly this user name (as stored), or None."""
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def the_user_named(session: Session, username: str) -> User:
    """The account with exactly this user name; NoResultFound when there is none."""
    return session.execute(select(User).where(User.username == username)).scalar_one()


def username_taken(session: Session, username: str) -> bool:
    return session.execute(select(User.id).where(User.username == username)).first() is not None


def active_users(session: Session) -> Iterable[User]:
    return session.execute(select(User).where(User.active.is_(True))).scalars()


def other_active_users(session: Session, user_id: uuid.UUID) -> Iterable[User]:
    return session.execute(select(User).where(User.active.is_(True), User.id != user_id)).scalars()


def users_by_name(session: Session) -> Iterable[User]:
    return session.execute(select(User).order_by(User.username)).scalars()


def must_change_flag(session: Session, username: str) -> bool | None:
    return session.execute(
        select(User.must_change_password).where(User.username == username)
    ).scalar()


def login_states(session: Session) -> dict[str, LoginState]:
    """Every login state, by (case-folded) user name."""
    return {state.username: state for state in session.execute(select(LoginState)).scalars()}


def locked_login_state(session: Session, key: str) -> LoginState:
    """The login-state row of a user name, locked for this transaction (made if new)."""
    query = select(LoginState).where(LoginState.username == key).with_for_update()
    state = session.execute(query).scalar_one_or_none()
    if state is None:
        try:
            with session.begin_nested():
                state = LoginState(username=key, failed_attempts=0)
                session.add(state)
        except IntegrityError:  # made by a parallel attempt just now
            state = session.execute(query).scalar_one()
    return state


def delete_login_state(session: Session, username: str) -> None:
    """Forget failed attempts and a lock of a user name."""
    session.execute(delete(LoginState).where(LoginState.username == username.casefold()))
