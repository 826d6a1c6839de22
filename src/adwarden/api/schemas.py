"""Response models (separate from domain objects, so the wire format is documented and stable)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from adwarden.domain import Assessment, Post


class Reason(BaseModel):
    detector: str
    label: str
    weight: float
    category: str | None = None
    evidence: str | None = Field(None, description="The matched text or identifier value.")
    span: list[int | None] | None = Field(None, description="[start, end) offsets into title + '\\n' + body.")

    model_config = {"extra": "allow"}


class VerdictOut(BaseModel):
    """The verdict for one post version, with its reasons."""

    post_id: str
    version: int
    action: str = Field(..., description="allow, hold or block")
    risk: float
    priority: int
    queue: str | None
    case_id: str | None
    reasons: list[Reason]
    duplicate: bool = False
    assessed_at: datetime | None = None
    versions: dict[str, str] = Field(default_factory=dict, description="Detector, lexicon and policy versions.")


class VersionOut(BaseModel):
    version: int
    content_hash: str
    received_at: datetime
    title: str | None
    body: str | None
    category: str | None
    location: str | None
    url: str | None
    posted_at: datetime | None
    account: dict[str, Any] | None
    media: list[dict[str, Any]]


class PostOut(BaseModel):
    post_id: str
    site: str
    external_id: str
    account_id: str | None
    created_at: datetime
    versions: list[VersionOut]
    verdict: VerdictOut | None


def verdict_out(a: Assessment, *, duplicate: bool = False) -> VerdictOut:
    v = a.verdict
    return VerdictOut(
        post_id=a.post_id,
        version=a.version,
        action=v.action.value,
        risk=v.risk,
        priority=v.priority,
        queue=v.queue,
        case_id=a.case_id,
        # A shadow model's scores are stored for evaluation but are not reasons the platform should act on.
        reasons=[Reason(**e.to_json()) for e in v.reasons if not e.attrs.get("shadow")],
        duplicate=duplicate,
        assessed_at=a.created_at,
        versions=dict(a.versions),
    )


def post_out(p: Post, latest: Assessment | None) -> PostOut:
    from adwarden.storage.sql.convert import account_to_json, media_to_json

    return PostOut(
        post_id=p.id,
        site=p.site,
        external_id=p.external_id,
        account_id=p.account_id,
        created_at=p.created_at,
        versions=[
            VersionOut(
                version=v.version,
                content_hash=v.content_hash,
                received_at=v.received_at,
                title=v.content.title,
                body=v.content.body,
                category=v.content.category,
                location=v.content.location,
                url=v.content.url,
                posted_at=v.content.posted_at,
                account=account_to_json(v.content.account),
                media=media_to_json(v.content.media),
            )
            for v in p.versions
        ],
        verdict=verdict_out(latest) if latest else None,
    )
