"""Queue read models for the console, over the review loop's services.

Depth, oldest age and SLA breaches come from :func:`adwarden.review.metrics.review_metrics`; the working order
(overdue first, then priority, then oldest) and case rows from :func:`adwarden.review.listing.list_case_rows`,
so the console shows exactly what ``GET /v1/cases`` and ``/v1/metrics`` say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from adwarden.domain import Actor
from adwarden.policy.model import Policy
from adwarden.review.listing import CaseFilter, list_case_rows
from adwarden.review.metrics import review_metrics
from adwarden.review.sla import sla_for
from adwarden.storage.sql.database import Connection
from adwarden.storage.sql.queue_store import working_order_ids


@dataclass(frozen=True)
class QueueStats:
    name: str
    description: str
    restricted: bool
    depth: int
    oldest_age: timedelta | None
    overdue: int
    target: timedelta

    @property
    def state(self) -> str:
        """``empty``, ``overdue`` (a case is past its SLA), ``due-soon`` (the oldest used 3/4) or ``ok``."""
        if not self.depth or self.oldest_age is None:
            return "empty"
        if self.overdue:
            return "overdue"
        return "due-soon" if self.oldest_age >= self.target * 0.75 else "ok"


def queue_stats(conn: Connection, policy: Policy, *, actor: Actor, now: datetime | None = None) -> list[QueueStats]:
    """One row per queue the actor may see (restricted queues are absent, not zero)."""
    metrics = review_metrics(conn, policy, actor=actor, now=now or datetime.now(UTC))
    out = []
    for name, m in metrics["queues"].items():
        q = policy.queues.get(name)
        out.append(QueueStats(name=name, description=q.description if q else "", restricted=bool(q and q.restricted),
                              depth=int(m["depth"]), overdue=int(m["sla_breaches"]), target=sla_for(policy, name),
                              oldest_age=timedelta(seconds=m["oldest_age_seconds"]) if m["depth"] else None))
    out.sort(key=lambda s: (-(policy.queues[s.name].priority if s.name in policy.queues else 0), s.name))
    return out


def queue_rows(conn: Connection, policy: Policy, queue: str, *, actor: Actor, limit: int = 50, offset: int = 0,
               now: datetime | None = None) -> list[dict[str, Any]]:
    return list_case_rows(conn, policy, actor=actor, f=CaseFilter(queues=(queue,)), limit=limit, offset=offset,
                          now=now)


def _working_order_ids(conn: Connection, policy: Policy, queue: str, *, limit: int, now: datetime) -> list[str]:
    """Only the ids, in :func:`list_case_rows`' order (overdue first by the queue's SLA, then priority, risk,
    age): the case page needs its neighbours, not 200 full summaries."""
    return working_order_ids(conn, queue, overdue_before=now - sla_for(policy, queue), limit=limit)


def neighbours(conn: Connection, policy: Policy, queue: str, case_id: str, *, actor: Actor, window: int = 200,
               now: datetime | None = None) -> tuple[str | None, str | None]:
    """The open cases before and after ``case_id`` in working order (for the previous/next keys). The caller
    has checked that ``actor`` may see ``queue``."""
    ids = _working_order_ids(conn, policy, queue, limit=window, now=now or datetime.now(UTC))
    if case_id not in ids:
        return None, ids[0] if ids else None
    i = ids.index(case_id)
    return (ids[i - 1] if i > 0 else None), (ids[i + 1] if i + 1 < len(ids) else None)
