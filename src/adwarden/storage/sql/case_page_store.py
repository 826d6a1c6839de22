"""Reading what the console's case and network pages show beyond the case itself: media, the account and its
other posts, the review loop's claim, and a network's members with their live version and open case.

Why a module of its own: these pages are the ones reviewers live in (the benchmark's p95 is measured on the
case page), so their queries are kept together and indexed; the console's read models (what is withheld, how a
route is drawn) stay in ``adwarden.console`` and never see a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from adwarden.domain import NotFound
from adwarden.storage.sql.tables import accounts, cases, media, post_versions, posts
from adwarden.storage.sql.tables_review import case_work

#: How many of an account's other posts the case page lists.
ACCOUNT_POSTS_SHOWN = 20


@dataclass(frozen=True)
class StoredMedia:
    """One media item of a post version, with the hashes the fetcher computed (``None`` when it failed)."""

    position: int
    url: str | None
    md5: str | None
    sha256: str | None
    pdq: str | None
    error: str | None

    @property
    def hashes(self) -> frozenset[str]:
        return frozenset(h for h in (self.md5, self.sha256, self.pdq) if h)


@dataclass(frozen=True)
class AccountSummary:
    """An account's row (``post_count`` added), or only its id when the row is missing, and its other posts
    (newest first, each with its open case if any)."""

    account: dict[str, Any]
    other_posts: list[dict[str, Any]]


@dataclass(frozen=True)
class NetworkMember:
    """A post of a network as its page lists it: the live version's title, place and time, its open case."""

    post_id: str
    external_id: str
    site: str
    title: str
    location: str | None
    posted_at: datetime | None
    case_id: str | None
    queue: str | None
    risk: float | None


def media_of(conn: Connection, post_id: str, version: int) -> list[StoredMedia]:
    """The version's media items, by position."""
    rows = conn.execute(select(media).where(media.c.post_id == post_id, media.c.version == version)
                        .order_by(media.c.position))
    return [StoredMedia(position=r.position, url=r.url, md5=r.md5, sha256=r.sha256, pdq=r.pdq, error=r.error)
            for r in rows]


def media_url(conn: Connection, post_id: str, version: int, position: int) -> str | None:
    """The stored URL of one media item; :class:`NotFound` when there is no such item."""
    row = conn.execute(select(media.c.url).where(media.c.post_id == post_id, media.c.version == version,
                                                 media.c.position == position)).first()
    if row is None:
        raise NotFound(f"media item {position} of post {post_id} version {version} not found")
    return row.url  # type: ignore[no-any-return]


def account_summary(conn: Connection, account_id: str, *, except_post: str) -> AccountSummary:
    """The account, how many posts it has, and up to :data:`ACCOUNT_POSTS_SHOWN` of them besides
    ``except_post``."""
    row = conn.execute(select(accounts).where(accounts.c.id == account_id)).first()
    account = dict(row._mapping) if row is not None else {"id": account_id}
    others = conn.execute(
        select(posts.c.id, posts.c.external_id, posts.c.site, posts.c.created_at, cases.c.id.label("case_id"),
               cases.c.queue)
        .outerjoin(cases, (cases.c.post_id == posts.c.id) & (cases.c.status == "open"))
        .where(posts.c.account_id == account_id, posts.c.id != except_post)
        .order_by(posts.c.created_at.desc()).limit(ACCOUNT_POSTS_SHOWN)).all()
    total = conn.execute(select(func.count()).select_from(posts).where(posts.c.account_id == account_id)).scalar_one()
    account["post_count"] = int(total)
    return AccountSummary(account=account, other_posts=[dict(r._mapping) for r in others])


def case_work_of(conn: Connection, case_id: str) -> dict[str, Any]:
    """The review loop's claim and SLA clock of the case (empty when it was never claimed)."""
    row = conn.execute(select(case_work).where(case_work.c.case_id == case_id)).first()
    return dict(row._mapping) if row is not None else {}


def network_members(conn: Connection, post_ids: Sequence[str]) -> list[NetworkMember]:
    """The given posts with their live version and open case, in no particular order."""
    rows = conn.execute(
        select(posts.c.id, posts.c.external_id, posts.c.site, post_versions.c.title, post_versions.c.location,
               post_versions.c.posted_at, cases.c.id.label("case_id"), cases.c.queue, cases.c.risk)
        .join(post_versions, (post_versions.c.post_id == posts.c.id)
              & (post_versions.c.version == posts.c.current_version))
        .outerjoin(cases, (cases.c.post_id == posts.c.id) & (cases.c.status == "open"))
        .where(posts.c.id.in_(list(post_ids))))
    return [NetworkMember(post_id=r.id, external_id=r.external_id, site=r.site, title=r.title or "",
                          location=r.location, posted_at=r.posted_at, case_id=r.case_id, queue=r.queue, risk=r.risk)
            for r in rows]
