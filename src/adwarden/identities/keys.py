"""API keys: created with roles, shown once, stored as SHA-256, expired or revoked, never compared as text.

Why hashed: a database copy (backup, replica, an insider's dump) must not hand out working keys. Why a
high-entropy key is enough with SHA-256 (no slow KDF): keys are 32 random bytes, so there is nothing to guess.
Keys from settings (``ADWARDEN_API_KEYS``, for development and bootstrap) are hashed in memory when read and
compared in constant time, like stored ones.

Example::

    plaintext, key = create_key(db, actor_name="ingest-bot", roles={"platform"}, actor=admin)
    assert authenticate(conn, plaintext, now=now).name == "ingest-bot"
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from adwarden.audit.log import append_event
from adwarden.domain import Actor, InputError, NotFound
from adwarden.domain.api_keys import StoredKey as StoredKey  # re-exported: it was defined here
from adwarden.permissions import ROLES
from adwarden.storage.ids import new_id
from adwarden.storage.sql import keys_store
from adwarden.storage.sql.database import Connection, Database

PREFIX = "awk_"
#: Shortest key accepted anywhere in production (settings keys included).
MIN_KEY_BYTES = 32


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _check_roles(roles: Iterable[str]) -> tuple[str, ...]:
    out = tuple(sorted({r.strip() for r in roles if r.strip()}))
    unknown = [r for r in out if r not in ROLES]
    if not out or unknown:
        raise InputError(f"roles must be among {', '.join(sorted(ROLES))} (got {', '.join(unknown) or 'none'})",
                         record="api key", field="roles")
    return out


def create_key(db: Database, *, actor_name: str, roles: Iterable[str], actor: Actor,
               expires_at: datetime | None = None, note: str = "") -> tuple[str, StoredKey]:
    """A new key for ``actor_name`` with ``roles``; returns the plaintext (show it once) and the record."""
    if not actor_name.strip() or len(actor_name) > 200:
        raise InputError("must be 1 to 200 characters", record="api key", field="actor")
    role_list = _check_roles(roles)
    plaintext = PREFIX + secrets.token_urlsafe(MIN_KEY_BYTES)
    now = datetime.now(UTC)
    key_id = new_id("k")
    key = StoredKey(key_id, actor_name, role_list, note, actor.name, now, expires_at, None)
    with db.transaction() as conn:
        keys_store.insert_key(conn, key, key_hash=hash_key(plaintext))
        append_event(conn, name="api-key-created", actor=actor.name, subject_type="api_key", subject_id=key_id,
                     payload={"actor": actor_name, "roles": list(role_list),
                              "expires_at": expires_at.isoformat() if expires_at else None})
    return plaintext, key


def list_keys(conn: Connection) -> list[StoredKey]:
    return keys_store.all_keys(conn)


def _change(db: Database, key_id: str, *, actor: Actor, event: str, field: str, at: datetime) -> StoredKey:
    with db.transaction() as conn:
        changed = keys_store.change_key(conn, key_id, **{field: at})
        if changed is None:
            raise NotFound(f"no API key {key_id!r}")
        append_event(conn, name=event, actor=actor.name, subject_type="api_key", subject_id=key_id,
                     payload={field: at.isoformat()})
        return changed


def expire_key(db: Database, key_id: str, *, at: datetime, actor: Actor) -> StoredKey:
    """Let the key stop working at ``at`` (now or later)."""
    return _change(db, key_id, actor=actor, event="api-key-expired", field="expires_at", at=at)


def revoke_key(db: Database, key_id: str, *, actor: Actor) -> StoredKey:
    """Stop the key at once, for good (a leaked key)."""
    return _change(db, key_id, actor=actor, event="api-key-revoked", field="revoked_at", at=datetime.now(UTC))


def parse_actor_spec(spec: str) -> Actor:
    """``"alice:moderator,child-safety"`` -> Actor(alice, {moderator, child-safety})."""
    name, _, roles = spec.partition(":")
    return Actor(name=name, roles=frozenset(r.strip() for r in roles.split(",") if r.strip()))


class SettingsKeys:
    """The keys from ``ADWARDEN_API_KEYS``, held only as hashes and compared in constant time."""

    def __init__(self, keys: Mapping[str, str]) -> None:
        self._entries = [(bytes.fromhex(hash_key(k)), parse_actor_spec(spec)) for k, spec in keys.items()]

    def __bool__(self) -> bool:
        return bool(self._entries)

    def lookup(self, key: str) -> Actor | None:
        digest = bytes.fromhex(hash_key(key))
        found = None
        for stored, actor in self._entries:  # every entry compared: the time does not depend on the match
            if hmac.compare_digest(stored, digest):
                found = actor
        return found


def authenticate(conn: Connection, key: str, *, now: datetime) -> Actor | None:
    """The actor of an active stored key, or None (unknown, expired or revoked)."""
    found = keys_store.key_by_hash(conn, hash_key(key))
    if found is None:
        return None
    stored, stored_hash = found
    if not hmac.compare_digest(stored_hash, hash_key(key)) or not stored.active(now):
        return None
    return Actor(name=stored.actor, roles=frozenset(stored.roles))


def any_active_key(conn: Connection, *, now: datetime) -> bool:
    return any(k.active(now) for k in list_keys(conn))
