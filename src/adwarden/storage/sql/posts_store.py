"""Storing posts: the rows ingest writes, behind functions the ingest service calls.

Why a module of its own: the ingest service decides what a batch means (new post, new version, revert,
duplicate; which account details to keep); this module only knows how those decisions become rows, so the
service holds no SQL and the rows can change without touching its logic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from adwarden.storage.sql.bulk import insert_rows
from adwarden.storage.sql.tables import accounts, assessments, identifiers, media, post_versions, posts

#: The account fields a platform may send; later posts fill them in, never erase them.
ACCOUNT_FIELDS = ("email", "phone", "ip", "device_id")
#: Identifier values are stored cut to the column's width.
IDENTIFIER_VALUE_CHARS = 500


@dataclass
class StoredPost:
    """A stored post's version pointers and the content hash of each of its versions."""

    latest: int
    current: int
    account_id: str | None
    hashes: dict[str, int] = field(default_factory=dict)  # content hash -> version


def lock_posts(conn: Connection, ids: Sequence[str]) -> dict[str, StoredPost]:
    """The stored posts among ``ids``, their rows locked until commit (in id order, so concurrent batches
    cannot deadlock on them)."""
    unique_ids = sorted(set(ids))
    if not unique_ids:
        return {}
    rows = conn.execute(
        select(posts.c.id, posts.c.latest_version, posts.c.current_version, posts.c.account_id)
        .where(posts.c.id.in_(unique_ids)).order_by(posts.c.id).with_for_update()
    ).all()
    out = {r.id: StoredPost(r.latest_version, r.current_version, r.account_id) for r in rows}
    if out:
        for r in conn.execute(select(post_versions.c.post_id, post_versions.c.content_hash, post_versions.c.version)
                              .where(post_versions.c.post_id.in_(list(out)))):
            out[r.post_id].hashes[r.content_hash] = r.version
    return out


def merge_accounts(conn: Connection, wanted: Mapping[str, Mapping[str, Any]], now: datetime) -> None:
    """Insert new accounts; on known ones store the non-empty fields that differ (``wanted``: account id ->
    row with ``id, site, external_id`` and :data:`ACCOUNT_FIELDS`)."""
    if not wanted:
        return
    known = {r.id: r for r in conn.execute(select(accounts).where(accounts.c.id.in_(sorted(wanted)))
                                           .order_by(accounts.c.id).with_for_update())}
    fresh = []
    for aid, row in sorted(wanted.items()):
        old = known.get(aid)
        if old is None:
            fresh.append({**row, "created_at": now, "updated_at": now})
            continue
        changes = {k: row[k] for k in ACCOUNT_FIELDS if row[k] and row[k] != getattr(old, k)}
        if changes:
            conn.execute(update(accounts).where(accounts.c.id == aid).values(**changes, updated_at=now))
    if fresh:
        insert_rows(conn, accounts, fresh)


def store_batch(conn: Connection, *, new_posts: Sequence[Mapping[str, Any]],
                pointers: Mapping[str, tuple[int, int, str | None]], versions: Sequence[Mapping[str, Any]],
                identifier_rows: Sequence[Mapping[str, Any]], media_rows: Sequence[Mapping[str, Any]],
                now: datetime) -> None:
    """Write a batch: new post rows, moved version pointers (``post id -> (latest, current, account id)``),
    new versions with their identifiers and media."""
    if new_posts:
        insert_rows(conn, posts, new_posts)
    for pid, (latest, current, account_id) in pointers.items():
        conn.execute(update(posts).where(posts.c.id == pid).values(
            latest_version=latest, current_version=current, account_id=account_id, updated_at=now))
    if versions:
        insert_rows(conn, post_versions, versions)
    if identifier_rows:
        insert_rows(conn, identifiers, identifier_rows)
    if media_rows:
        insert_rows(conn, media, media_rows)


def insert_assessments(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        insert_rows(conn, assessments, rows)
