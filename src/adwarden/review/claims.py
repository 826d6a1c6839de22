"""Work assignment: a reviewer claims a case as a lease, so no two reviewers hold one case.

A claim lasts ``lease`` (10 minutes by default) and is renewable by its holder; after it expires anyone may take
the case (the takeover records ``case-lease-expired`` first). ``claim_next`` hands out the highest-priority,
then oldest, unclaimed case of a queue; an appeal case is never handed to the reviewer whose decision it
contests. Every claim, renewal, release, expiry and reassignment is an audit event in the same transaction.

>>> # claim = claim_next(db, "general", actor=mia, policy=policy)  # then decide or release(claim.case_id)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from adwarden.audit.log import append_event
from adwarden.domain import Actor, Conflict, InputError, NotFound
from adwarden.domain.review_case import ReviewCase
from adwarden.permissions import ensure_permission, has_permission
from adwarden.policy.model import Policy
from adwarden.review.access import lock_case, may_see_queue
from adwarden.storage.sql.cases_store import lock_review_case, set_case_work
from adwarden.storage.sql.claims_store import next_claimable_case
from adwarden.storage.sql.database import Connection, Database
from adwarden.storage.sql.decisions_store import decision_actor

DEFAULT_LEASE = timedelta(minutes=10)
MAX_LEASE = timedelta(hours=8)


@dataclass(frozen=True)
class Claim:
    case_id: str
    assignee: str
    claimed_at: datetime
    expires_at: datetime


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _check_lease(lease: timedelta) -> None:
    if not timedelta(seconds=1) <= lease <= MAX_LEASE:
        raise InputError(f"lease must be between 1 second and {MAX_LEASE}, got {lease}", field="lease")


def active_holder(row: Any, now: datetime) -> str | None:
    """Who holds the case's lease at ``now`` (None when unclaimed or expired). ``row``: a
    :class:`ReviewCase` or anything else with ``assignee`` and ``lease_expires_at`` (a console view)."""
    if row.assignee is None or row.lease_expires_at is None or row.lease_expires_at <= now:
        return None
    return str(row.assignee)


def _held_by(row: ReviewCase, holder: str) -> Conflict:
    until = row.lease_expires_at.isoformat() if row.lease_expires_at is not None else "?"
    return Conflict(f"case {row.id} is claimed by {holder} until {until}")


def set_work(conn: Connection, case_id: str, *, exists: bool | None = None, **values: Any) -> None:
    """Update the case's work row, creating it (kind ``post``) on first use. ``exists`` (when the caller read
    the row already) saves the statement that would find out."""
    set_case_work(conn, case_id, exists=exists, **values)


def _take(conn: Connection, row: ReviewCase, *, actor: Actor, lease: timedelta, now: datetime, how: str) -> Claim:
    if row.assignee is not None and row.lease_expires_at is not None and row.lease_expires_at <= now \
            and row.assignee != actor.name:
        append_event(conn, name="case-lease-expired", actor=actor.name, subject_type="case", subject_id=row.id,
                     payload={"assignee": row.assignee, "expired_at": row.lease_expires_at.isoformat()})
    expires = now + lease
    set_work(conn, row.id, exists=row.kind is not None, assignee=actor.name, claimed_at=now,
             lease_expires_at=expires)
    append_event(conn, name="case-claimed", actor=actor.name, subject_type="case", subject_id=row.id,
                 payload={"queue": row.queue, "expires_at": expires.isoformat(), "how": how})
    return Claim(row.id, actor.name, now, expires)


@contextmanager
def _open_for_change(db: Database, case_id: str, *, actor: Actor, policy: Policy, now: datetime | None,
                     refusal: str) -> Iterator[tuple[Connection, ReviewCase, datetime]]:
    """A write transaction holding the case locked; :class:`Conflict` (saying ``refusal``) unless it is open."""
    t = _now(now)
    with db.transaction() as conn:
        row = lock_case(conn, case_id, actor=actor, policy=policy)
        if row.status != "open":
            raise Conflict(f"case {case_id} is {row.status}; {refusal}")
        yield conn, row, t


def claim_case(db: Database, case_id: str, *, actor: Actor, policy: Policy, lease: timedelta = DEFAULT_LEASE,
               now: datetime | None = None) -> Claim:
    """Claim one open case; :class:`Conflict` when someone else holds an unexpired lease."""
    ensure_permission(actor, "case:decide")
    _check_lease(lease)
    with _open_for_change(db, case_id, actor=actor, policy=policy, now=now,
                          refusal="only open cases can be claimed") as (conn, row, t):
        holder = active_holder(row, t)
        if holder is not None and holder != actor.name:
            raise _held_by(row, holder)
        _refuse_own_appeal(conn, row, actor)
        return _take(conn, row, actor=actor, lease=lease, now=t, how="direct")


def claim_next(db: Database, queue: str, *, actor: Actor, policy: Policy, lease: timedelta = DEFAULT_LEASE,
               now: datetime | None = None) -> Claim | None:
    """Claim the highest-priority, then oldest, unclaimed open case of ``queue``; None when there is none."""
    ensure_permission(actor, "case:decide")
    _check_lease(lease)
    if queue not in policy.queues or not may_see_queue(actor, policy, queue):
        raise NotFound(f"queue {queue!r} not found (queues: {', '.join(q for q in policy.queues if may_see_queue(actor, policy, q))})")
    t = _now(now)
    with db.transaction() as conn:
        while True:
            found = next_claimable_case(conn, queue, reviewer=actor.name, now=t)
            if found is None:
                return None
            # Read the claim again now that the case is locked: on PostgreSQL the lock-skipping query may have
            # waited for a reviewer who claimed this very case and still show it unclaimed (see
            # lock_review_case). A case taken meanwhile is skipped; the next query no longer offers it.
            row = lock_review_case(conn, found.id)
            if row is not None and row.status == "open" and active_holder(row, t) is None:
                return _take(conn, row, actor=actor, lease=lease, now=t, how="next")


def renew(db: Database, case_id: str, *, actor: Actor, policy: Policy, lease: timedelta = DEFAULT_LEASE,
          now: datetime | None = None) -> Claim:
    """Extend the holder's lease; after expiry the holder may renew only if nobody took the case."""
    ensure_permission(actor, "case:decide")
    _check_lease(lease)
    with _open_for_change(db, case_id, actor=actor, policy=policy, now=now,
                          refusal="there is no claim to renew") as (conn, row, t):
        if row.assignee != actor.name:
            who = active_holder(row, t)
            raise Conflict(f"case {case_id} is not claimed by {actor.name}" + (f" (held by {who})" if who else ""))
        expires = t + lease
        set_work(conn, case_id, lease_expires_at=expires)
        append_event(conn, name="case-lease-renewed", actor=actor.name, subject_type="case", subject_id=case_id,
                     payload={"expires_at": expires.isoformat()})
        return Claim(case_id, actor.name, row.claimed_at or t, expires)


