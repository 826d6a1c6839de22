"""Which queues an actor may see: restricted queues (suspected minors) only with their permission."""

from __future__ import annotations

from adwarden.policy.model import Policy


def visible_queues(policy: Policy, *, restricted: bool) -> list[str] | None:
    """Queue names visible to an actor; ``None`` means all (the actor may see restricted queues)."""
    if restricted:
        return None
    return [q.name for q in policy.queues.values() if not q.restricted]
