"""Request dependencies: the runtime and the acting user (API keys -> actor and roles)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from adwarden.domain import Actor
from adwarden.domain.errors import Unauthenticated
from adwarden.identities.keys import SettingsKeys, authenticate, hash_key, parse_actor_spec
from adwarden.runtime import Runtime

__all__ = ["ActorDep", "RuntimeDep", "get_actor", "get_runtime", "parse_actor_spec"]

#: Seconds a stored key's lookup is reused in this process (so a revocation takes effect within this time).
KEY_CACHE_SECONDS = 5.0


async def get_runtime(request: Request) -> Runtime:
    """Async (no I/O): FastAPI would otherwise run this trivial lookup in its thread pool."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def _settings_keys(request: Request, runtime: Runtime) -> SettingsKeys:
    """The settings' keys, hashed once per app (they are never kept as plaintext for comparison)."""
    source = runtime.settings.api_keys
    cached = getattr(request.app.state, "settings_keys", None)
    if cached is None or cached[0] is not source:
        cached = (source, SettingsKeys(source))
        request.app.state.settings_keys = cached
    keys: SettingsKeys = cached[1]
    return keys


def _stored_key(request: Request, runtime: Runtime, key: str) -> Actor | None:
    cache: dict[str, tuple[float, Actor | None]] = request.app.state.__dict__.setdefault("key_cache", {})
    digest = hash_key(key)
    hit = cache.get(digest)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    with runtime.db.read() as conn:
        actor = authenticate(conn, key, now=datetime.now(UTC))
    if len(cache) > 10_000:
        cache.clear()
    cache[digest] = (now + KEY_CACHE_SECONDS, actor)
    return actor


async def get_actor(request: Request, runtime: Annotated[Runtime, Depends(get_runtime)]) -> Actor:
    """The caller, from ``Authorization: Bearer KEY`` (or ``X-API-Key``): a key created with ``adwarden keys
    create`` (stored hashed) or one from ``ADWARDEN_API_KEYS`` (hashed in memory), compared in constant time.

    With no key sent and no settings keys in development, callers act as ``dev-platform`` with the platform
    role only. A missing, unknown, expired or revoked key is :class:`Unauthenticated` (401 with a ``Bearer``
    challenge); a known key that lacks a permission is refused later with :class:`PermissionDenied` (403)."""
    header = request.headers.get("authorization", "")
    key = header[7:].strip() if header.lower().startswith("bearer ") else request.headers.get("x-api-key", "")
    settings_keys = _settings_keys(request, runtime)
    if not key:
        if not settings_keys and runtime.settings.environment != "production":
            return Actor("dev-platform", frozenset({"platform"}))
        raise Unauthenticated("an API key is required (Authorization: Bearer KEY)")
    actor = settings_keys.lookup(key) or _stored_key(request, runtime, key)
    if actor is None:
        raise Unauthenticated("unknown, expired or revoked API key")
    return actor


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ActorDep = Annotated[Actor, Depends(get_actor)]
