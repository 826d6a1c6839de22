"""Webhook endpoints: one URL and secret per platform site, registered through the API or the CLI.

The secret is generated here (32 random bytes) and shown once, at registration or rotation; it is stored to
sign deliveries and never written to the audit log. Only http(s) URLs are accepted.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from adwarden.audit.log import append_event
from adwarden.domain import Actor, InputError, NotFound
from adwarden.domain.webhook_endpoint import Endpoint
from adwarden.permissions import ensure_permission
from adwarden.storage.ids import new_id
from adwarden.storage.sql.database import Database
from adwarden.storage.sql.webhook_endpoints_store import (
    endpoints_of,
    insert_endpoint,
    lock_endpoint,
    update_endpoint,
)

__all__ = ["Endpoint", "change_endpoint", "check_url", "list_endpoints", "register_endpoint"]


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"webhook URL must be http(s)://host/..., got {url!r}", record="endpoint", field="url")
    return url.strip()


def _allowed(site: str, sites: frozenset[str] | None) -> None:
    if sites is not None and site not in sites:
        raise NotFound(f"site {site!r} not found")


def register_endpoint(db: Database, *, site: str, url: str, actor: Actor, description: str = "",
                      secret: str | None = None, sites: frozenset[str] | None = None) -> Endpoint:
    """Register an endpoint for ``site``; the returned :class:`Endpoint` carries the secret (shown once)."""
    ensure_permission(actor, "webhook:manage")
    if not site.strip():
        raise InputError("site is required", record="endpoint", field="site")
    _allowed(site, sites)
    clean = check_url(url)
    if secret is not None and len(secret) < 16:
        raise InputError("a secret must be at least 16 characters", record="endpoint", field="secret")
    key = secret or secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    eid = new_id("wh")
    endpoint = Endpoint(eid, site, clean, True, description, now)
    with db.transaction() as conn:
        insert_endpoint(conn, endpoint, secret=key, created_by=actor.name)
        append_event(conn, name="webhook-endpoint-registered", actor=actor.name, subject_type="webhook",
                     subject_id=eid, payload={"site": site, "url": clean})
    return replace(endpoint, secret=key)


def list_endpoints(db: Database, *, actor: Actor, sites: frozenset[str] | None = None) -> list[Endpoint]:
    ensure_permission(actor, "webhook:manage")
    with db.read() as conn:
        return endpoints_of(conn, sites)


def change_endpoint(db: Database, endpoint_id: str, *, actor: Actor, active: bool | None = None,
                    rotate_secret: bool = False, sites: frozenset[str] | None = None) -> Endpoint:
    """Disable/enable an endpoint or rotate its secret (the new secret is returned once)."""
    ensure_permission(actor, "webhook:manage")
    with db.transaction() as conn:
        row = lock_endpoint(conn, endpoint_id)
        if row is None or (sites is not None and row.site not in sites):
            raise NotFound(f"webhook endpoint {endpoint_id} not found")
        new_secret = secrets.token_urlsafe(32) if rotate_secret else None
        if active is None and not new_secret:
            raise InputError("nothing to change: give active or rotate_secret", record="endpoint")
        update_endpoint(conn, endpoint_id, active=active, secret=new_secret)
        append_event(conn, name="webhook-endpoint-changed", actor=actor.name, subject_type="webhook",
                     subject_id=endpoint_id, payload={"active": active, "secret_rotated": rotate_secret})
    return replace(row, active=row.active if active is None else active, secret=new_secret)
