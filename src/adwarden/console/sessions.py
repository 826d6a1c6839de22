"""Server-side console sessions: a random id in an HttpOnly cookie, its SHA-256 in ``console_sessions``.

Why server-side: logout, a password change and expiry must revoke at once, which a signed cookie cannot do.
Sign-in always issues a *new* id and deletes the session the browser came with (no session fixation). Each
session carries its own CSRF token (synchronizer-token pattern); every unsafe request must echo it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from adwarden.audit.log import append_event
from adwarden.console.users import ConsoleUser, get_user
from adwarden.storage.sql import console_store
from adwarden.storage.sql.database import Connection

#: A session ends this long after sign-in (a shift), or after IDLE without a request.
SESSION_LIFETIME = timedelta(hours=10)
IDLE_TIMEOUT = timedelta(minutes=60)
#: ``last_seen_at`` is written at most this often, so reading pages does not turn into a write per request.
_TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Session:
    id_hash: str
    user: ConsoleUser
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    exposures: int


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def start_session(conn: Connection, user: ConsoleUser, *, previous_id: str | None = None,
                  now: datetime | None = None) -> str:
    """Issue a fresh session for ``user`` (revoking ``previous_id``); returns the id to put in the cookie."""
    now = now or datetime.now(UTC)
    if previous_id:
        console_store.delete_session(conn, _digest(previous_id))
    console_store.delete_expired_sessions(conn, now)
    session_id = secrets.token_urlsafe(32)
    console_store.insert_session(conn, id_hash=_digest(session_id), user_name=user.name,
                                 csrf_token=secrets.token_urlsafe(32), now=now, expires_at=now + SESSION_LIFETIME)
    append_event(conn, name="console-signed-in", actor=user.name, subject_type="console-user",
                 subject_id=user.name, payload={"session": _digest(session_id)[:12]})
    return session_id


def load_session(conn: Connection, session_id: str, *, now: datetime | None = None) -> Session | None:
    """The live session for a cookie value, or ``None`` (unknown, expired, idle too long, user disabled)."""
    now = now or datetime.now(UTC)
    row = console_store.find_session(conn, _digest(session_id))
    if row is None or row.expires_at <= now or row.last_seen_at + IDLE_TIMEOUT <= now:
        return None
    user = get_user(conn, row.user_name)
    if user.disabled:
        return None
    return Session(id_hash=row.id_hash, user=user, csrf_token=row.csrf_token, created_at=row.created_at,
                   expires_at=row.expires_at, exposures=row.exposures)


def touch_session(conn: Connection, id_hash: str, *, now: datetime | None = None) -> None:
    """Record activity (idle timeout); only when the stored time is older than a minute."""
    now = now or datetime.now(UTC)
    console_store.touch_session(conn, id_hash, now=now, seen_before=now - _TOUCH_EVERY)


def end_session(conn: Connection, session: Session) -> None:
    console_store.delete_session(conn, session.id_hash)
    append_event(conn, name="console-signed-out", actor=session.user.name, subject_type="console-user",
                 subject_id=session.user.name, payload={"session": session.id_hash[:12]})


def count_exposure(conn: Connection, id_hash: str) -> int:
    """Count one revealed item against the session; returns the session's count so far."""
    return console_store.count_exposure(conn, id_hash)
