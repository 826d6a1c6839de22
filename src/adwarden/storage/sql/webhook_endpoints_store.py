"""Storing webhook endpoints (``webhook_endpoints``): one URL and signing secret per platform site.

Why a module of its own: :mod:`adwarden.actions.endpoints` checks URLs, generates secrets and writes the audit
events; this module keeps the rows and hands back :class:`~adwarden.domain.webhook_endpoint.Endpoint`
objects (without the secret, which callers see only when it is created or rotated).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, insert, select, update

from adwarden.domain.webhook_endpoint import Endpoint
from adwarden.storage.sql.tables_review import webhook_endpoints


def _endpoint(r: Any) -> Endpoint:
    return Endpoint(r.id, r.site, r.url, r.active, r.description, r.created_at)


def insert_endpoint(conn: Connection, e: Endpoint, *, secret: str, created_by: str) -> None:
    conn.execute(insert(webhook_endpoints).values(id=e.id, site=e.site, url=e.url, secret=secret, active=e.active,
                                                  description=e.description, created_by=created_by,
                                                  created_at=e.created_at))


def endpoints_of(conn: Connection, sites: Collection[str] | None) -> list[Endpoint]:
    """The endpoints of ``sites`` (None: every site), oldest first."""
    q = select(webhook_endpoints).order_by(webhook_endpoints.c.created_at)
    if sites is not None:
        q = q.where(webhook_endpoints.c.site.in_(sorted(sites)))
    return [_endpoint(r) for r in conn.execute(q).all()]


def lock_endpoint(conn: Connection, endpoint_id: str) -> Endpoint | None:
    """The endpoint, locked for update; None when there is none."""
    r = conn.execute(select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)
                     .with_for_update()).first()
    return None if r is None else _endpoint(r)


def update_endpoint(conn: Connection, endpoint_id: str, *, active: bool | None = None,
                    secret: str | None = None) -> None:
    """Change what is given (the active switch, the secret)."""
    values: dict[str, object] = {}
    if active is not None:
        values["active"] = active
    if secret is not None:
        values["secret"] = secret
    if values:
        conn.execute(update(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id).values(**values))
