"""Storing webhook deliveries (``webhook_deliveries``): claiming due ones, recording attempts, dead letters
and replays.

Why a module of its own: the sender decides when to retry and when to give up, and the feed service decides
who may look; this module only knows the rows. A claim pushes ``next_attempt_at`` forward by a lease (so a
sender killed mid-round leaves its deliveries to be retried, never lost), and ``SKIP LOCKED`` lets several
senders share one PostgreSQL database.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, tuple_, update

from adwarden.storage.sql.tables_review import action_events, webhook_deliveries, webhook_endpoints

_d = webhook_deliveries


@dataclass(frozen=True)
class DueDelivery:
    """A claimed delivery with what sending it needs: the event's key and body, the endpoint's URL and secret."""

    event_seq: int
    endpoint_id: str
    event_id: str
    body: str
    url: str
    secret: str
    attempts: int
    history: list[dict[str, Any]]


@dataclass(frozen=True)
class DeliveryState:
    """One delivery as an operator inspects it (``event_id`` / ``site`` only on the dead-letter list)."""

    endpoint_id: str
    url: str
    status: str
    attempts: int
    last_status: int | None
    last_error: str | None
    next_attempt_at: datetime
    delivered_at: datetime | None
    history: list[dict[str, Any]]
    event_id: str | None = None
    site: str | None = None


@dataclass(frozen=True)
class Attempt:
    """The outcome of one send, to record: ``next_attempt_at`` None means no retry is scheduled by it."""

    event_seq: int
    endpoint_id: str
    attempts: int
    last_status: int | None
    last_error: str | None
    history: list[dict[str, Any]]
    next_attempt_at: datetime | None = None


def claim_due(conn: Connection, *, now: datetime, lease_until: datetime, limit: int) -> list[DueDelivery]:
    """Up to ``limit`` pending deliveries due at ``now`` to active endpoints, oldest event first, their
    ``next_attempt_at`` pushed to ``lease_until``."""
    e, ep = action_events, webhook_endpoints
    q = (select(_d.c.event_seq, _d.c.endpoint_id, _d.c.attempts, _d.c.history, e.c.id, e.c.payload, ep.c.url,
                ep.c.secret)
         .join(e, e.c.seq == _d.c.event_seq).join(ep, ep.c.id == _d.c.endpoint_id)
         .where(_d.c.status == "pending", _d.c.next_attempt_at <= now, ep.c.active.is_(True))
         .order_by(_d.c.event_seq).limit(limit).with_for_update(of=_d, skip_locked=True))
    rows = conn.execute(q).all()
    if rows:
        conn.execute(update(_d).where(tuple_(_d.c.event_seq, _d.c.endpoint_id).in_(
            [(r.event_seq, r.endpoint_id) for r in rows])).values(next_attempt_at=lease_until))
    return [DueDelivery(r.event_seq, r.endpoint_id, r.id, r.payload, r.url, r.secret, r.attempts,
                        list(r.history or [])) for r in rows]


def _pending(a: Attempt) -> Any:
    return update(_d).where(_d.c.event_seq == a.event_seq, _d.c.endpoint_id == a.endpoint_id,
                            _d.c.status == "pending")


def record_failure(conn: Connection, a: Attempt, *, dead: bool) -> None:
    """A failed attempt: retry at ``a.next_attempt_at``, or (``dead``) move it to the dead-letter list."""
    values: dict[str, Any] = {"attempts": a.attempts, "last_status": a.last_status, "last_error": a.last_error,
                              "history": a.history}
    if dead:
        values["status"] = "dead"
    else:
        values["next_attempt_at"] = a.next_attempt_at
    conn.execute(_pending(a).values(**values))


def record_delivered(conn: Connection, attempts: Sequence[Attempt], *, now: datetime) -> None:
    """Successful attempts, in one executemany (the common case)."""
    if not attempts:
        return
    conn.execute(update(_d).where(_d.c.event_seq == bindparam("k_seq"), _d.c.endpoint_id == bindparam("k_ep"),
                                  _d.c.status == "pending")
                 .values(status="delivered", last_error=None, delivered_at=now),
                 [{"k_seq": a.event_seq, "k_ep": a.endpoint_id, "attempts": a.attempts,
                   "last_status": a.last_status, "history": a.history} for a in attempts])


def _state(r: Any, **extra: Any) -> DeliveryState:
    return DeliveryState(r.endpoint_id, r.url, r.status, r.attempts, r.last_status, r.last_error,
                         r.next_attempt_at, r.delivered_at, r.history, **extra)


def deliveries_of_event(conn: Connection, event_seq: int) -> list[DeliveryState]:
    rows = conn.execute(select(_d, webhook_endpoints.c.url)
                        .join(webhook_endpoints, webhook_endpoints.c.id == _d.c.endpoint_id)
                        .where(_d.c.event_seq == event_seq)).all()
    return [_state(r) for r in rows]


def dead_deliveries(conn: Connection, *, sites: Collection[str] | None, limit: int) -> list[DeliveryState]:
    """The dead-letter list, oldest event first, of ``sites`` (None: any)."""
    q = (select(_d, webhook_endpoints.c.url, action_events.c.id.label("event_id"), action_events.c.site)
         .join(webhook_endpoints, webhook_endpoints.c.id == _d.c.endpoint_id)
         .join(action_events, action_events.c.seq == _d.c.event_seq)
         .where(_d.c.status == "dead"))
    if sites is not None:
        q = q.where(action_events.c.site.in_(sorted(sites)))
    rows = conn.execute(q.order_by(_d.c.event_seq).limit(limit)).all()
    return [_state(r, event_id=r.event_id, site=r.site) for r in rows]


def requeue(conn: Connection, *, event_ids: Sequence[str] | None, sites: Collection[str] | None,
            now: datetime) -> int:
    """Queue deliveries again with attempts reset: those of ``event_ids`` (any status), or with None every dead
    one; only events of ``sites`` (None: any). Returns how many."""
    q = select(_d.c.event_seq, _d.c.endpoint_id).join(action_events, action_events.c.seq == _d.c.event_seq)
    q = q.where(action_events.c.id.in_(list(event_ids))) if event_ids else q.where(_d.c.status == "dead")
    if sites is not None:
        q = q.where(action_events.c.site.in_(sorted(sites)))
    targets = conn.execute(q).all()
    for t in targets:
        conn.execute(update(_d).where(_d.c.event_seq == t.event_seq, _d.c.endpoint_id == t.endpoint_id)
                     .values(status="pending", attempts=0, next_attempt_at=now, delivered_at=None))
    return len(targets)
