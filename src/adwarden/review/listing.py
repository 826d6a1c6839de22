"""Case lists as reviewers filter them: by queue, status, assignee and SLA state; overdue first.

Restricted queues the actor may not see are filtered in SQL, so they are absent from lists, counts and search
alike (never "hidden" after the fact).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, case, func, or_, select

from adwarden.domain import Actor
from adwarden.permissions import has_permission
from adwarden.policy.model import Policy
from adwarden.review.claims import active_holder
from adwarden.review.sla import SlaState, clock_start, deadline, overdue_clause, sla_state, sla_state_clause
from adwarden.storage.sql.tables import cases, posts
from adwarden.storage.sql.tables_review import case_work


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = "open"  # open | closed | None (all)
    queues: tuple[str, ...] = ()
    assignee: str | None = None  # a name, or "none" for unclaimed
    sla: SlaState | None = None
    search: str | None = None  # external id prefix or post/case id
    kind: str | None = None  # post | appeal


def _base(policy: Policy, actor: Actor, f: CaseFilter, now: datetime) -> Any:
    start = clock_start(cases.c.opened_at, case_work.c.sla_started_at)
    q = (select(cases, posts.c.external_id, posts.c.site, case_work.c.assignee, case_work.c.lease_expires_at,
                case_work.c.sla_started_at, case_work.c.kind)
         .select_from(cases.join(posts, posts.c.id == cases.c.post_id)
                      .outerjoin(case_work, case_work.c.case_id == cases.c.id)))
    if not has_permission(actor, "case:view-restricted") and policy.restricted_queues:
        q = q.where(cases.c.queue.not_in(sorted(policy.restricted_queues)))
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


def list_case_rows(conn: Connection, policy: Policy, *, actor: Actor, f: CaseFilter, limit: int = 100,
                   offset: int = 0, now: datetime | None = None) -> list[dict[str, Any]]:
    t = now or datetime.now(UTC)
    q, start = _base(policy, actor, f, t)
    overdue_first = case((overdue_clause(policy, cases.c.queue, start, t) & (cases.c.status == "open"), 0), else_=1)
    q = q.order_by(overdue_first, cases.c.priority.desc(), cases.c.risk.desc(), cases.c.opened_at, cases.c.id)
    return [case_summary(r, policy, t) for r in conn.execute(q.limit(limit).offset(offset)).all()]


def count_cases(conn: Connection, policy: Policy, *, actor: Actor, f: CaseFilter, now: datetime | None = None) -> int:
    q, _ = _base(policy, actor, f, now or datetime.now(UTC))
    return int(conn.execute(select(func.count()).select_from(q.subquery())).scalar_one())


def case_summary(r: Any, policy: Policy, now: datetime) -> dict[str, Any]:
    started = r.sla_started_at or r.opened_at
    due = deadline(policy, r.queue, started)
    return {
        "id": r.id, "post_id": r.post_id, "external_id": r.external_id, "site": r.site, "status": r.status,
        "kind": r.kind or "post", "queue": r.queue, "priority": r.priority, "risk": r.risk,
        "opened_at": r.opened_at, "updated_at": r.updated_at, "closed_at": r.closed_at,
        "outcome": r.close_reason, "assignee": active_holder(r, now),
        "claim_expires_at": r.lease_expires_at if active_holder(r, now) else None,
        "sla_due_at": due, "sla_state": sla_state(policy, r.queue, started, now) if r.status == "open" else None,
    }
