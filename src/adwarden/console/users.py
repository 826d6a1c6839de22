"""Console users: names, roles and argon2id password hashes, created by ``adwarden users add``.

Why argon2id (argon2-cffi's defaults): it is the OWASP-recommended memory-hard hash; ``check_needs_rehash``
lets stored hashes follow the library's parameters as they are raised. Roles are the API's roles
(:data:`adwarden.permissions.ROLES`), so a console user can do exactly what an API key with the same roles can.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from adwarden.audit.log import append_event
from adwarden.domain import Actor, Conflict, InputError, NotFound
from adwarden.permissions import ROLES
from adwarden.storage.sql import console_store
from adwarden.storage.sql.console_store import StoredUser
from adwarden.storage.sql.database import Connection, Database

MIN_PASSWORD_CHARS = 12
_hasher = PasswordHasher()
#: Verified against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("adwarden-no-such-user")

#: Wellness defaults: blur and greyscale on, re-blur a revealed item after this many seconds.
DEFAULT_PREFERENCES: Mapping[str, Any] = {"blur": True, "greyscale": True, "reblur_seconds": 10}


@dataclass(frozen=True)
class ConsoleUser:
    name: str
    roles: frozenset[str]
    disabled: bool = False
    preferences: Mapping[str, Any] = field(default_factory=lambda: dict(DEFAULT_PREFERENCES))

    @property
    def actor(self) -> Actor:
        return Actor(name=self.name, roles=self.roles)


def _check_roles(roles: Iterable[str]) -> frozenset[str]:
    out = frozenset(r.strip() for r in roles if r.strip())
    if not out:
        raise InputError("at least one role is required", field="role")
    unknown = sorted(out - set(ROLES))
    if unknown:
        raise InputError(f"unknown role(s) {', '.join(unknown)}; choose from {', '.join(sorted(ROLES))}",
                         field="role")
    return out


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200 or not all(c.isalnum() or c in "._-@" for c in name):
        raise InputError("user names are 1-200 letters, digits, '.', '_', '-' or '@'", field="name")
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise InputError(f"passwords need at least {MIN_PASSWORD_CHARS} characters", field="password")


def _from_stored(row: StoredUser) -> ConsoleUser:
    prefs = {**DEFAULT_PREFERENCES, **row.preferences}
    return ConsoleUser(name=row.name, roles=frozenset(row.roles), disabled=row.disabled, preferences=prefs)


def add_user(db: Database, name: str, password: str, roles: Iterable[str], *, actor: Actor) -> ConsoleUser:
    """Create a console user; a taken name is a :class:`Conflict` (change it with :func:`change_user`)."""
    name, role_set = _check_name(name), _check_roles(roles)
    _check_password(password)
    now = datetime.now(UTC)
    with db.transaction() as conn:
        if console_store.find_user(conn, name) is not None:
            raise Conflict(f"console user {name} already exists")
        console_store.insert_user(conn, name=name, password_hash=_hasher.hash(password), roles=sorted(role_set),
                                  now=now)
        append_event(conn, name="console-user-created", actor=actor.name, subject_type="console-user",
                     subject_id=name, payload={"roles": sorted(role_set)})
    return ConsoleUser(name=name, roles=role_set)


def change_user(db: Database, name: str, *, actor: Actor, roles: Iterable[str] | None = None,
                password: str | None = None, disabled: bool | None = None) -> ConsoleUser:
    """Change roles, password or the enabled state. Disabling or a new password revokes the user's sessions."""
    new_roles = sorted(_check_roles(roles)) if roles is not None else None
    changed: list[str] = ["roles"] if new_roles is not None else []
    password_hash = None
    if password is not None:
        _check_password(password)
        password_hash = _hasher.hash(password)
        changed.append("password")
    if disabled is not None:
        changed.append("disabled" if disabled else "enabled")
    if not changed:
        raise InputError("nothing to change: give roles, a password or enable/disable", field="(record)")
    with db.transaction() as conn:
        get_user(conn, name)
        console_store.update_user(conn, name, now=datetime.now(UTC), roles=new_roles, password_hash=password_hash,
                                  disabled=disabled)
        if password is not None or disabled:
            revoke_user_sessions(conn, name, actor=actor)
        append_event(conn, name="console-user-changed", actor=actor.name, subject_type="console-user",
                     subject_id=name, payload={"changed": changed, **({"roles": new_roles}
                                                                      if new_roles is not None else {})})
        return get_user(conn, name)


def set_preferences(db: Database, name: str, prefs: Mapping[str, Any], *, actor: Actor) -> ConsoleUser:
    """Store a user's wellness preferences (blur, greyscale, re-blur seconds between 3 and 120)."""
    clean: dict[str, Any] = {"blur": bool(prefs.get("blur")), "greyscale": bool(prefs.get("greyscale"))}
    try:
        seconds = int(prefs.get("reblur_seconds", DEFAULT_PREFERENCES["reblur_seconds"]))
    except (TypeError, ValueError):
        raise InputError("re-blur time must be a whole number of seconds", field="reblur_seconds") from None
    if not 3 <= seconds <= 120:
        raise InputError("re-blur time must be between 3 and 120 seconds", field="reblur_seconds")
    clean["reblur_seconds"] = seconds
    with db.transaction() as conn:
        get_user(conn, name)
        console_store.update_user(conn, name, now=datetime.now(UTC), preferences=clean)
        append_event(conn, name="console-preferences-changed", actor=actor.name, subject_type="console-user",
                     subject_id=name, payload=clean)
        return get_user(conn, name)


def get_user(conn: Connection, name: str) -> ConsoleUser:
    row = console_store.find_user(conn, name)
    if row is None:
        raise NotFound(f"console user {name} not found")
    return _from_stored(row)


def list_users(conn: Connection) -> list[ConsoleUser]:
    return [_from_stored(r) for r in console_store.all_users(conn)]


def authenticate(conn: Connection, name: str, password: str) -> ConsoleUser | None:
    """The user if ``password`` is theirs and they are enabled; ``None`` otherwise (never says which part failed)."""
    row = console_store.find_user(conn, name)
    try:
        _hasher.verify(row.password_hash if row is not None else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        console_store.store_password_hash(conn, name, _hasher.hash(password))
    return _from_stored(row)


def revoke_user_sessions(conn: Connection, name: str, *, actor: Actor) -> int:
    """End every session of ``name`` (a new password, a disabled account): audited when there were any."""
    count = console_store.delete_user_sessions(conn, name)
    if count:
        append_event(conn, name="console-signed-out", actor=actor.name, subject_type="console-user",
                     subject_id=name, payload={"revoked_sessions": count})
    return count
