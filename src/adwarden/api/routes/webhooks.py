"""``/v1/webhooks``: register endpoints, list them, disable or rotate, the dead-letter list and replay.

The router's lifespan starts the in-process webhook sender with the server (never under tests;
``ADWARDEN_WEBHOOK_POLL_SECONDS=0`` disables it, e.g. when ``adwarden webhooks run`` runs separately).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, Field
from pydantic.dataclasses import dataclass as pydantic_dataclass

from adwarden.actions.delivery import DeliveryWorker, RetryPolicy
from adwarden.actions.endpoints import Endpoint, change_endpoint, list_endpoints, register_endpoint
from adwarden.actions.feed import dead_letters, replay
from adwarden.actions.notify import wakeup_for
from adwarden.api.deps import ActorDep, RuntimeDep
from adwarden.api.params import Text
from adwarden.api.routes.cases import WakeupDep
from adwarden.api.routes.platform import actor_sites
from adwarden.runtime import Runtime


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    runtime: Runtime = app.state.runtime
    s = runtime.settings
    stop = threading.Event()
    thread = None
    worker = None
    if s.webhook_poll_seconds > 0 and s.environment != "test":
        worker = DeliveryWorker(runtime.db, timeout=s.webhook_timeout_seconds,
                                retry=RetryPolicy(max_attempts=s.webhook_max_attempts))
        wake = wakeup_for(app.state).event
        thread = threading.Thread(target=worker.run, args=(stop, wake, s.webhook_poll_seconds),
                                  name="adwarden-webhook-sender", daemon=True)
        thread.start()
    try:
        yield
    finally:
        stop.set()
        wakeup_for(app.state)()
        if thread is not None and worker is not None:
            thread.join(timeout=10)
            worker.close()


router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], lifespan=_lifespan)


class EndpointIn(BaseModel):
    site: Text = Field(..., min_length=1, max_length=200)
    url: Text = Field(..., min_length=1, max_length=2000, description="http(s) URL that receives POSTed events.")
    description: Text = Field("", max_length=2000)


class EndpointChangeIn(BaseModel):
    active: bool | None = None
    rotate_secret: bool = False


@pydantic_dataclass(frozen=True)
class EndpointOut(Endpoint):
    """A webhook endpoint as the API returns it: the endpoint record the actions service keeps."""

    secret: str | None = Field(default=None, description="Shown once: at registration and after rotation.")


class ReplayIn(BaseModel):
    event_ids: list[Annotated[Text, Field(max_length=40)]] = Field(default_factory=list, max_length=10_000)
    all_dead: bool = False


def _out(e: Endpoint) -> EndpointOut:
    return EndpointOut(**asdict(e))


@router.post("", response_model=EndpointOut, status_code=201, summary="Register a webhook endpoint for a site")
def add_endpoint(body: EndpointIn, runtime: RuntimeDep, actor: ActorDep) -> EndpointOut:
    return _out(register_endpoint(runtime.db, site=body.site, url=body.url, description=body.description,
                                  actor=actor, sites=actor_sites(runtime, actor)))


@router.get("", response_model=list[EndpointOut], summary="Registered webhook endpoints (no secrets)")
def get_endpoints(runtime: RuntimeDep, actor: ActorDep) -> list[EndpointOut]:
    return [_out(e) for e in list_endpoints(runtime.db, actor=actor, sites=actor_sites(runtime, actor))]


@router.patch("/{endpoint_id}", response_model=EndpointOut, summary="Disable/enable an endpoint or rotate its secret")
def patch_endpoint(endpoint_id: str, body: EndpointChangeIn, runtime: RuntimeDep, actor: ActorDep) -> EndpointOut:
    return _out(change_endpoint(runtime.db, endpoint_id, actor=actor, active=body.active,
                                rotate_secret=body.rotate_secret, sites=actor_sites(runtime, actor)))


@router.get("/dead-letters", summary="Deliveries that exhausted their attempts")
def get_dead_letters(runtime: RuntimeDep, actor: ActorDep) -> list[dict[str, Any]]:
    return dead_letters(runtime.db, actor=actor, sites=actor_sites(runtime, actor))


@router.post("/replay", summary="Queue deliveries again (by event id, or every dead one)")
def post_replay(body: ReplayIn, runtime: RuntimeDep, actor: ActorDep, wake: WakeupDep) -> dict[str, int]:
    n = replay(runtime.db, actor=actor, sites=actor_sites(runtime, actor), event_ids=body.event_ids or None,
               all_dead=body.all_dead)
    wake()
    return {"requeued": n}
