"""Synthetic, non-explicit posts for tests: 555-01xx numbers, example.com, made-up names."""

from __future__ import annotations

from typing import Any

from adwarden.domain import Account, PostInput


def post(external_id: str = "t-1", *, site: str = "example-classifieds", body: str = "Blue sofa, good condition.",
         title: str | None = "Sofa for sale", **kw: Any) -> PostInput:
    return PostInput(external_id=external_id, site=site, title=title, body=body, **kw)


def risky_post(external_id: str = "r-1", *, site: str = "example-classifieds") -> PostInput:
    """Non-explicit text that carries several indicator categories (movement, youth, 24/7, money code words)."""
    return PostInput(
        external_id=external_id,
        site=site,
        category="personals",
        title="New in town, young and fresh",
        body="Just arrived this week, available 24/7. 100 roses per hour. Call 206-555-0147.",
        location="Seattle, WA",
        url=f"https://example.com/{external_id}",
        account=Account(id="u-9", email="u9@example.com", phone="206-555-0147"),
    )


def post_json(external_id: str = "p-1", **kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "external_id": external_id,
        "site": "example-classifieds",
        "category": "for-sale",
        "title": "Oak desk",
        "body": "Solid oak desk, pick up only. Text 206-555-0123.",
        "location": "Tacoma, WA",
        "posted_at": "2026-11-01T10:00:00Z",
        "url": f"https://example.com/{external_id}",
    }
    data.update(kw)
    return data
