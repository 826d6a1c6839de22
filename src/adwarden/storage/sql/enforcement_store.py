"""Storing enforcement: the state a decision put a post (``post_enforcement``) or an account
(``account_enforcement``) in, and the platform identities an action event names.

Why a module of its own: :mod:`adwarden.review.enforcement` decides the state and what the platform is told;
this module only reads and writes the rows, under the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from adwarden.storage.sql.tables import accounts, posts
from adwarden.storage.sql.tables_review import account_enforcement, post_enforcement


@dataclass(frozen=True)
class PlatformRef:
    """Where a post or an account lives on its platform (``account_id`` only for posts)."""

    site: str
    external_id: str
    account_id: str | None = None


@dataclass(frozen=True)
class PostEnforcement:
    """A post's enforcement row: its state and the decision that put it there."""

    state: str
    action: str
    label: str | None
    decision_id: str
    case_id: str
    actor: str
    updated_at: datetime


def post_ref(conn: Connection, post_id: str) -> PlatformRef:
    r = conn.execute(select(posts.c.site, posts.c.external_id, posts.c.account_id)
                     .where(posts.c.id == post_id)).one()
    return PlatformRef(r.site, r.external_id, r.account_id)


def account_ref(conn: Connection, account_id: str) -> PlatformRef | None:
    r = conn.execute(select(accounts.c.site, accounts.c.external_id).where(accounts.c.id == account_id)).first()
    return None if r is None else PlatformRef(r.site, r.external_id)


def account_external_id(conn: Connection, account_id: str) -> str | None:
    ext = conn.execute(select(accounts.c.external_id).where(accounts.c.id == account_id)).scalar_one_or_none()
    return None if ext is None else str(ext)


def post_state(conn: Connection, post_id: str) -> str | None:
    """The post's enforcement state, None when no decision set one."""
    return conn.execute(select(post_enforcement.c.state).where(post_enforcement.c.post_id == post_id)
                        ).scalar_one_or_none()


def account_state(conn: Connection, account_id: str) -> str | None:
    """The account's enforcement state, None when no decision set one."""
    return conn.execute(select(account_enforcement.c.state).where(
        account_enforcement.c.account_id == account_id)).scalar_one_or_none()


def post_enforcement_row(conn: Connection, post_id: str) -> PostEnforcement | None:
    r = conn.execute(select(post_enforcement).where(post_enforcement.c.post_id == post_id)).first()
    if r is None:
        return None
    return PostEnforcement(r.state, r.action, r.label, r.decision_id, r.case_id, r.actor, r.updated_at)


def _upsert(conn: Connection, table: Table, key: str, key_value: str, values: dict[str, Any], *,
            exists: bool) -> None:
    """Write the row; ``exists`` comes from the read the caller made under the same lock."""
    if exists:
        conn.execute(update(table).where(table.c[key] == key_value).values(**values))
    else:
        conn.execute(insert(table).values(**{key: key_value}, **values))


def write_post_enforcement(conn: Connection, post_id: str, e: PostEnforcement, *, exists: bool) -> None:
    _upsert(conn, post_enforcement, "post_id", post_id, {
        "state": e.state, "action": e.action, "label": e.label, "decision_id": e.decision_id,
        "case_id": e.case_id, "actor": e.actor, "updated_at": e.updated_at}, exists=exists)


def write_account_enforcement(conn: Connection, account_id: str, *, state: str, decision_id: str, actor: str,
                              now: datetime, exists: bool) -> None:
    _upsert(conn, account_enforcement, "account_id", account_id, {
        "state": state, "decision_id": decision_id, "actor": actor, "updated_at": now}, exists=exists)
