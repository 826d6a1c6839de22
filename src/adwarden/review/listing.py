"""Case lists as reviewers filter them: by queue, status, assignee and SLA state; overdue first.

Restricted queues the actor may not see are filtered in SQL, so they are absent from lists, counts and search
alike (never "hidden" after the fact).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adwarden.domain import Actor
from adwarden.domain.case_filter import CaseFilter
from adwarden.domain.review_case import ReviewCase
from adwarden.permissions import has_permission
from adwarden.policy.model import Policy
from adwarden.review.claims import active_holder
from adwarden.review.sla import deadline, sla_state
from adwarden.storage.sql.case_lists_store import count_filtered_cases, list_filtered_cases
from adwarden.storage.sql.database import Connection

__all__ = ["CaseFilter", "case_summary", "count_cases", "list_case_rows"]


def _hidden(policy: Policy, actor: Actor) -> frozenset[str]:
    """The queues this actor may not see: filtered out in SQL, so absent from lists and counts alike."""
    return frozenset() if has_permission(actor, "case:view-restricted") else frozenset(policy.restricted_queues)


def list_case_rows(conn: Connection, policy: Policy, *, actor: Actor, f: CaseFilter, limit: int = 100,
                   offset: int = 0, now: datetime | None = None) -> list[dict[str, Any]]:
    t = now or datetime.now(UTC)
    rows = list_filtered_cases(conn, policy, f, hidden_queues=_hidden(policy, actor), now=t, limit=limit,
                               offset=offset)
    return [case_summary(r, policy, t) for r in rows]


def count_cases(conn: Connection, policy: Policy, *, actor: Actor, f: CaseFilter, now: datetime | None = None) -> int:
    return count_filtered_cases(conn, policy, f, hidden_queues=_hidden(policy, actor), now=now or datetime.now(UTC))


def case_summary(r: ReviewCase, policy: Policy, now: datetime) -> dict[str, Any]:
    started = r.sla_started_at or r.opened_at
    due = deadline(policy, r.queue, started)
    return {
        "id": r.id, "post_id": r.post_id, "external_id": r.external_id, "site": r.site, "status": str(r.status),
        "kind": r.kind or "post", "queue": r.queue, "priority": r.priority, "risk": r.risk,
        "opened_at": r.opened_at, "updated_at": r.updated_at, "closed_at": r.closed_at,
        "outcome": r.close_reason, "assignee": active_holder(r, now),
        "claim_expires_at": r.lease_expires_at if active_holder(r, now) else None,
        "sla_due_at": due, "sla_state": sla_state(policy, r.queue, started, now) if r.status == "open" else None,
    }
