"""The action feed and per-event delivery status: what a platform polls, and what an operator inspects.

``GET /v1/actions?after=CURSOR`` returns the same events the webhooks carry, in commit order (``seq``); the
cursor is the last ``seq`` seen, so a poller resumes exactly where it stopped. A platform reads only its own
sites (``sites``); other sites' events are simply not there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adwarden.audit.log import append_event
from adwarden.domain import Actor, InputError, NotFound
from adwarden.permissions import ensure_permission
from adwarden.storage.sql.database import Connection, Database
from adwarden.storage.sql.deliveries_store import DeliveryState, dead_deliveries, deliveries_of_event, requeue
from adwarden.storage.sql.outbox_store import ActionEvent, feed_after, get_action_event


@dataclass(frozen=True)
class FeedPage:
    events: list[dict[str, Any]]
    next_cursor: str


def parse_cursor(raw: str | None) -> int:
    if raw is None or raw == "":
        return 0
    if not raw.isdigit() or len(raw) > 18:
        raise InputError(f"cursor must be a cursor returned by this feed (digits), got {raw!r}", field="after")
    return int(raw)


def read_feed(db: Database, *, after: str | None, actor: Actor, sites: frozenset[str] | None,
              site: str | None = None, limit: int = 100) -> FeedPage:
    ensure_permission(actor, "action:read")
    cursor = parse_cursor(after)
    with db.read() as conn:
        rows = feed_after(conn, cursor, sites=sites, site=site, limit=limit)
    events = [{"cursor": str(seq), "event": json.loads(body)} for seq, body in rows]
    return FeedPage(events, str(rows[-1][0]) if rows else str(cursor))


def _event_row(conn: Connection, event_id: str, sites: frozenset[str] | None) -> ActionEvent:
    row = get_action_event(conn, event_id)
    if row is None or (sites is not None and row.site not in sites):
        raise NotFound(f"action event {event_id} not found")
    return row


def delivery_status(db: Database, event_id: str, *, actor: Actor, sites: frozenset[str] | None) -> dict[str, Any]:
    """The event and each endpoint's delivery: status, attempts, last error, attempt history."""
    ensure_permission(actor, "action:read")
    with db.read() as conn:
        ev = _event_row(conn, event_id, sites)
        rows = deliveries_of_event(conn, ev.seq)
    return {"event": json.loads(ev.payload), "cursor": str(ev.seq),
            "deliveries": [_delivery_json(r) for r in rows]}


def dead_letters(db: Database, *, actor: Actor, sites: frozenset[str] | None, limit: int = 100) -> list[dict[str, Any]]:
    ensure_permission(actor, "webhook:manage")
    with db.read() as conn:
        rows = dead_deliveries(conn, sites=sites, limit=limit)
    return [{"event_id": r.event_id, "site": r.site, **_delivery_json(r)} for r in rows]


def replay(db: Database, *, actor: Actor, sites: frozenset[str] | None, event_ids: list[str] | None = None,
           all_dead: bool = False) -> int:
    """Queue deliveries again (attempts reset): the given events' (any status) or every dead one."""
    ensure_permission(actor, "webhook:manage")
    if not event_ids and not all_dead:
        raise InputError("name event ids to replay, or ask for all dead deliveries", field="event_ids")
    now = datetime.now(UTC)
    with db.transaction() as conn:
        for eid in event_ids or ():
            _event_row(conn, eid, sites)
        n = requeue(conn, event_ids=event_ids or None, sites=sites, now=now)
        append_event(conn, name="webhook-replayed", actor=actor.name, subject_type="webhook", subject_id="deliveries",
                     payload={"event_ids": event_ids or [], "all_dead": all_dead, "deliveries": n})
    return n


def _delivery_json(r: DeliveryState) -> dict[str, Any]:
    return {"endpoint_id": r.endpoint_id, "url": r.url, "status": r.status, "attempts": r.attempts,
            "last_status": r.last_status, "last_error": r.last_error,
            "next_attempt_at": r.next_attempt_at.isoformat() if r.status == "pending" else None,
            "delivered_at": r.delivered_at.isoformat() if r.delivered_at else None, "history": r.history}
