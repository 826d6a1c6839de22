"""What a platform sends and reads: ``POST /v1/flags``, ``POST /v1/appeals``, ``GET /v1/actions``.

A platform acts only for its own sites (``ADWARDEN_PLATFORM_SITES``); another site's posts and events look
absent (404), not forbidden.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from adwarden.actions.feed import delivery_status, read_feed
from adwarden.actions.sites import sites_of
from adwarden.api.deps import ActorDep, RuntimeDep
from adwarden.api.params import Text
from adwarden.domain import Actor
from adwarden.review.appeals import submit_appeal
from adwarden.review.flags import REASONS, submit_flag
from adwarden.runtime import Runtime

router = APIRouter(tags=["platform"])


def actor_sites(runtime: Runtime, actor: Actor) -> frozenset[str] | None:
    s = runtime.settings
    return sites_of(actor, s.platform_sites, s.environment)


class PostOnSite(BaseModel):
    """Which post: a platform names its posts by site and its own id, never by AdWarden's."""

    site: Text = Field("default", min_length=1, max_length=200)
    external_id: Text = Field(..., min_length=1, max_length=500, description="The post's id on the platform.")


class FlagIn(PostOnSite):
    reason: Text = Field(..., description=", ".join(REASONS))
    text: Text = Field("", max_length=5000, description="What the user wrote.")
    reporter: Text = Field(..., min_length=1, max_length=500, description="The reporting user's opaque id.")


class FlagOut(BaseModel):
    flag_id: str
    post_id: str
    trust: str
    weight: float
    case_id: str | None
    effect: str


class AppealIn(PostOnSite):
    text: Text = Field("", max_length=10_000, description="The poster's appeal.")
    appellant: Text = Field(..., min_length=1, max_length=500, description="The poster's opaque id.")


class AppealOut(BaseModel):
    case_id: str
    post_id: str
    appeal_of: str
    queue: str


@router.post("/v1/flags", response_model=FlagOut, status_code=201, summary="Forward a user's flag on a post")
def post_flag(body: FlagIn, runtime: RuntimeDep, actor: ActorDep) -> FlagOut:
    r = submit_flag(runtime.db, site=body.site, external_id=body.external_id, reason=body.reason,
                    reporter=body.reporter, text=body.text, actor=actor, policy=runtime.screener.policy,
                    sites=actor_sites(runtime, actor))
    return FlagOut(flag_id=r.flag_id, post_id=r.post_id, trust=r.trust, weight=r.weight, case_id=r.case_id,
                   effect=r.effect)


@router.post("/v1/appeals", response_model=AppealOut, status_code=201,
             summary="Forward a poster's appeal against a removal")
def post_appeal(body: AppealIn, runtime: RuntimeDep, actor: ActorDep) -> AppealOut:
    a = submit_appeal(runtime.db, site=body.site, external_id=body.external_id, text=body.text,
                      appellant=body.appellant, actor=actor, sites=actor_sites(runtime, actor))
    return AppealOut(case_id=a.case_id, post_id=a.post_id, appeal_of=a.appeal_of, queue=a.queue)


@router.get("/v1/actions", summary="Poll platform action events after a cursor, in order")
def get_actions(
    runtime: RuntimeDep, actor: ActorDep,
    after: Annotated[str | None, Query(description="The next_cursor of the previous page; omit to start.")] = None,
    site: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    page = read_feed(runtime.db, after=after, actor=actor, sites=actor_sites(runtime, actor), site=site,
                     limit=limit)
    return {"events": page.events, "next_cursor": page.next_cursor}


@router.get("/v1/actions/{event_id}", summary="One action event and its delivery status per endpoint")
def get_action(event_id: str, runtime: RuntimeDep, actor: ActorDep) -> dict[str, Any]:
    return delivery_status(runtime.db, event_id, actor=actor, sites=actor_sites(runtime, actor))
