"""Pure hash-chain arithmetic, shared by the writer and the verifier.

``hash_n = SHA-256(prev_hash || canonical_json(seq, name, actor, subject_type, subject_id, payload, created_at))``.
Payload and timestamp are hashed as the exact text stored, so verification never depends on how a backend
round-trips JSON or datetimes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no whitespace, UTF-8 kept (``ensure_ascii=False``)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(
    *,
    prev_hash: str,
    seq: int,
    name: str,
    actor: str,
    subject_type: str,
    subject_id: str,
    payload_json: str,
    created_at: str,
) -> str:
    body = canonical_json([seq, name, actor, subject_type, subject_id, payload_json, created_at])
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()
