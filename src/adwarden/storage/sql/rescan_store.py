"""Storing rescan jobs: the job row with its cursor and lease, its list of target posts, and the stored values
that tell which posts a bank change can affect.

Why a module of its own: the retro service decides which posts a change targets, what a batch's verdicts are
and when a job is finished; this module only knows how a job's progress and lease become rows, each update
guarded in SQL so that two workers never count the same batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select, update

from adwarden.domain.rescans import RescanJob
from adwarden.storage.sql.tables import identifiers, posts
from adwarden.storage.sql.tables_banks import rescan_items, rescan_jobs

#: Rows per multi-row insert, and values per ``IN (...)`` list.
_CHUNK = 1000
_IN_CHUNK = 500


def _job(row: Any) -> RescanJob:
    return RescanJob(row.id, row.trigger, row.reason, row.status, row.total, row.done, row.changed, row.created_by,
                     row.created_at, row.finished_at, row.error)


def find_job(conn: Connection, job_id: str) -> RescanJob | None:
    row = conn.execute(select(rescan_jobs).where(rescan_jobs.c.id == job_id)).first()
    return _job(row) if row is not None else None


def all_jobs(conn: Connection, *, unfinished_only: bool = False) -> list[RescanJob]:
    """Jobs oldest first; only pending and running ones with ``unfinished_only``."""
    q = select(rescan_jobs).order_by(rescan_jobs.c.created_at, rescan_jobs.c.id)
    if unfinished_only:
        q = q.where(rescan_jobs.c.status.in_(["pending", "running"]))
    return [_job(r) for r in conn.execute(q)]


def insert_job(conn: Connection, job_id: str, post_ids: Sequence[str], *, trigger: str, reason: str,
               created_by: str, now: datetime) -> None:
    """A pending job over ``post_ids`` (in that order, without repeats)."""
    conn.execute(insert(rescan_jobs).values(id=job_id, trigger=trigger, reason=reason, status="pending",
                                            total=len(post_ids), done=0, changed=0, cursor=0, created_by=created_by,
                                            created_at=now, updated_at=now))
    for i in range(0, len(post_ids), _CHUNK):
        conn.execute(insert(rescan_items), [{"job_id": job_id, "seq": i + k + 1, "post_id": p}
                                            for k, p in enumerate(post_ids[i : i + _CHUNK])])


def take_lease(conn: Connection, job_id: str, worker: str, *, now: datetime, until: datetime) -> bool:
    """Lease the unfinished job to ``worker`` until ``until`` (and mark it running) when nobody else holds a
    live lease on it; ``False`` when somebody does or the job is done."""
    done = conn.execute(update(rescan_jobs).where(
        rescan_jobs.c.id == job_id, rescan_jobs.c.status != "done",
        or_(rescan_jobs.c.lease_owner.is_(None), rescan_jobs.c.lease_owner == worker, rescan_jobs.c.lease_until < now),
    ).values(lease_owner=worker, lease_until=until, status="running", updated_at=now))
    return bool(done.rowcount)


def release_lease(conn: Connection, job_id: str, worker: str) -> None:
    """Drop ``worker``'s lease (another process may take the job at once)."""
    conn.execute(update(rescan_jobs).where(rescan_jobs.c.id == job_id, rescan_jobs.c.lease_owner == worker)
                 .values(lease_owner=None, lease_until=None))


def job_cursor(conn: Connection, job_id: str) -> int:
    """The ``seq`` of the last target post whose batch committed."""
    return int(conn.execute(select(rescan_jobs.c.cursor).where(rescan_jobs.c.id == job_id)).scalar_one())


def items_after(conn: Connection, job_id: str, cursor: int, *, limit: int) -> list[tuple[int, str]]:
    """The next ``limit`` targets after ``cursor``: ``(seq, post id)`` in order."""
    rows = conn.execute(select(rescan_items.c.seq, rescan_items.c.post_id).where(
        rescan_items.c.job_id == job_id, rescan_items.c.seq > cursor).order_by(rescan_items.c.seq).limit(limit))
    return [(int(r.seq), str(r.post_id)) for r in rows]


def advance_job(conn: Connection, job_id: str, *, cursor: int, screened: int, changed: int, now: datetime) -> None:
    """Move the cursor past a committed batch and add its counts."""
    conn.execute(update(rescan_jobs).where(rescan_jobs.c.id == job_id).values(
        cursor=cursor, done=rescan_jobs.c.done + screened, changed=rescan_jobs.c.changed + changed, updated_at=now))


def items_left(conn: Connection, job_id: str) -> int:
    """Targets after the job's cursor."""
    return int(conn.execute(select(func.count()).select_from(rescan_items).where(
        rescan_items.c.job_id == job_id,
        rescan_items.c.seq > select(rescan_jobs.c.cursor).where(rescan_jobs.c.id == job_id).scalar_subquery(),
    )).scalar_one())


def finish_job(conn: Connection, job_id: str, *, now: datetime) -> None:
    conn.execute(update(rescan_jobs).where(rescan_jobs.c.id == job_id).values(
        status="done", finished_at=now, updated_at=now, lease_owner=None, lease_until=None))


# -- which posts a change can affect ----------------------------------------------------------------------------

def all_post_ids(conn: Connection) -> list[str]:
    """Every stored post, by id."""
    return list(conn.execute(select(posts.c.id).order_by(posts.c.id)).scalars())


def identifier_values(conn: Connection, kind: str) -> list[str]:
    """Every distinct stored identifier value of ``kind`` (as extracted, not normalised)."""
    return list(conn.execute(select(identifiers.c.value).where(identifiers.c.kind == kind).distinct()).scalars())


def posts_with_identifiers(conn: Connection, kind: str, values: Iterable[str]) -> set[str]:
    """The posts carrying any of ``values`` as an identifier of ``kind``."""
    vals = sorted(set(values))
    out: set[str] = set()
    for i in range(0, len(vals), _IN_CHUNK):
        out.update(conn.execute(select(identifiers.c.post_id).where(
            identifiers.c.kind == kind, identifiers.c.value.in_(vals[i : i + _IN_CHUNK]))).scalars())
    return out