def release(db: Database, case_id: str, *, actor: Actor, policy: Policy, now: datetime | None = None) -> None:
    """Give the case back to its queue (the holder, anyone once the lease expired, or a lead with
    ``case:assign``)."""
    ensure_permission(actor, "case:decide")
    t = _now(now)
    with db.transaction() as conn:
        row = lock_case(conn, case_id, actor=actor, policy=policy)
        holder = active_holder(row, t)
        if row.assignee is None:
            raise Conflict(f"case {case_id} is not claimed")
        if holder is not None and holder != actor.name and not has_permission(actor, "case:assign"):
            raise Conflict(f"case {case_id} is claimed by {holder}; only they (or case:assign) may release it")
        set_work(conn, case_id, assignee=None, claimed_at=None, lease_expires_at=None)
        append_event(conn, name="case-released", actor=actor.name, subject_type="case", subject_id=case_id,
                     payload={"assignee": row.assignee})


def reassign(db: Database, case_id: str, to: str, *, actor: Actor, policy: Policy,
             lease: timedelta = DEFAULT_LEASE, now: datetime | None = None) -> Claim:
    """A lead hands an open case to ``to`` (needs ``case:assign``), whoever held it."""
    ensure_permission(actor, "case:assign")
    _check_lease(lease)
    if not to.strip():
        raise InputError("name the reviewer to assign the case to", field="to")
    with _open_for_change(db, case_id, actor=actor, policy=policy, now=now,
                          refusal="only open cases can be reassigned") as (conn, row, t):
        expires = t + lease
        set_work(conn, case_id, assignee=to, claimed_at=t, lease_expires_at=expires)
        append_event(conn, name="case-reassigned", actor=actor.name, subject_type="case", subject_id=case_id,
                     payload={"from": active_holder(row, t), "to": to, "expires_at": expires.isoformat()})
        return Claim(case_id, to, t, expires)


def _refuse_own_appeal(conn: Connection, row: ReviewCase, actor: Actor) -> None:
    if row.appeal_of is None:
        return
    decider = decision_actor(conn, row.appeal_of)
    if decider == actor.name:
        raise Conflict(f"case {row.id} appeals {actor.name}'s own decision; a different reviewer must take it")


def ensure_may_decide(conn: Connection, row: ReviewCase, *, actor: Actor, now: datetime) -> None:
    """A decision needs an open case not claimed by someone else (and, on an appeal, another reviewer)."""
    if row.status != "open":
        raise Conflict(f"case {row.id} is {row.status}; reopen it before deciding again")
    holder = active_holder(row, now)
    if holder is not None and holder != actor.name:
        raise _held_by(row, holder)
    _refuse_own_appeal(conn, row, actor)


__all__ = ["DEFAULT_LEASE", "Claim", "active_holder", "claim_case", "claim_next", "ensure_may_decide",
           "reassign", "release", "renew", "set_work"]
