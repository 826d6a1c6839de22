"""Reading a case for a change, as its actor may see it: restricted queues look like missing cases.

Why not-found rather than forbidden: a 403 on a child-safety case would confirm to a general moderator that a
case about a suspected minor exists for that post. Every service function that touches one case goes through
:func:`lock_case`, so the rule holds for claims, decisions, reopen and detail alike.
"""

from __future__ import annotations

from adwarden.domain import Actor, NotFound
from adwarden.domain.review_case import ReviewCase
from adwarden.permissions import has_permission
from adwarden.policy.model import Policy
from adwarden.storage.sql.cases_store import lock_review_case
from adwarden.storage.sql.database import Connection


def may_see_queue(actor: Actor, policy: Policy, queue: str) -> bool:
    return queue not in policy.restricted_queues or has_permission(actor, "case:view-restricted")


def lock_case(conn: Connection, case_id: str, *, actor: Actor, policy: Policy, lock: bool = True) -> ReviewCase:
    """The case joined with its work row, locked for update; restricted cases look missing."""
    row = lock_review_case(conn, case_id, lock=lock)
    if row is None or not may_see_queue(actor, policy, row.queue):
        raise NotFound(f"case {case_id} not found")
    return row
