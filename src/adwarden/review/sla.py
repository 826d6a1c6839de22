"""Per-queue service levels: each queue's ``sla_hours`` in the policy (child safety the shortest).

A case is due ``sla_hours`` after its SLA clock started: when it was opened, or when it was last reopened.
``due-soon`` means less than a quarter of the SLA is left, ``overdue`` that the deadline has passed. Lists put
overdue cases first; the SQL form (:func:`overdue_clause`, in :mod:`adwarden.storage.sql.sla_clauses` and
re-exported here) keeps that ordering in the database, so a page of a 100k-case queue is not sorted in Python.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from adwarden.domain.sla import FALLBACK_SLA, SLA_STATES, SlaState
from adwarden.policy.model import Policy
from adwarden.storage.sql.sla_clauses import (
    clock_start,
    overdue_clause,
    sla_state_clause,
    started_before_clause,
)

__all__ = ["FALLBACK_SLA", "SLA_STATES", "SlaState", "clock_start", "deadline", "overdue_clause", "sla_for",
           "sla_state", "sla_state_clause", "started_before_clause"]


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
