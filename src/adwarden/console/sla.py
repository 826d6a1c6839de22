"""Service-level targets per queue: how long a case may wait before it is overdue.

Why derived from the queue's priority: the policy file names queues and their priority but (today) no target
time; a child-safety case must be looked at within the hour, a general one within a day. The table is data,
documented in docs/console.md, and the queue page shows the target it applies.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from adwarden.policy.model import Policy

#: (minimum queue priority, target). The first row whose priority the queue reaches applies.
SLA_BY_PRIORITY: tuple[tuple[int, timedelta], ...] = (
    (100, timedelta(hours=1)),
    (70, timedelta(hours=4)),
    (0, timedelta(hours=24)),
)
#: A queue is "at risk" once its oldest case has used this share of the target.
AT_RISK_SHARE = 0.75


class SlaState(StrEnum):
    OK = "ok"
    AT_RISK = "at-risk"
    BREACHED = "breached"
    EMPTY = "empty"


def sla_of(policy: Policy, queue: str) -> timedelta:
    q = policy.queues.get(queue)
    priority = q.priority if q is not None else 0
    for floor, target in SLA_BY_PRIORITY:
        if priority >= floor:
            return target
    return SLA_BY_PRIORITY[-1][1]


def sla_state(oldest_opened: datetime | None, target: timedelta, now: datetime) -> SlaState:
    """The queue's state from its oldest open case.

    >>> from datetime import UTC
    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> sla_state(t, timedelta(hours=1), t + timedelta(minutes=50)).value
    'at-risk'
    """
    if oldest_opened is None:
        return SlaState.EMPTY
    age = now - oldest_opened
    if age >= target:
        return SlaState.BREACHED
    if age >= target * AT_RISK_SHARE:
        return SlaState.AT_RISK
    return SlaState.OK


def format_age(delta: timedelta) -> str:
    """``timedelta(minutes=95)`` -> ``'1h 35m'``."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m"
    return f"{mins}m"
