"""Webhook endpoints: one URL and secret per platform site, registered through the API or the CLI.

The secret is generated here (32 random bytes) and shown once, at registration or rotation; it is stored to
sign deliveries and never written to the audit log. Only http(s) URLs are accepted.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import insert, select, update

from adwarden.audit.log import append_event
from adwarden.domain import Actor, InputError, NotFound
from adwarden.permissions import ensure_permission
from adwarden.storage.ids import new_id
from adwarden.storage.sql.database import Database
from adwarden.storage.sql.tables_review import webhook_endpoints


@dataclass(frozen=True)
class Endpoint:
    id: str
    site: str
    url: str
    active: bool
    description: str
    created_at: datetime
    secret: str | None = None  # only when just created or rotated


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
    with db.transaction() as conn:
        conn.execute(insert(webhook_endpoints).values(id=eid, site=site, url=clean, secret=key, active=True,
                                                      description=description, created_by=actor.name,
                                                      created_at=now))
        append_event(conn, name="webhook-endpoint-registered", actor=actor.name, subject_type="webhook",
                     subject_id=eid, payload={"site": site, "url": clean})
    return Endpoint(eid, site, clean, True, description, now, key)


def list_endpoints(db: Database, *, actor: Actor, sites: frozenset[str] | None = None) -> list[Endpoint]:
    ensure_permission(actor, "webhook:manage")
    q = select(webhook_endpoints).order_by(webhook_endpoints.c.created_at)
    if sites is not None:
        q = q.where(webhook_endpoints.c.site.in_(sorted(sites)))
    with db.read() as conn:
        rows = conn.execute(q).all()
    return [Endpoint(r.id, r.site, r.url, r.active, r.description, r.created_at) for r in rows]


def change_endpoint(db: Database, endpoint_id: str, *, actor: Actor, active: bool | None = None,
                    rotate_secret: bool = False, sites: frozenset[str] | None = None) -> Endpoint:
    """Disable/enable an endpoint or rotate its secret (the new secret is returned once)."""
    ensure_permission(actor, "webhook:manage")
    with db.transaction() as conn:
        row = conn.execute(select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)
                           .with_for_update()).first()
        if row is None or (sites is not None and row.site not in sites):
            raise NotFound(f"webhook endpoint {endpoint_id} not found")
        values: dict[str, object] = {}
        if active is not None:
            values["active"] = active
        new_secret = secrets.token_urlsafe(32) if rotate_secret else None
        if new_secret:
            values["secret"] = new_secret
        if not values:
            raise InputError("nothing to change: give active or rotate_secret", record="endpoint")
        conn.execute(update(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id).values(**values))
        append_event(conn, name="webhook-endpoint-changed", actor=actor.name, subject_type="webhook",
                     subject_id=endpoint_id, payload={"active": active, "secret_rotated": rotate_secret})
    return Endpoint(row.id, row.site, row.url, row.active if active is None else active, row.description,
                    row.created_at, new_secret)
