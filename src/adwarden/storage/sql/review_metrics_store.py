"""The counts behind review metrics: open cases per queue, SLA breaches, decisions per reviewer, appeal
outcomes. Each is one grouped query; :mod:`adwarden.review.metrics` shapes them for the JSON and Prometheus
routes (and decides which queues an actor may see).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, func, select

from adwarden.policy.model import Policy
from adwarden.storage.sql.sla_clauses import clock_start, overdue_clause
from adwarden.storage.sql.tables import cases
from adwarden.storage.sql.tables_review import case_work, review_decisions


def _open_cases() -> Select[Any]:
    return (select(cases.c.queue, func.count(), func.min(cases.c.opened_at))
            .select_from(cases.outerjoin(case_work, case_work.c.case_id == cases.c.id))
            .where(cases.c.status == "open"))


def open_cases_per_queue(conn: Connection) -> dict[str, tuple[int, datetime | None]]:
    """Queue -> (open cases, oldest opening time)."""
    base = _open_cases()
    return {r[0]: (int(r[1]), r[2]) for r in conn.execute(base.group_by(cases.c.queue)).all()}


def overdue_per_queue(conn: Connection, policy: Policy, now: datetime) -> dict[str, int]:
    """Queue -> open cases past their SLA at ``now`` (queues without any are absent)."""
    start = clock_start(cases.c.opened_at, case_work.c.sla_started_at)
    q = (_open_cases().with_only_columns(cases.c.queue, func.count())
         .where(overdue_clause(policy, cases.c.queue, start, now)).group_by(cases.c.queue))
    return {queue: int(n) for queue, n in conn.execute(q).tuples().all()}


def decisions_per_reviewer(conn: Connection, since: datetime) -> dict[str, int]:
    """Reviewer -> decisions made at or after ``since``."""
    return {a: int(n) for a, n in conn.execute(select(review_decisions.c.actor, func.count()).where(
        review_decisions.c.created_at >= since).group_by(review_decisions.c.actor)).tuples().all()}


def appeal_outcome_counts(conn: Connection) -> dict[str, int]:
    """Appeal outcome (``upheld`` / ``overturned``) -> decisions."""
    return {o: int(n) for o, n in conn.execute(select(review_decisions.c.appeal_outcome, func.count()).where(
        review_decisions.c.appeal_outcome.is_not(None)).group_by(review_decisions.c.appeal_outcome)
    ).tuples().all()}
