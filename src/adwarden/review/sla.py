"""Per-queue service levels: each queue's ``sla_hours`` in the policy (child safety the shortest).

A case is due ``sla_hours`` after its SLA clock started: when it was opened, or when it was last reopened.
``due-soon`` means less than a quarter of the SLA is left, ``overdue`` that the deadline has passed. Lists put
overdue cases first; the SQL form (:func:`overdue_clause`) keeps that ordering in the database, so a page of
a 100k-case queue is not sorted in Python.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, and_, false, func, or_

from adwarden.policy.model import Policy

SlaState = Literal["ok", "due-soon", "overdue"]
SLA_STATES: tuple[SlaState, ...] = ("ok", "due-soon", "overdue")
#: Queues the policy does not declare (an old case after a policy change) get this SLA.
FALLBACK_SLA = timedelta(hours=24)


def sla_for(policy: Policy, queue: str) -> timedelta:
    q = policy.queues.get(queue)
    return timedelta(hours=q.sla_hours) if q is not None else FALLBACK_SLA


def deadline(policy: Policy, queue: str, started: datetime) -> datetime:
    return started + sla_for(policy, queue)


def sla_state(policy: Policy, queue: str, started: datetime, now: datetime) -> SlaState:
    """>>> from datetime import UTC; from adwarden.policy import load_policy
    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> sla_state(load_policy(), "child-safety", t, t + timedelta(minutes=61))
    'overdue'
    """
    due = deadline(policy, queue, started)
    if now >= due:
        return "overdue"
    if due - now < sla_for(policy, queue) / 4:
        return "due-soon"
    return "ok"


def started_before_clause(
    policy: Policy, queue_col: ColumnElement[str], start_col: ColumnElement[datetime], now: datetime, fraction: float
) -> ColumnElement[bool]:
    """SQL: the clock started more than ``fraction`` of the queue's SLA before ``now`` (per queue, plus the
    fallback for undeclared queues)."""
    parts = [and_(queue_col == q.name, start_col <= now - timedelta(hours=q.sla_hours) * fraction)
             for q in policy.queues.values()]
    declared = list(policy.queues)
    parts.append(and_(queue_col.not_in(declared) if declared else ~false(),
                      start_col <= now - FALLBACK_SLA * fraction))
    return or_(*parts)


def overdue_clause(
    policy: Policy, queue_col: ColumnElement[str], start_col: ColumnElement[datetime], now: datetime
) -> ColumnElement[bool]:
    return started_before_clause(policy, queue_col, start_col, now, 1.0)


def sla_state_clause(
    policy: Policy, state: SlaState, queue_col: ColumnElement[str], start_col: ColumnElement[datetime], now: datetime
) -> ColumnElement[bool]:
    """SQL filter for one SLA state (``GET /v1/cases?sla=overdue``)."""
    overdue = overdue_clause(policy, queue_col, start_col, now)
    soon = started_before_clause(policy, queue_col, start_col, now, 0.75)
    if state == "overdue":
        return overdue
    if state == "due-soon":
        return and_(soon, ~overdue)
    return ~soon


def clock_start(opened_at: ColumnElement[datetime], restarted: ColumnElement[datetime]) -> ColumnElement[datetime]:
    return func.coalesce(restarted, opened_at)
