"""Hiding restricted (child-safety) data from roles without ``case:view-restricted``, on every route.

A post is restricted once any of its cases sits in a restricted queue: suspected minors, known abuse
material. For a role without the permission:

* a post's verdict shows the action only: its queue, case id and reasons (``stated_age_under_18``...) are
  blanked, because they say why it was routed there;
* networks list no restricted post (ids, external ids, links and template members through them), and the
  network *of* a restricted post answers 404, as if it were not linked.

``tests/api/test_restricted_walk.py`` walks every GET route of the OpenAPI with every role to keep it so.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from adwarden.api.schemas import VerdictOut
from adwarden.domain import Actor
from adwarden.permissions import has_permission
from adwarden.review.cases import RESTRICTED_QUEUE
from adwarden.storage.sql.database import Connection
from adwarden.storage.sql.queue_store import posts_with_cases_in

RESTRICTED_QUEUES = frozenset({RESTRICTED_QUEUE})


def sees_restricted(actor: Actor) -> bool:
    return has_permission(actor, "case:view-restricted")


def restricted_posts(conn: Connection, post_ids: Iterable[str]) -> dict[str, str]:
    """``{post id: external id}`` of the given posts that are restricted."""
    return posts_with_cases_in(conn, post_ids, RESTRICTED_QUEUES)


def redact_verdict(verdict: VerdictOut, actor: Actor, *, restricted: bool) -> VerdictOut:
    """The verdict as ``actor`` may see it: the action, without queue, case id and reasons when restricted."""
    if sees_restricted(actor) or not (restricted or verdict.queue in RESTRICTED_QUEUES):
        return verdict
    return verdict.model_copy(update={"queue": None, "case_id": None, "reasons": []})


def _scrub(value: Any, hidden: frozenset[str]) -> Any:
    if isinstance(value, list):
        return [_scrub(v, hidden) for v in value if not (isinstance(v, str) and v in hidden)
                and not (isinstance(v, dict) and v.get("value") in hidden)]
    if isinstance(value, dict):
        return {k: _scrub(v, hidden) for k, v in value.items()}
    return value


def redact_network(conn: Connection, network: dict[str, Any], actor: Actor) -> dict[str, Any]:
    """``network`` without its restricted posts, for a role that may not see them."""
    if sees_restricted(actor):
        return network
    hidden_posts = restricted_posts(conn, network.get("post_ids") or [])
    if not hidden_posts:
        return network
    hidden = frozenset(hidden_posts) | frozenset(hidden_posts.values())
    out: dict[str, Any] = _scrub(network, hidden)
    out["size"] = len(out.get("post_ids") or [])
    out["restricted_posts_hidden"] = len(hidden_posts)
    return out
