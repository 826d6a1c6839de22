"""Looking up stored identifiers: which posts share one, and what a post carries.

Why a module of its own: the evidence package (:mod:`adwarden.legal`) and the CyberTipline report
(:mod:`adwarden.reporting`) both follow phones, e-mails and handles from post to post; they decide what a
link means, this module only answers the lookups.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from adwarden.storage.sql.tables import identifiers


def posts_with_identifier(
    conn: Connection, kind: str, value: str, *, excluding: str | None = None, limit: int | None = None
) -> list[str]:
    """Distinct ids of the posts carrying ``kind``/``value`` (not ``excluding``; at most ``limit``, unordered)."""
    q = select(identifiers.c.post_id).where(identifiers.c.kind == kind, identifiers.c.value == value)
    if excluding is not None:
        q = q.where(identifiers.c.post_id != excluding)
    q = q.distinct()
    if limit is not None:
        q = q.limit(limit)
    return list(conn.execute(q).scalars())


def linking_identifiers(conn: Connection, post_id: str, kinds: Sequence[str]) -> list[tuple[str, str]]:
    """The distinct ``(kind, value)`` pairs of the given kinds that ``post_id`` carries."""
    return [(r.kind, r.value) for r in conn.execute(
        select(identifiers.c.kind, identifiers.c.value)
        .where(identifiers.c.post_id == post_id, identifiers.c.kind.in_(list(kinds)))
        .distinct()
    )]


def identifiers_of_post(conn: Connection, post_id: str) -> list[tuple[str, str, str | None]]:
    """``(kind, value, platform)`` of every identifier stored for ``post_id`` (all versions), in stored order."""
    return [(r.kind, r.value, r.platform) for r in conn.execute(
        select(identifiers.c.kind, identifiers.c.value, identifiers.c.platform)
        .where(identifiers.c.post_id == post_id)
        .order_by(identifiers.c.id)
    )]


def identifier_values(conn: Connection, post_id: str, kind: str) -> list[str]:
    """The distinct values of one kind that ``post_id`` carries, as stored (phones in E.164)."""
    return list(conn.execute(
        select(identifiers.c.value).where(identifiers.c.post_id == post_id, identifiers.c.kind == kind).distinct()
    ).scalars())
