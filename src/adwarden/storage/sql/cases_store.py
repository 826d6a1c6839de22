"""Storing cases as the review loop changes them: the ``cases`` row and its ``case_work`` row.

Why a module of its own: the review services decide when a case opens, moves, closes or reopens and what the
audit log says about it; this module only knows how those changes become rows, and hands cases back as
:class:`~adwarden.domain.review_case.ReviewCase` / :class:`~adwarden.domain.Case`, never as database rows.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, insert, select, update

from adwarden.domain import Case
from adwarden.domain.review_case import ReviewCase
from adwarden.storage.sql.convert import case_from_row
from adwarden.storage.sql.tables import cases
from adwarden.storage.sql.tables_review import case_work, review_decisions

_WORK_COLUMNS = ("kind", "assignee", "claimed_at", "lease_expires_at", "sla_started_at", "appeal_of", "appellant")


def case_with_work_select() -> Select[Any]:
    """The case joined with its work row (claim, SLA clock, appeal link); ``kind`` is None without a work row."""
    return (select(cases, *(case_work.c[name] for name in _WORK_COLUMNS))
            .select_from(cases.outerjoin(case_work, case_work.c.case_id == cases.c.id)))


def review_case_from_row(r: Any) -> ReviewCase:
    """A row of :func:`case_with_work_select` (optionally with the post's site and external id) as a domain
    object; columns a query left out are None."""
    m = r._mapping
    case = case_from_row(r)
    return ReviewCase(**{f.name: getattr(case, f.name) for f in fields(Case)},
                      **{name: m.get(name) for name in _WORK_COLUMNS})


def lock_review_case(conn: Connection, case_id: str, *, lock: bool = True) -> ReviewCase | None:
    """The case with its work row, locked for update (``lock``); None when there is no such case.

    Locking and reading are two statements on purpose: on PostgreSQL (READ COMMITTED) a statement that waited
    for another transaction's lock on the case re-checks only the case row, and would still return the work row
    (the claim) from before that transaction committed. The read after the lock sees what it committed."""
    if lock:
        if conn.execute(select(cases.c.id).where(cases.c.id == case_id).with_for_update()).first() is None:
            return None
    row = conn.execute(case_with_work_select().where(cases.c.id == case_id)).first()
    return None if row is None else review_case_from_row(row)


def find_open_case(conn: Connection, post_id: str, *, lock: bool = False) -> Case | None:
    """The post's open case (at most one), locked for update when ``lock``."""
    q = select(cases).where(cases.c.post_id == post_id, cases.c.status == "open").limit(1)
    if lock:
        q = q.with_for_update()
    row = conn.execute(q).first()
    return None if row is None else case_from_row(row)


def last_decided_closed_case(conn: Connection, post_id: str) -> Case | None:
    """The post's most recent closed case, if a reviewer's decision closed it."""
    row = conn.execute(select(cases).where(cases.c.post_id == post_id, cases.c.status == "closed")
                       .order_by(cases.c.closed_at.desc()).limit(1)).first()
    if row is None:
        return None
    decided = conn.execute(select(review_decisions.c.id).where(review_decisions.c.case_id == row.id).limit(1)
                           ).first()
    return case_from_row(row) if decided is not None else None


def insert_case(conn: Connection, *, case_id: str, post_id: str, queue: str, priority: int, risk: float,
                now: datetime) -> None:
    """A new open case for the post."""
    conn.execute(insert(cases), [{
        "id": case_id, "post_id": post_id, "status": "open", "queue": queue, "priority": priority,
        "risk": risk, "opened_at": now, "updated_at": now}])


def route_case(conn: Connection, case_id: str, *, priority: int, now: datetime, queue: str | None = None,
               risk: float | None = None, only_open: bool = False) -> None:
    """Move the case to ``queue`` (when given) at ``priority`` (and ``risk``, when given); ``only_open`` leaves
    a case that closed meanwhile alone."""
    values: dict[str, Any] = {"priority": priority, "updated_at": now}
    if queue is not None:
        values["queue"] = queue
    if risk is not None:
        values["risk"] = risk
    q = update(cases).where(cases.c.id == case_id)
    if only_open:
        q = q.where(cases.c.status == "open")
    conn.execute(q.values(**values))


def close_case(conn: Connection, case_id: str, *, reason: str, now: datetime, risk: float | None = None) -> None:
    """Close the case (if it is still open) with ``reason``; ``risk`` records the verdict that closed it."""
    values: dict[str, Any] = {"status": "closed", "closed_at": now, "updated_at": now, "close_reason": reason}
    if risk is not None:
        values["risk"] = risk
    conn.execute(update(cases).where(cases.c.id == case_id, cases.c.status == "open").values(**values))


def reopen_case_row(conn: Connection, case_id: str, *, now: datetime, queue: str | None = None,
                    priority: int | None = None, risk: float | None = None) -> None:
    """Open a closed case again (closing time and reason cleared), optionally in another queue."""
    values: dict[str, Any] = {"status": "open", "closed_at": None, "close_reason": None, "updated_at": now}
    for name, value in (("queue", queue), ("priority", priority), ("risk", risk)):
        if value is not None:
            values[name] = value
    conn.execute(update(cases).where(cases.c.id == case_id).values(**values))


def set_case_work(conn: Connection, case_id: str, *, exists: bool | None = None, **values: Any) -> None:
    """Update the case's work row, creating it (kind ``post`` unless ``kind`` is given) on first use. ``exists``
    (when the caller read the row already) saves the statement that would find out."""
    if exists is False or (exists is None and conn.execute(
            update(case_work).where(case_work.c.case_id == case_id).values(**values)).rowcount == 0):
        conn.execute(insert(case_work).values(case_id=case_id, kind=values.pop("kind", "post"), **values))
    elif exists:
        conn.execute(update(case_work).where(case_work.c.case_id == case_id).values(**values))
