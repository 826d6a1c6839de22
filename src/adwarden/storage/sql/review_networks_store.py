"""The one place the review loop reads networks (the ``networks`` / ``network_posts`` tables).

Kept to two small functions so that when networks move behind their own package the review loop follows by
changing this file only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from adwarden.storage.sql.tables import posts
from adwarden.storage.sql.tables_networks import network_posts, networks


def network_members(conn: Connection, network_id: str) -> list[str] | None:
    """Every post of the network, in the network's order; None for an unknown network."""
    if conn.execute(select(networks.c.id).where(networks.c.id == network_id)).first() is None:
        return None
    return list(conn.execute(select(network_posts.c.post_id).where(network_posts.c.network_id == network_id)
                             .order_by(network_posts.c.position)).scalars())


def network_summary_of_post(conn: Connection, post_id: str, *, max_members: int) -> dict[str, Any] | None:
    """The post's network as case detail shows it: members (the first ``max_members``), shared identifiers
    (links), templates, facts; None when the post is in no network."""
    nid = conn.execute(select(network_posts.c.network_id).where(network_posts.c.post_id == post_id)
                       ).scalar_one_or_none()
    if nid is None:
        return None
    net = conn.execute(select(networks).where(networks.c.id == nid)).one()
    members = conn.execute(
        select(network_posts.c.post_id, posts.c.site, posts.c.external_id)
        .join(posts, posts.c.id == network_posts.c.post_id)
        .where(network_posts.c.network_id == nid).order_by(network_posts.c.position).limit(max_members)).all()
    return {"id": net.id, "size": net.size, "risk": net.risk, "facts": net.facts, "shared_identifiers": net.links,
            "templates": net.templates, "cities": net.cities,
            "members": [{"post_id": m.post_id, "site": m.site, "external_id": m.external_id} for m in members]}
