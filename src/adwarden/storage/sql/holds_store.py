"""Storing preservation holds: what a target reaches, the items a hold freezes, and the holds themselves.

Why a module of its own: :mod:`adwarden.legal.holds` decides what a hold means (who may place or release
one, when an expiry may move, what is audited); this module only knows how targets are looked up and how a
hold and its frozen item ids become rows, so the service holds no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from adwarden.domain.holds import ITEM_TYPES, Hold
from adwarden.storage.sql.batches import chunked
from adwarden.storage.sql.tables import (
    accounts,
    assessments,
    cases,
    decisions,
    identifiers,
    media,
    post_versions,
    posts,
)
from adwarden.storage.sql.tables_legal import hold_items, holds

#: Ids per ``IN (...)`` lookup, and rows per multi-row insert of hold items.
LOOKUP_BATCH = 500
INSERT_BATCH = 1000


@dataclass(frozen=True)
class Reach:
    """What one target reaches in storage: post ids, and the account ids it named or matched."""

    post_ids: frozenset[str]
    account_ids: frozenset[str]


def _posts_of_accounts(conn: Connection, account_ids: set[str]) -> set[str]:
    if not account_ids:
        return set()
    return set(conn.execute(select(posts.c.id).where(posts.c.account_id.in_(sorted(account_ids)))).scalars())


def reach_of_target(conn: Connection, kind: str, value: str, platform: str | None = None) -> Reach:
    """The posts and accounts one normalised target reaches.

    ``post`` matches the post id or the platform's external id (on any site); ``account`` the account id
    (``site:id``) or the platform's account id, and reaches that account's posts; any other kind matches
    extracted identifiers (a ``handle`` with a platform also matches handles stored without one), and
    ``phone``/``email`` also the account fields the platform sent, reaching those accounts' posts.
    """
    if kind == "post":
        found = set(conn.execute(
            select(posts.c.id).where(or_(posts.c.id == value, posts.c.external_id == value))).scalars())
        return Reach(frozenset(found), frozenset())
    if kind == "account":
        accs = set(conn.execute(select(accounts.c.id).where(
            or_(accounts.c.id == value, accounts.c.external_id == value))).scalars())
        return Reach(frozenset(_posts_of_accounts(conn, accs)), frozenset(accs))
    cond = and_(identifiers.c.kind == kind, identifiers.c.value == value)
    if kind == "handle" and platform:
        cond = and_(cond, or_(identifiers.c.platform.is_(None), identifiers.c.platform == platform))
    found = set(conn.execute(select(identifiers.c.post_id).where(cond).distinct()).scalars())
    if kind not in {"phone", "email"}:
        return Reach(frozenset(found), frozenset())
    col = accounts.c.phone if kind == "phone" else accounts.c.email
    named = set(conn.execute(select(accounts.c.id).where(col == value)).scalars())
    return Reach(frozenset(found | _posts_of_accounts(conn, named)), frozenset(named))


def account_ids_of_posts(conn: Connection, post_ids: Iterable[str]) -> set[str]:
    """The accounts that posted any of ``post_ids`` (posts without an account add nothing)."""
    out: set[str] = set()
    for chunk in chunked(sorted(set(post_ids)), LOOKUP_BATCH):
        out |= set(conn.execute(
            select(posts.c.account_id).where(posts.c.id.in_(chunk), posts.c.account_id.is_not(None))).scalars())
    return out


def collect_items(conn: Connection, post_ids: Iterable[str], account_ids: Iterable[str] = ()) -> dict[str, set[str]]:
    """Every item id a hold over these posts (and accounts) freezes, by item type (:data:`ITEM_TYPES`)."""
    pids = sorted(set(post_ids))
    items: dict[str, set[str]] = {t: set() for t in ITEM_TYPES}
    items["post"] = set(pids)
    items["account"] = set(account_ids) | account_ids_of_posts(conn, pids)
    for chunk in chunked(pids, LOOKUP_BATCH):
        items["post_version"] |= {f"{r.post_id}:{r.version}" for r in conn.execute(
            select(post_versions.c.post_id, post_versions.c.version).where(post_versions.c.post_id.in_(chunk)))}
        items["identifier"] |= {str(i) for i in conn.execute(
            select(identifiers.c.id).where(identifiers.c.post_id.in_(chunk))).scalars()}
        items["media"] |= {str(i) for i in conn.execute(select(media.c.id).where(media.c.post_id.in_(chunk))).scalars()}
        items["assessment"] |= set(conn.execute(
            select(assessments.c.id).where(assessments.c.post_id.in_(chunk))).scalars())
        case_ids = set(conn.execute(select(cases.c.id).where(cases.c.post_id.in_(chunk))).scalars())
        items["case"] |= case_ids
        if case_ids:
            items["decision"] |= {str(i) for i in conn.execute(
                select(decisions.c.id).where(decisions.c.case_id.in_(sorted(case_ids)))).scalars()}
    return items


def insert_hold(conn: Connection, hold: Hold, items: dict[str, set[str]]) -> None:
    """Store a new hold and the id of every item it freezes (``items``: item type -> ids)."""
    conn.execute(insert(holds).values(
        id=hold.id, source=hold.source, reason=hold.reason, targets=list(hold.targets), created_by=hold.created_by,
        created_at=hold.created_at, expires_at=hold.expires_at))
    rows = [{"hold_id": hold.id, "item_type": kind, "item_id": item_id}
            for kind in ITEM_TYPES for item_id in sorted(items.get(kind, ()))]
    for chunk in chunked(rows, INSERT_BATCH):
        conn.execute(insert(hold_items), list(chunk))


def mark_released(conn: Connection, hold_id: str, *, released_at: datetime, released_by: str, reason: str) -> None:
    conn.execute(update(holds).where(holds.c.id == hold_id).values(
        released_at=released_at, released_by=released_by, release_reason=reason))


def set_expiry(conn: Connection, hold_id: str, expires_at: datetime) -> None:
    conn.execute(update(holds).where(holds.c.id == hold_id).values(expires_at=expires_at))


def _active_clause(now: datetime) -> Any:
    return and_(holds.c.released_at.is_(None), or_(holds.c.expires_at.is_(None), holds.c.expires_at > now))


def held_ids(conn: Connection, kind: str, item_ids: Iterable[str], *, now: datetime) -> set[str]:
    """The subset of ``item_ids`` (of item type ``kind``) that a hold active at ``now`` freezes."""
    out: set[str] = set()
    for chunk in chunked(sorted(set(item_ids)), LOOKUP_BATCH):
        out |= set(conn.execute(
            select(hold_items.c.item_id).join(holds, holds.c.id == hold_items.c.hold_id)
            .where(hold_items.c.item_type == kind, hold_items.c.item_id.in_(chunk), _active_clause(now))
            .distinct()).scalars())
    return out


def find_hold(conn: Connection, hold_id: str) -> Hold | None:
    row = conn.execute(select(holds).where(holds.c.id == hold_id)).first()
    return None if row is None else _hold_from_row(conn, row)


def list_holds(conn: Connection, *, active_at: datetime | None = None, source: str | None = None) -> list[Hold]:
    """Holds, newest first; only those active at ``active_at`` when given, only from ``source`` when given."""
    q = select(holds).order_by(holds.c.created_at.desc())
    if active_at is not None:
        q = q.where(_active_clause(active_at))
    if source:
        q = q.where(holds.c.source == source)
    return [_hold_from_row(conn, r) for r in conn.execute(q).all()]


def _hold_from_row(conn: Connection, row: Any) -> Hold:
    counts = {r.item_type: int(r.n) for r in conn.execute(
        select(hold_items.c.item_type, func.count().label("n")).where(hold_items.c.hold_id == row.id)
        .group_by(hold_items.c.item_type))}
    return Hold(id=row.id, source=row.source, reason=row.reason, targets=tuple(row.targets or ()),
                created_by=row.created_by, created_at=row.created_at, expires_at=row.expires_at,
                released_at=row.released_at, released_by=row.released_by, release_reason=row.release_reason,
                item_counts={k: counts.get(k, 0) for k in ITEM_TYPES})

