"""Queue read models for the console: depth, oldest age and overdue count per queue; the working order.

The working order is the issue's: overdue cases on top, then priority, then oldest first. Overdue is per
queue (its SLA target), so within one queue "overdue" is simply "opened before the queue's cut-off".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, case, func, select

from adwarden.console.sla import SlaState, sla_of, sla_state
from adwarden.domain import Case
from adwarden.policy.model import Policy
from adwarden.storage.sql.convert import case_from_row
from adwarden.storage.sql.tables import cases, posts


@dataclass(frozen=True)
class QueueStats:
    name: str
    description: str
    restricted: bool
    depth: int
    oldest_opened: datetime | None
    overdue: int
    target: timedelta
    state: SlaState

    def oldest_age(self, now: datetime) -> timedelta | None:
        return None if self.oldest_opened is None else now - self.oldest_opened


def queue_stats(conn: Connection, policy: Policy, visible: Sequence[str] | None, *,
                now: datetime | None = None) -> list[QueueStats]:
    """One row per queue the viewer may see (policy queues plus any queue holding open cases)."""
    now = now or datetime.now(UTC)
    q = (select(cases.c.queue, func.count(), func.min(cases.c.opened_at))
         .where(cases.c.status == "open").group_by(cases.c.queue))
    if visible is not None:
        q = q.where(cases.c.queue.in_(list(visible)))
    found = {r[0]: (int(r[1]), r[2]) for r in conn.execute(q)}
    names = [n for n in policy.queues if visible is None or n in visible]
    names += sorted(n for n in found if n not in names)
    out = []
    for name in names:
        depth, oldest = found.get(name, (0, None))
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        target = sla_of(policy, name)
        overdue = 0
        if depth:
            overdue = int(conn.execute(select(func.count()).where(
                cases.c.status == "open", cases.c.queue == name, cases.c.opened_at < now - target)).scalar_one())
        pq = policy.queues.get(name)
        out.append(QueueStats(name=name, description=pq.description if pq else "", restricted=bool(pq and
                              pq.restricted), depth=depth, oldest_opened=oldest, overdue=overdue, target=target,
                              state=sla_state(oldest, target, now)))
    return out


def _ordered(policy: Policy, queue: str, now: datetime) -> Any:
    cutoff = now - sla_of(policy, queue)
    overdue_first = case((cases.c.opened_at < cutoff, 0), else_=1)
    return (select(cases, posts.c.external_id, posts.c.site).join(posts, posts.c.id == cases.c.post_id)
            .where(cases.c.status == "open", cases.c.queue == queue)
            .order_by(overdue_first, cases.c.priority.desc(), cases.c.opened_at, cases.c.id))


def queue_cases(conn: Connection, policy: Policy, queue: str, *, limit: int = 50, offset: int = 0,
                now: datetime | None = None) -> list[Case]:
    """Open cases of ``queue`` in working order."""
    now = now or datetime.now(UTC)
    return [case_from_row(r) for r in conn.execute(_ordered(policy, queue, now).limit(limit).offset(offset))]


def next_case(conn: Connection, policy: Policy, queue: str, *, skip: Sequence[str] = (),
              now: datetime | None = None) -> Case | None:
    """The first open case of ``queue`` in working order, skipping ``skip`` (cases this reviewer passed)."""
    now = now or datetime.now(UTC)
    q = _ordered(policy, queue, now)
    if skip:
        q = q.where(cases.c.id.not_in(list(skip)))
    row = conn.execute(q.limit(1)).first()
    return case_from_row(row) if row is not None else None


def neighbours(conn: Connection, policy: Policy, queue: str, case_id: str, *, window: int = 200,
               now: datetime | None = None) -> tuple[str | None, str | None]:
    """The open cases before and after ``case_id`` in working order (for the previous/next keys)."""
    now = now or datetime.now(UTC)
    ids = [r.id for r in conn.execute(_ordered(policy, queue, now).with_only_columns(cases.c.id).limit(window))]
    if case_id not in ids:
        return None, ids[0] if ids else None
    i = ids.index(case_id)
    return (ids[i - 1] if i > 0 else None), (ids[i + 1] if i + 1 < len(ids) else None)
