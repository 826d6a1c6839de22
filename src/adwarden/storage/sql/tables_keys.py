"""Tables of identities and deployment secrets: API keys (stored hashed) and secret fingerprints.

An API key is shown once when created and only its SHA-256 is stored: a copy of the database (a backup, a
replica, an insider's dump) does not give anyone a working key. ``secret_fingerprints`` records a keyed
fingerprint of secrets whose change would silently break stored data (the bank HMAC key: every stored bank
entry is a keyed hash under it), so a changed secret is detected and refused instead.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table, Text

from adwarden.storage.sql.columns import actor, created_by, moment, text_key
from adwarden.storage.sql.tables import metadata
from adwarden.storage.sql.types import UTCDateTime

api_keys = Table(
    "api_keys",
    metadata,
    text_key(),
    Column("key_hash", String(64), nullable=False, unique=True),
    actor(),
    Column("roles", Text, nullable=False),
    Column("note", Text, nullable=False, default=""),
    *created_by(),
    Column("expires_at", UTCDateTime()),
    Column("revoked_at", UTCDateTime()),
    Index("ix_api_keys_actor", "actor"),
)

secret_fingerprints = Table(
    "secret_fingerprints",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("fingerprint", String(80), nullable=False),
    moment("recorded_at"),
)
