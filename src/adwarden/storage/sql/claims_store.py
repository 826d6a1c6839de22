"""Finding the next case to hand a reviewer, in one indexed, lock-skipping query.

Why in storage: the order (priority, then oldest), the lease test and the appeal rule (never the reviewer whose
decision the appeal contests) have to be one SQL statement with ``SKIP LOCKED``, so that concurrent reviewers
claiming from one queue never wait on or take the same case. The claim itself is written by the caller
through :func:`adwarden.storage.sql.cases_store.set_case_work`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, or_, select

from adwarden.domain.review_case import ReviewCase
from adwarden.storage.sql.cases_store import case_with_work_select, review_case_from_row
from adwarden.storage.sql.tables import cases
from adwarden.storage.sql.tables_review import case_work, review_decisions


def next_claimable_case(conn: Connection, queue: str, *, reviewer: str, now: datetime) -> ReviewCase | None:
    """The highest-priority, then oldest, open case of ``queue`` that nobody holds at ``now`` and that does
    not appeal ``reviewer``'s own decision, locked for update (cases other transactions hold are skipped)."""
    contested = select(review_decisions.c.actor).where(review_decisions.c.id == case_work.c.appeal_of)
    q = (case_with_work_select()
         .where(cases.c.status == "open", cases.c.queue == queue,
                or_(case_work.c.lease_expires_at.is_(None), case_work.c.lease_expires_at <= now),
                or_(case_work.c.appeal_of.is_(None), contested.scalar_subquery() != reviewer))
         .order_by(cases.c.priority.desc(), cases.c.opened_at, cases.c.id)
         .limit(1)
         .with_for_update(of=cases, skip_locked=True))
    row = conn.execute(q).first()
    return None if row is None else review_case_from_row(row)
