"""Webhook signatures: HMAC-SHA256 with the endpoint's secret over ``TIMESTAMP + "." + BODY``.

Why the timestamp is signed with the body: a captured request cannot be replayed later with a fresh
timestamp header. Receivers recompute the HMAC, compare in constant time and refuse timestamps older than
their tolerance (5 minutes by default).

>>> h = sign_headers("s3cret", "evt-1", b'{"a":1}', timestamp=1700000000)
>>> verify("s3cret", h, b'{"a":1}', now=1700000010)
True
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

SIGNATURE_HEADER = "X-AdWarden-Signature"
TIMESTAMP_HEADER = "X-AdWarden-Timestamp"
EVENT_HEADER = "X-AdWarden-Event-Id"
IDEMPOTENCY_HEADER = "Idempotency-Key"
SEQUENCE_HEADER = "X-AdWarden-Sequence"
DEFAULT_TOLERANCE = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def sign_headers(secret: str, event_id: str, body: bytes, *, timestamp: int | None = None,
                 sequence: int | None = None) -> dict[str, str]:
    """Headers of one delivery; ``sequence`` is the event's feed cursor (webhooks may arrive out of order)."""
    ts = int(time.time()) if timestamp is None else timestamp
    headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: str(ts),
               SIGNATURE_HEADER: signature(secret, ts, body), EVENT_HEADER: event_id, IDEMPOTENCY_HEADER: event_id,
               "User-Agent": "AdWarden-Webhooks/1"}
    if sequence is not None:
        headers[SEQUENCE_HEADER] = str(sequence)
    return headers


def verify(secret: str, headers: Mapping[str, str], body: bytes, *, now: float | None = None,
           tolerance: int = DEFAULT_TOLERANCE) -> bool:
    """True when the signature matches and the timestamp is within ``tolerance`` seconds."""
    lower = {k.lower(): v for k, v in headers.items()}
    raw_ts = lower.get(TIMESTAMP_HEADER.lower(), "")
    given = lower.get(SIGNATURE_HEADER.lower(), "")
    if not raw_ts.isdigit():
        return False
    ts = int(raw_ts)
    if abs((time.time() if now is None else now) - ts) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, ts, body), given)
