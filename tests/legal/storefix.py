"""Helpers for the storage-backed legal tests: store synthetic posts through the real ingest service."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from adwarden.domain import Account, Actor, MediaRef, PostInput
from adwarden.runtime import Runtime
from adwarden.storage.sql.tables import posts

LIAISON = Actor("lee.liaison", frozenset({"le-liaison"}))
SUPERVISOR = Actor("sam.supervisor", frozenset({"le-liaison"}))
ADMIN = Actor("ada.admin", frozenset({"admin"}))
MODERATOR = Actor("mo.moderator", frozenset({"moderator"}))
PLATFORM = Actor("platform", frozenset({"platform"}))


def ad(external_id: str, *, phone: str = "206-555-0147", account: str | None = "u-1", body: str | None = None,
       posted_at: datetime | None = None, category: str = "personals") -> PostInput:
    return PostInput(
        external_id=external_id,
        site="example-classifieds",
        category=category,
        title=f"Ad {external_id}",
        body=body or f"Friendly company downtown. Call {phone}.",
        location="Seattle, WA",
        posted_at=posted_at,
        url=f"https://example.com/{external_id}",
        account=Account(id=account, email=f"{account}@example.com") if account else None,
        media=(MediaRef(url=f"https://img.example.com/{external_id}.jpg", sha256=hashlib.sha256(external_id.encode()).hexdigest()),),
    )


def store(rt: Runtime, *items: PostInput) -> list[str]:
    outcomes = rt.ingest(list(items), actor=PLATFORM)
    return [o.post_id for o in outcomes]


def backdate(rt: Runtime, post_ids: list[str], days: int) -> None:
    when = datetime.now(UTC) - timedelta(days=days)
    with rt.db.transaction() as conn:
        conn.execute(update(posts).where(posts.c.id.in_(post_ids)).values(created_at=when))
