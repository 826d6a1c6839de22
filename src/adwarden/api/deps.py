"""Request dependencies: the runtime and the acting user (API keys -> actor and roles)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from adwarden.domain import Actor, PermissionDenied
from adwarden.domain.errors import Unauthenticated
from adwarden.runtime import Runtime


async def get_runtime(request: Request) -> Runtime:
    """Async (no I/O): FastAPI would otherwise run this trivial lookup in its thread pool."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def parse_actor_spec(spec: str) -> Actor:
    """``"alice:moderator,child-safety"`` -> Actor(alice, {moderator, child-safety})."""
    name, _, roles = spec.partition(":")
    return Actor(name=name, roles=frozenset(r.strip() for r in roles.split(",") if r.strip()))


async def get_actor(request: Request, runtime: Annotated[Runtime, Depends(get_runtime)]) -> Actor:
    """The caller, from ``Authorization: Bearer KEY`` (or ``X-API-Key``) looked up in ``ADWARDEN_API_KEYS``.

    With no keys configured in development, callers act as ``dev-platform`` with the platform role only.
    A missing or unknown key is :class:`Unauthenticated` (401 with a ``Bearer`` challenge); a known key that
    lacks a permission is refused later with :class:`PermissionDenied` (403)."""
    keys = runtime.settings.api_keys
    header = request.headers.get("authorization", "")
    key = header[7:].strip() if header.lower().startswith("bearer ") else request.headers.get("x-api-key", "")
    if not keys:
        if runtime.settings.environment == "production":
            raise PermissionDenied("no API keys are configured")
        return Actor("dev-platform", frozenset({"platform"}))
    spec = keys.get(key) if key else None
    if spec is None:
        raise Unauthenticated("unknown API key" if key else "an API key is required (Authorization: Bearer KEY)")
    return parse_actor_spec(spec)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ActorDep = Annotated[Actor, Depends(get_actor)]
