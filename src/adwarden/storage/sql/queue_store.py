"""Reading the queues: a queue's open cases in working order, how deep the queues were on a past day, and which
posts sit in a given set of queues.

Why a module of its own: the console's queue pages, its dashboard and the API's restricted-data guard all ask
these questions of ``cases``; the meaning (which queues a viewer may see, what a queue's SLA is, what counts as
restricted) stays with the callers, who pass it in as plain values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, case, func, or_, select, true

from adwarden.storage.sql.tables import cases, posts
from adwarden.storage.sql.tables_reporting import ncmec_reports
from adwarden.storage.sql.tables_review import case_work


def working_order_ids(conn: Connection, queue: str, *, overdue_before: datetime, limit: int) -> list[str]:
    """The ids of ``queue``'s open cases in working order: overdue first (SLA clock, that is the last reopening
    or else the opening, at or before ``overdue_before``), then priority, risk, age."""
    start = func.coalesce(case_work.c.sla_started_at, cases.c.opened_at)
    overdue_first = case((start <= overdue_before, 0), else_=1)
    q = (select(cases.c.id).select_from(cases.outerjoin(case_work, case_work.c.case_id == cases.c.id))
         .where(cases.c.status == "open", cases.c.queue == queue)
         .order_by(overdue_first, cases.c.priority.desc(), cases.c.risk.desc(), cases.c.opened_at, cases.c.id)
         .limit(limit))
    return list(conn.execute(q).scalars())


def open_cases_at(conn: Connection, at: datetime, *, queues: Sequence[str] | None) -> int:
    """How many cases were open at ``at`` (opened by then, not closed by then), in ``queues`` (every queue when
    ``None``)."""
    in_queues = cases.c.queue.in_(list(queues)) if queues is not None else true()
    return int(conn.execute(select(func.count()).select_from(cases).where(
        in_queues, cases.c.opened_at <= at, or_(cases.c.closed_at.is_(None), cases.c.closed_at > at))).scalar_one())


def restricted_subjects(conn: Connection, queues: Iterable[str]) -> frozenset[str]:
    """Every id that names a case in one of ``queues``: the cases', their posts' (and external ids) and their
    CyberTipline reports'. For pages that list events about anything (the audit log), which must not show
    restricted subjects to a role without ``case:view-restricted``; restricted cases are few."""
    wanted = sorted(set(queues))
    out: set[str] = set()
    q = (select(cases.c.id, posts.c.id.label("post_id"), posts.c.external_id)
         .join(posts, posts.c.id == cases.c.post_id).where(cases.c.queue.in_(wanted)))
    case_ids: list[str] = []
    for r in conn.execute(q):
        out.update((r.id, r.post_id, r.external_id))
        case_ids.append(r.id)
    for start in range(0, len(case_ids), 500):
        out.update(r.id for r in conn.execute(
            select(ncmec_reports.c.id).where(ncmec_reports.c.case_id.in_(case_ids[start:start + 500]))))
    return frozenset(out)


def posts_with_cases_in(conn: Connection, post_ids: Iterable[str], queues: Iterable[str]) -> dict[str, str]:
    """``{post id: external id}`` of those of ``post_ids`` with a case (open or closed) in one of ``queues``."""
    ids = list(dict.fromkeys(post_ids))
    wanted = sorted(set(queues))
    out: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        q = (select(posts.c.id, posts.c.external_id).join(cases, cases.c.post_id == posts.c.id)
             .where(posts.c.id.in_(ids[start:start + 500]), cases.c.queue.in_(wanted)).distinct())
        out.update({r.id: r.external_id for r in conn.execute(q)})
    return out
