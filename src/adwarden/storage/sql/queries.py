"""Read queries over the spine tables, returning domain objects."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from adwarden.domain import Assessment, Case, NotFound, Post
from adwarden.storage.sql.convert import assessment_from_row, case_from_row, version_from_row
from adwarden.storage.sql.tables import assessments, cases, post_versions, posts


def get_post(conn: Connection, post_id: str) -> Post:
    row = conn.execute(select(posts).where(posts.c.id == post_id)).first()
    if row is None:
        raise NotFound(f"post {post_id} not found")
    vrows = conn.execute(
        select(post_versions).where(post_versions.c.post_id == post_id).order_by(post_versions.c.version)
    ).all()
    versions = tuple(version_from_row(v, site=row.site, external_id=row.external_id) for v in vrows)
    return Post(id=row.id, site=row.site, external_id=row.external_id, account_id=row.account_id,
                created_at=row.created_at, versions=versions, current_version=row.current_version)


def find_post_id(conn: Connection, site: str, external_id: str) -> str | None:
    return conn.execute(
        select(posts.c.id).where(posts.c.site == site, posts.c.external_id == external_id)
    ).scalar_one_or_none()


def require_post_id(conn: Connection, site: str, external_id: str) -> str:
    """The stored post's id, or :class:`NotFound` naming the site and external id."""
    post_id = find_post_id(conn, site, external_id)
    if post_id is None:
        raise NotFound(f"post {site}/{external_id} not found")
    return post_id


def latest_assessment(conn: Connection, post_id: str) -> Assessment | None:
    """The newest verdict on the post's *current* version (the one live on the platform).

    After a revert the current version is an older one; its newest assessment (made at the revert or by a
    later rescan) is the post's verdict, not the assessment of the edit it replaced."""
    row = conn.execute(
        select(assessments)
        .join(posts, posts.c.id == assessments.c.post_id)
        .where(assessments.c.post_id == post_id, assessments.c.version == posts.c.current_version)
        .order_by(assessments.c.created_at.desc(), assessments.c.id.desc())
        .limit(1)
    ).first()
    return assessment_from_row(row) if row is not None else None


def open_case_for_post(conn: Connection, post_id: str) -> Case | None:
    row = conn.execute(
        select(cases).where(cases.c.post_id == post_id, cases.c.status == "open").limit(1)
    ).first()
    return case_from_row(row) if row is not None else None


def get_case(conn: Connection, case_id: str) -> Case:
    row = conn.execute(
        select(cases, posts.c.external_id, posts.c.site).join(posts, posts.c.id == cases.c.post_id)
        .where(cases.c.id == case_id)
    ).first()
    if row is None:
        raise NotFound(f"case {case_id} not found")
    return case_from_row(row)


def list_cases(
    conn: Connection,
    *,
    status: str | None = "open",
    queues: Sequence[str] | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[Case]:
    """Cases ordered as a reviewer works them: highest priority first, then highest risk, then oldest."""
    q = select(cases, posts.c.external_id, posts.c.site).join(posts, posts.c.id == cases.c.post_id)
    if status:
        q = q.where(cases.c.status == status)
    if queues is not None:
        q = q.where(cases.c.queue.in_(list(queues)))
    q = q.order_by(cases.c.priority.desc(), cases.c.risk.desc(), cases.c.opened_at).limit(limit).offset(offset)
    return [case_from_row(r) for r in conn.execute(q).all()]
