"""Reading stored history page by page for an export to re-screen elsewhere (``adwarden rescan export``).

Why a module of its own: the export walks every stored post in bounded pages (keyset on the post id, never
the whole table in memory), and reads each page's live versions and latest verdicts in one query each, where
the in-process rescan reads one post at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, and_, select

from adwarden.domain import Assessment, PostVersion
from adwarden.storage.sql.convert import assessment_from_row, version_from_row
from adwarden.storage.sql.tables import assessments, post_versions, posts

_IN_CHUNK = 500


def live_versions_after(conn: Connection, after: str, *, limit: int) -> list[PostVersion]:
    """The live version of the next ``limit`` posts whose id sorts after ``after`` (``""``: from the start)."""
    q = (select(post_versions, posts.c.site, posts.c.external_id)
         .join(posts, and_(posts.c.id == post_versions.c.post_id, posts.c.current_version == post_versions.c.version))
         .where(posts.c.id > after).order_by(posts.c.id).limit(limit))
    return [version_from_row(r, site=r.site, external_id=r.external_id) for r in conn.execute(q)]


def live_assessments(conn: Connection, post_ids: Sequence[str]) -> dict[str, Assessment]:
    """The newest assessment of each post's live version (as :func:`queries.latest_assessment`), by post id."""
    out: dict[str, Assessment] = {}
    for i in range(0, len(post_ids), _IN_CHUNK):
        chunk = list(post_ids[i : i + _IN_CHUNK])
        q = (select(assessments)
             .join(posts, and_(posts.c.id == assessments.c.post_id, posts.c.current_version == assessments.c.version))
             .where(assessments.c.post_id.in_(chunk))
             .order_by(assessments.c.post_id, assessments.c.created_at.desc(), assessments.c.id.desc()))
        for r in conn.execute(q):
            if r.post_id not in out:
                out[r.post_id] = assessment_from_row(r)
    return out
