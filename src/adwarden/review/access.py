"""Reading a case row for a change, as its actor may see it: restricted queues look like missing cases.

Why not-found rather than forbidden: a 403 on a child-safety case would confirm to a general moderator that a
case about a suspected minor exists for that post. Every service function that touches one case goes through
:func:`lock_case`, so the rule holds for claims, decisions, reopen and detail alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, Select, select

from adwarden.domain import Actor, NotFound
from adwarden.permissions import has_permission
from adwarden.policy.model import Policy
from adwarden.storage.sql.tables import cases
from adwarden.storage.sql.tables_review import case_work


def may_see_queue(actor: Actor, policy: Policy, queue: str) -> bool:
    return queue not in policy.restricted_queues or has_permission(actor, "case:view-restricted")


def case_select() -> Select[Any]:
    """The case joined with its work row (claim, SLA clock, appeal link); ``kind`` is None without a work row."""
    return (select(cases, case_work.c.kind, case_work.c.assignee, case_work.c.claimed_at,
                   case_work.c.lease_expires_at, case_work.c.sla_started_at, case_work.c.appeal_of,
                   case_work.c.appellant)
            .select_from(cases.outerjoin(case_work, case_work.c.case_id == cases.c.id)))


def lock_case(conn: Connection, case_id: str, *, actor: Actor, policy: Policy, lock: bool = True) -> Row[Any]:
    """The case joined with its work row, locked for update; restricted cases look missing."""
    q = case_select().where(cases.c.id == case_id)
    if lock:
        q = q.with_for_update(of=cases)
    row = conn.execute(q).first()
    if row is None or not may_see_queue(actor, policy, row.queue):
        raise NotFound(f"case {case_id} not found")
    return row
