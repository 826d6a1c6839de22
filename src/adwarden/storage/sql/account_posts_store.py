"""Reading which posts belong to which account, for decisions over an account and for case detail.

Why a module of its own: an account decision and the case page both need the account's posts, and neither
should know how ``posts`` is keyed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from adwarden.storage.sql.tables import posts


@dataclass(frozen=True)
class AccountPost:
    id: str
    external_id: str
    created_at: datetime


def account_of_post(conn: Connection, post_id: str) -> str | None:
    """The post's account id (None when the platform sent no account)."""
    account_id = conn.execute(select(posts.c.account_id).where(posts.c.id == post_id)).scalar_one()
    return None if account_id is None else str(account_id)


def post_ids_of_account(conn: Connection, account_id: str) -> list[str]:
    """Every post of the account, oldest first."""
    return list(conn.execute(select(posts.c.id).where(posts.c.account_id == account_id)
                             .order_by(posts.c.created_at)).scalars())


def other_posts_of_account(conn: Connection, account_id: str, *, except_post: str, limit: int) -> list[AccountPost]:
    """The account's newest ``limit`` posts other than ``except_post``, newest first."""
    rows = conn.execute(
        select(posts.c.id, posts.c.external_id, posts.c.created_at)
        .where(posts.c.account_id == account_id, posts.c.id != except_post)
        .order_by(posts.c.created_at.desc()).limit(limit)).all()
    return [AccountPost(r.id, r.external_id, r.created_at) for r in rows]
