"""``/v1/posts``: submit a post for screening, read a post with its versions and latest verdict."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter
from pydantic import Field

from adwarden.api.deps import ActorDep, RuntimeDep
from adwarden.api.restricted import redact_verdict, restricted_posts, sees_restricted
from adwarden.api.schemas import PostOut, VerdictOut, post_out, verdict_out
from adwarden.domain import InputError, NotFound
from adwarden.ingest.schema import PostIn
from adwarden.permissions import ensure_permission
from adwarden.review.enforcement import post_enforcement_of
from adwarden.runtime import Runtime
from adwarden.screening.batcher import IngestBatcher
from adwarden.storage.sql.queries import get_post, latest_assessment

router = APIRouter(prefix="/v1/posts", tags=["posts"])


_batcher_lock = threading.Lock()


def get_batcher(runtime: Runtime) -> IngestBatcher:
    """The process's single ingest writer (created on first use). It screens with whatever screener the runtime
    holds, and each batch checks inside its transaction that banks and policy did not change meanwhile."""
    with _batcher_lock:
        if not isinstance(runtime.batcher, IngestBatcher):
            runtime.batcher = IngestBatcher(runtime, screen_workers=runtime.settings.resolved_api_screen_workers)
        return runtime.batcher


@router.post("", response_model=VerdictOut, summary="Screen and store one post")
async def submit_post(post: PostIn, runtime: RuntimeDep, actor: ActorDep) -> VerdictOut:
    """Validate, store (idempotently) and screen one post; answer with the verdict and its reasons.

    The same post sent twice is stored once (``duplicate: true`` with the stored verdict); changed content is
    stored as a new version of the same post. The verdict is committed before this answer is sent.
    """
    ensure_permission(actor, "post:ingest")
    s = runtime.settings
    if post.body is not None and len(post.body) > s.max_body_bytes:
        raise InputError(f"over the size limit of {s.max_body_bytes} characters", record="post", field="body")
    # Async: the request waits on the writer's future without holding a thread; screening and storing run in
    # the one writer thread (see adwarden.screening.batcher for why).
    outcome = await get_batcher(runtime).submit_async(post.to_domain(), actor=actor)
    if outcome.assessment is None:
        raise NotFound(f"post {outcome.post_id} has no verdict")
    verdict = verdict_out(outcome.assessment, duplicate=outcome.status == "duplicate")
    return redact_verdict(verdict, actor, restricted=False)  # the platform learns the action, not the queue


class PostWithEnforcementOut(PostOut):
    enforcement: dict[str, Any] | None = Field(
        None, description="The state a reviewer's decision put the post in (allowed/removed) and that decision; "
        "it wins over the verdict's automatic action. None until a decision.")


@router.get("/{post_id}", response_model=PostWithEnforcementOut,
            summary="A post, all its versions, its latest verdict and its enforcement")
def read_post(post_id: str, runtime: RuntimeDep, actor: ActorDep) -> PostWithEnforcementOut:
    ensure_permission(actor, "post:view")
    with runtime.db.read() as conn:
        p = get_post(conn, post_id)
        latest = latest_assessment(conn, post_id)
        enforcement = post_enforcement_of(conn, post_id)
        restricted = bool(restricted_posts(conn, [post_id]))
    out = post_out(p, latest)
    if out.verdict is not None:  # restricted (child-safety) details only for case:view-restricted
        out.verdict = redact_verdict(out.verdict, actor, restricted=restricted)
    if enforcement is not None and restricted and not sees_restricted(actor):
        enforcement = {"state": enforcement.get("state")}  # the decision names the restricted case
    return PostWithEnforcementOut(**out.model_dump(), enforcement=enforcement)
