"""Fingerprints of deployment secrets whose silent change would break stored data.

Every bank entry is stored as an HMAC of the identifier under ``ADWARDEN_BANK_HMAC_KEY``. Start with another
key and every stored entry stops matching: bank hits vanish on the next rescan without any error. So the
first use records a keyed fingerprint of the key (HMAC of a fixed label: it reveals nothing about the key)
and every later start compares it, refusing to run with a different key.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from adwarden.audit.log import append_event
from adwarden.domain import Actor
from adwarden.domain.errors import ConfigError
from adwarden.storage.sql import keys_store
from adwarden.storage.sql.database import Connection

BANK_KEY = "bank_hmac_key"


def fingerprint(secret: bytes) -> str:
    return "hmac-sha256:" + hmac.new(secret, b"adwarden secret fingerprint v1", hashlib.sha256).hexdigest()[:32]


def ensure_bank_key(conn: Connection, key: bytes, *, actor: Actor) -> None:
    """Record the bank key's fingerprint on first use; refuse (:class:`ConfigError`) a different key later."""
    seen = keys_store.find_fingerprint(conn, BANK_KEY)
    mine = fingerprint(key)
    if seen is None:
        keys_store.insert_fingerprint(conn, BANK_KEY, mine, now=datetime.now(UTC))
        append_event(conn, name="secret-fingerprint-recorded", actor=actor.name, subject_type="secret",
                     subject_id=BANK_KEY, payload={"fingerprint": mine})
        return
    if not hmac.compare_digest(seen.fingerprint, mine):
        raise ConfigError(
            "ADWARDEN_BANK_HMAC_KEY differs from the key the stored banks were hashed with (fingerprint "
            f"{seen.fingerprint} recorded {seen.recorded_at:%Y-%m-%d}); with it every bank entry would silently "
            "stop matching. Restore the original key, or re-import the banks after `adwarden keys forget-bank-key`."
        )


def forget_bank_key(conn: Connection, *, actor: Actor) -> None:
    """Drop the recorded fingerprint (before re-importing every bank under a new key)."""
    keys_store.delete_fingerprint(conn, BANK_KEY)
    append_event(conn, name="secret-fingerprint-forgotten", actor=actor.name, subject_type="secret",
                 subject_id=BANK_KEY, payload={})
