"""Synthetic, non-explicit posts for tests: 555-01xx numbers, example.com, made-up names."""

from __future__ import annotations

from pathlib import Path
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


def strict_policy_file(tmp_path: Path) -> Path:
    """The shipped policy with lower review and hold thresholds, as a new version: a policy change that moves
    verdicts, for the rescan tests (in process and on Spark)."""
    from adwarden.policy import default_policy_text

    text = default_policy_text().decode().replace('version = "2026.11.0"', 'version = "strict-1"').replace(
        "review_threshold = 40", "review_threshold = 10").replace("hold_threshold = 60", "hold_threshold = 20")
    f = tmp_path / "strict.toml"
    f.write_text(text)
    return f
