"""Storing API keys (by their SHA-256, never the plaintext) and the fingerprints of deployment secrets.

Why a module of its own: the identities service decides what a key may do and when a changed secret must be
refused; this module only knows how keys and fingerprints become rows. A key's roles are stored as one
comma-separated text column; callers see them as a tuple.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from adwarden.domain.api_keys import StoredKey
from adwarden.storage.sql.tables_keys import api_keys, secret_fingerprints


@dataclass(frozen=True)
class SecretFingerprint:
    fingerprint: str
    recorded_at: datetime


def _key(r: Any) -> StoredKey:
    return StoredKey(r.id, r.actor, tuple(x for x in r.roles.split(",") if x), r.note, r.created_by, r.created_at,
                     r.expires_at, r.revoked_at)


def insert_key(conn: Connection, key: StoredKey, *, key_hash: str) -> None:
    conn.execute(insert(api_keys), [{"id": key.id, "key_hash": key_hash, "actor": key.actor,
                                     "roles": ",".join(key.roles), "note": key.note, "created_by": key.created_by,
                                     "created_at": key.created_at, "expires_at": key.expires_at,
                                     "revoked_at": key.revoked_at}])


def all_keys(conn: Connection) -> list[StoredKey]:
    """Every stored key, oldest first."""
    return [_key(r) for r in conn.execute(select(api_keys).order_by(api_keys.c.created_at))]


def key_by_hash(conn: Connection, key_hash: str) -> tuple[StoredKey, str] | None:
    """The key stored under ``key_hash`` and the stored hash itself (for a constant-time comparison)."""
    row = conn.execute(select(api_keys).where(api_keys.c.key_hash == key_hash)).first()
    return (_key(row), str(row.key_hash)) if row is not None else None


def change_key(conn: Connection, key_id: str, *, expires_at: datetime | None = None,
               revoked_at: datetime | None = None) -> StoredKey | None:
    """Set the given times on the key; the changed key, or ``None`` when there is no such key."""
    values: Mapping[str, datetime] = {k: v for k, v in (("expires_at", expires_at), ("revoked_at", revoked_at))
                                      if v is not None}
    if conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(**values)).rowcount != 1:
        return None
    return _key(conn.execute(select(api_keys).where(api_keys.c.id == key_id)).one())


def find_fingerprint(conn: Connection, name: str) -> SecretFingerprint | None:
    row = conn.execute(select(secret_fingerprints.c.fingerprint, secret_fingerprints.c.recorded_at)
                       .where(secret_fingerprints.c.name == name)).first()
    return SecretFingerprint(row.fingerprint, row.recorded_at) if row is not None else None


def insert_fingerprint(conn: Connection, name: str, fingerprint: str, *, now: datetime) -> None:
    conn.execute(insert(secret_fingerprints), [{"name": name, "fingerprint": fingerprint, "recorded_at": now}])


def delete_fingerprint(conn: Connection, name: str) -> None:
    conn.execute(delete(secret_fingerprints).where(secret_fingerprints.c.name == name))
