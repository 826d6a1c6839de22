"""Per-queue SLA tests as SQL, so case lists can filter and order by SLA state in the database.

A page of a 100k-case queue must not be sorted in Python: :func:`overdue_clause` keeps "overdue first" an
``ORDER BY``. The rules are those of :mod:`adwarden.review.sla` (due ``sla_hours`` after the clock started;
due-soon once less than a quarter is left), which re-exports these functions.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, false, func, or_

from adwarden.domain.sla import FALLBACK_SLA, SlaState
from adwarden.policy.model import Policy


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
