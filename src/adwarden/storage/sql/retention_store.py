"""Storing retention: which posts are old enough to purge, which are still under review, and the purge itself.

Why a module of its own: :mod:`adwarden.legal.retention` decides what may be deleted (never held data, never
a post a reviewer is working on) and audits it; this module only knows which rows make up a post and in
which order they must go (decisions before their cases, everything before the post).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, select

from adwarden.storage.sql import tables
from adwarden.storage.sql.batches import chunked
from adwarden.storage.sql.network_log import record_removals
from adwarden.storage.sql.tables import cases, posts

#: The tables holding a post's own rows (its versions and what was found in them), deleted with it.
POST_ROWS = (tables.identifiers, tables.media, tables.assessments, tables.post_versions)

#: Post ids per lookup statement.
LOOKUP_BATCH = 500


def posts_created_before(conn: Connection, cutoff: datetime) -> list[str]:
    """Ids of the posts first stored before ``cutoff``, in id order."""
    return sorted(conn.execute(select(posts.c.id).where(posts.c.created_at < cutoff)).scalars())


def posts_with_open_case(conn: Connection, post_ids: Iterable[str]) -> set[str]:
    """The subset of ``post_ids`` that have an open case."""
    out: set[str] = set()
    for chunk in chunked(list(post_ids), LOOKUP_BATCH):
        out |= set(conn.execute(
            select(cases.c.post_id).where(cases.c.post_id.in_(chunk), cases.c.status == "open")).scalars())
    return out


def delete_posts(conn: Connection, post_ids: Sequence[str]) -> None:
    """Delete posts with their versions, identifiers, media, assessments, cases and decisions, and log the
    removals so every process's live linker drops them (:mod:`adwarden.networks.live`)."""
    ids = list(post_ids)
    case_ids = list(conn.execute(select(cases.c.id).where(cases.c.post_id.in_(ids))).scalars())
    if case_ids:
        conn.execute(delete(tables.decisions).where(tables.decisions.c.case_id.in_(case_ids)))
        conn.execute(delete(cases).where(cases.c.id.in_(case_ids)))
    for table in POST_ROWS:
        conn.execute(delete(table).where(table.c.post_id.in_(ids)))
    conn.execute(delete(posts).where(posts.c.id.in_(ids)))
    record_removals(conn, ids)
