"""Storing the console's own records: reviewers' accounts, their server-side sessions and case comments.

Why a module of its own: the console's services decide what a sign-in, a password change or a comment means
(which checks run, which audit event is written, when sessions are revoked); this module only knows how those
decisions become rows, so no console module holds SQL. Rows come back as the frozen records below, never as
SQLAlchemy rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from adwarden.storage.sql.tables_console import case_comments, console_sessions, console_users


@dataclass(frozen=True)
class StoredUser:
    """A console user's row; ``preferences`` holds only what the user changed (defaults are the service's)."""

    name: str
    password_hash: str
    roles: tuple[str, ...]
    disabled: bool
    preferences: Mapping[str, Any]


@dataclass(frozen=True)
class StoredSession:
    id_hash: str
    user_name: str
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime
    exposures: int


@dataclass(frozen=True)
class StoredComment:
    author: str
    body: str
    created_at: datetime


# -- users ------------------------------------------------------------------------------------------------------

def _user(row: Any) -> StoredUser:
    return StoredUser(name=row.name, password_hash=row.password_hash, roles=tuple(row.roles),
                      disabled=bool(row.disabled), preferences=dict(row.preferences or {}))


def find_user(conn: Connection, name: str) -> StoredUser | None:
    row = conn.execute(select(console_users).where(console_users.c.name == name)).first()
    return _user(row) if row is not None else None


def all_users(conn: Connection) -> list[StoredUser]:
    """Every console user, by name."""
    return [_user(r) for r in conn.execute(select(console_users).order_by(console_users.c.name))]


def insert_user(conn: Connection, *, name: str, password_hash: str, roles: Sequence[str], now: datetime) -> None:
    conn.execute(insert(console_users).values(name=name, password_hash=password_hash, roles=list(roles),
                                              disabled=False, preferences={}, created_at=now, updated_at=now))


def update_user(conn: Connection, name: str, *, now: datetime, roles: Sequence[str] | None = None,
                password_hash: str | None = None, disabled: bool | None = None,
                preferences: Mapping[str, Any] | None = None) -> None:
    """Store the given fields of ``name`` (those left ``None`` keep their value)."""
    values: dict[str, Any] = {"updated_at": now}
    if roles is not None:
        values["roles"] = list(roles)
    if password_hash is not None:
        values["password_hash"] = password_hash
    if disabled is not None:
        values["disabled"] = disabled
    if preferences is not None:
        values["preferences"] = dict(preferences)
    conn.execute(update(console_users).where(console_users.c.name == name).values(**values))


def store_password_hash(conn: Connection, name: str, password_hash: str) -> None:
    """Replace the hash only (a rehash on sign-in is no change of the account: ``updated_at`` stays)."""
    conn.execute(update(console_users).where(console_users.c.name == name).values(password_hash=password_hash))


# -- sessions ---------------------------------------------------------------------------------------------------

def insert_session(conn: Connection, *, id_hash: str, user_name: str, csrf_token: str, now: datetime,
                   expires_at: datetime) -> None:
    conn.execute(insert(console_sessions).values(id_hash=id_hash, user_name=user_name, csrf_token=csrf_token,
                                                 created_at=now, expires_at=expires_at, last_seen_at=now,
                                                 exposures=0))


def find_session(conn: Connection, id_hash: str) -> StoredSession | None:
    r = conn.execute(select(console_sessions).where(console_sessions.c.id_hash == id_hash)).first()
    if r is None:
        return None
    return StoredSession(id_hash=r.id_hash, user_name=r.user_name, csrf_token=r.csrf_token, created_at=r.created_at,
                         expires_at=r.expires_at, last_seen_at=r.last_seen_at, exposures=int(r.exposures))


def delete_session(conn: Connection, id_hash: str) -> None:
    conn.execute(delete(console_sessions).where(console_sessions.c.id_hash == id_hash))


def delete_expired_sessions(conn: Connection, now: datetime) -> None:
    conn.execute(delete(console_sessions).where(console_sessions.c.expires_at < now))


def delete_user_sessions(conn: Connection, user_name: str) -> int:
    """End every session of ``user_name``; returns how many there were."""
    return int(conn.execute(delete(console_sessions).where(console_sessions.c.user_name == user_name)).rowcount or 0)


def touch_session(conn: Connection, id_hash: str, *, now: datetime, seen_before: datetime) -> None:
    """Move ``last_seen_at`` to ``now`` when the stored time is older than ``seen_before``."""
    conn.execute(update(console_sessions).where(console_sessions.c.id_hash == id_hash,
                                                console_sessions.c.last_seen_at < seen_before)
                 .values(last_seen_at=now))


def count_exposure(conn: Connection, id_hash: str) -> int:
    """One more media item revealed in the session; returns the session's count so far."""
    conn.execute(update(console_sessions).where(console_sessions.c.id_hash == id_hash)
                 .values(exposures=console_sessions.c.exposures + 1))
    return int(conn.execute(select(console_sessions.c.exposures)
                            .where(console_sessions.c.id_hash == id_hash)).scalar_one())


# -- comments ---------------------------------------------------------------------------------------------------

def insert_comment(conn: Connection, *, case_id: str, author: str, body: str, now: datetime) -> None:
    conn.execute(insert(case_comments).values(case_id=case_id, author=author, body=body, created_at=now))


def comments_of(conn: Connection, case_id: str) -> list[StoredComment]:
    """The case's comments, oldest first."""
    rows = conn.execute(select(case_comments).where(case_comments.c.case_id == case_id).order_by(case_comments.c.id))
    return [StoredComment(author=r.author, body=r.body, created_at=r.created_at) for r in rows]
