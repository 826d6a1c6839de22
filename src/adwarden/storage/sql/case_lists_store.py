"""Case lists as reviewers filter them, in SQL: filters, counts and "overdue first" ordering.

Why in the database: lists page through queues of 100k cases, and restricted queues must be absent from
lists, counts and search alike, so both the filter and the order are part of the query. Which queues an actor
may not see is the caller's decision (``hidden_queues``).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, case, func, or_, select

from adwarden.domain.case_filter import CaseFilter
from adwarden.domain.review_case import ReviewCase
from adwarden.policy.model import Policy
from adwarden.storage.sql.cases_store import review_case_from_row
from adwarden.storage.sql.sla_clauses import clock_start, overdue_clause, sla_state_clause
from adwarden.storage.sql.tables import cases, posts
from adwarden.storage.sql.tables_review import case_work


def _filtered(policy: Policy, f: CaseFilter, hidden_queues: Collection[str], now: datetime) -> tuple[Any, Any]:
    start = clock_start(cases.c.opened_at, case_work.c.sla_started_at)
    q = (select(cases, posts.c.external_id, posts.c.site, case_work.c.assignee, case_work.c.lease_expires_at,
                case_work.c.sla_started_at, case_work.c.kind)
         .select_from(cases.join(posts, posts.c.id == cases.c.post_id)
                      .outerjoin(case_work, case_work.c.case_id == cases.c.id)))
    if hidden_queues:
        q = q.where(cases.c.queue.not_in(sorted(hidden_queues)))
    if f.status:
        q = q.where(cases.c.status == f.status)
    if f.queues:
        q = q.where(cases.c.queue.in_(list(f.queues)))
    if f.assignee == "none":
        q = q.where(or_(case_work.c.assignee.is_(None), case_work.c.lease_expires_at <= now))
    elif f.assignee:
        q = q.where(case_work.c.assignee == f.assignee, case_work.c.lease_expires_at > now)
    if f.sla:
        q = q.where(cases.c.status == "open", sla_state_clause(policy, f.sla, cases.c.queue, start, now))
    if f.kind == "appeal":
        q = q.where(case_work.c.kind == "appeal")
    elif f.kind == "post":
        q = q.where(or_(case_work.c.kind.is_(None), case_work.c.kind == "post"))
    if f.search:
        q = q.where(or_(posts.c.external_id.startswith(f.search, autoescape=True), cases.c.id == f.search,
                        cases.c.post_id == f.search))
    return q, start


def list_filtered_cases(conn: Connection, policy: Policy, f: CaseFilter, *, hidden_queues: Collection[str],
                        now: datetime, limit: int, offset: int) -> list[ReviewCase]:
    """One page: overdue open cases first, then highest priority, highest risk, oldest."""
    q, start = _filtered(policy, f, hidden_queues, now)
    overdue_first = case((overdue_clause(policy, cases.c.queue, start, now) & (cases.c.status == "open"), 0),
                         else_=1)
    q = q.order_by(overdue_first, cases.c.priority.desc(), cases.c.risk.desc(), cases.c.opened_at, cases.c.id)
    return [review_case_from_row(r) for r in conn.execute(q.limit(limit).offset(offset)).all()]


def count_filtered_cases(conn: Connection, policy: Policy, f: CaseFilter, *, hidden_queues: Collection[str],
                         now: datetime) -> int:
    q, _ = _filtered(policy, f, hidden_queues, now)
    return int(conn.execute(select(func.count()).select_from(q.subquery())).scalar_one())
