"""Stable ids and content hashes: what makes ingest idempotent.

A post is ``(site, external_id)``; its id is derived from that pair so that the same post gets the same id on
every machine (the Spark job and a rebuild agree). A version is identified by the hash of its content: the same
content twice is stored once; changed content is a new version of the same post.
"""

from __future__ import annotations

import hashlib
from typing import Any

from adwarden.domain import PostInput
from adwarden.domain.json_text import canonical_json


def post_id_for(site: str, external_id: str) -> str:
    digest = hashlib.sha256(f"{site}\x00{external_id}".encode()).hexdigest()
    return "p-" + digest[:24]


def content_hash(post: PostInput) -> str:
    """SHA-256 of the canonical JSON of everything that can change between versions."""
    account: dict[str, Any] | None = None
    if post.account is not None:
        a = post.account
        account = {"id": a.id, "email": a.email, "phone": a.phone, "ip": a.ip, "device_id": a.device_id}
    doc = {
        "category": post.category,
        "title": post.title,
        "body": post.body,
        "location": post.location,
        "posted_at": post.posted_at.isoformat() if post.posted_at else None,
        "url": post.url,
        "account": account,
        "media": [[m.url, m.sha256, m.md5, m.pdq, m.pdq_quality] for m in post.media],
    }
    return hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()
