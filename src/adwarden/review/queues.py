"""Which queues an actor may see: restricted queues (suspected minors) only with their permission."""

from __future__ import annotations

from typing import Any


def visible_queues(policy: Any, *, restricted: bool) -> list[str] | None:
    """Queue names visible to an actor; ``None`` means all. Reads ``policy.queues`` (name, restricted flag)."""
    if restricted:
        return None
    queues = getattr(policy, "queues", None) or []
    out = []
    for q in queues:
        name = getattr(q, "name", None) or (q.get("name") if isinstance(q, dict) else str(q))
        is_restricted = getattr(q, "restricted", False) or (isinstance(q, dict) and q.get("restricted", False))
        if not is_restricted:
            out.append(name)
    return out
