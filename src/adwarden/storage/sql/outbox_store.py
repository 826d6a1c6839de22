"""Storing action events: the outbox (``action_events``) with one delivery row per active endpoint, and the
feed that platforms poll.

Ordering: ``seq`` is the polling cursor, so events must become visible in ``seq`` order. On PostgreSQL two
transactions could take sequence numbers in one order and commit in the other, and a poller would skip the
late one; :func:`queue_action_event` therefore takes the audit head's row lock first (every writing
transaction takes it anyway before commit), which makes outbox writers commit in ``seq`` order. SQLite
writers are serial already.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Connection, insert, literal, select

from adwarden.storage.sql.tables import audit_head
from adwarden.storage.sql.tables_review import action_events, webhook_deliveries, webhook_endpoints
from adwarden.storage.sql.types import UTCDateTime


@dataclass(frozen=True)
class ActionEvent:
    """A stored action event: its cursor (``seq``), idempotency key (``id``), site and exact JSON body."""

    seq: int
    id: str
    site: str
    type: str
    post_id: str | None
    payload: str
    created_at: datetime


def queue_action_event(conn: Connection, *, event_id: str, site: str, event_type: str, post_id: str | None,
                       body: str, now: datetime) -> int:
    """Store the event and a pending delivery for every active endpoint of its site; returns its ``seq``."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(audit_head.c.id).where(audit_head.c.id == 1).with_for_update())
    seq: int = conn.execute(insert(action_events).values(
        id=event_id, site=site, type=event_type, post_id=post_id, payload=body, created_at=now,
    ).returning(action_events.c.seq)).scalar_one()
    # One delivery per active endpoint of the site, in one INSERT ... SELECT.
    conn.execute(insert(webhook_deliveries).from_select(
        ["event_seq", "endpoint_id", "status", "attempts", "next_attempt_at", "history"],
        select(literal(seq), webhook_endpoints.c.id, literal("pending"), literal(0),
               literal(now, type_=UTCDateTime()), literal([], type_=JSON()))
        .where(webhook_endpoints.c.site == site, webhook_endpoints.c.active.is_(True))))
    return seq


def feed_after(conn: Connection, cursor: int, *, sites: Collection[str] | None, site: str | None,
               limit: int) -> list[tuple[int, str]]:
    """(seq, body) of the events after ``cursor``, in ``seq`` order, of ``sites`` (None: any) and ``site``."""
    q = select(action_events.c.seq, action_events.c.payload).where(action_events.c.seq > cursor)
    if sites is not None:
        q = q.where(action_events.c.site.in_(sorted(sites)))
    if site is not None:
        q = q.where(action_events.c.site == site)
    return [(int(r.seq), r.payload) for r in conn.execute(q.order_by(action_events.c.seq).limit(limit)).all()]


def get_action_event(conn: Connection, event_id: str) -> ActionEvent | None:
    r = conn.execute(select(action_events).where(action_events.c.id == event_id)).first()
    return None if r is None else ActionEvent(int(r.seq), r.id, r.site, r.type, r.post_id, r.payload, r.created_at)
