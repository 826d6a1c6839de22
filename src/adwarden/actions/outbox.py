"""Writing action events to the outbox, inside the caller's transaction.

Why an outbox: sending a webhook from inside the decision's transaction would either announce a decision that
then rolls back, or lose the announcement when the process dies after commit. The event row and one delivery
row per active endpoint of the site are committed with the decision; the worker sends them afterwards.

Ordering: ``seq`` is the polling cursor, so events must become visible in ``seq`` order. On PostgreSQL two
transactions could take sequence numbers in one order and commit in the other, and a poller would skip the
late one; storage (:func:`adwarden.storage.sql.outbox_store.queue_action_event`) therefore takes the audit
head's row lock first, which makes outbox writers commit in ``seq`` order. SQLite writers are serial already.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from adwarden.storage.ids import new_id
from adwarden.storage.sql.database import Connection
from adwarden.storage.sql.outbox_store import queue_action_event

EVENT_TYPES = ("post.enforcement", "account.enforcement")


def event_body(event_id: str, event_type: str, site: str, created_at: datetime, data: dict[str, Any]) -> str:
    """The exact JSON text delivered by webhook and by the feed (compact, keys sorted)."""
    doc = {"id": event_id, "type": event_type, "site": site, "created_at": created_at.isoformat(), "data": data}
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def emit(conn: Connection, *, site: str, event_type: str, data: dict[str, Any], post_id: str | None = None,
         now: datetime | None = None) -> str:
    """Queue one action event (and its deliveries) in ``conn``'s transaction; returns its idempotency key."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown action event type {event_type!r}")
    t = now or datetime.now(UTC)
    event_id = new_id("evt")
    queue_action_event(conn, event_id=event_id, site=site, event_type=event_type, post_id=post_id,
                       body=event_body(event_id, event_type, site, t, data), now=t)
    return event_id
