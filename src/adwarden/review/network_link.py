"""The one place the review loop reads networks (through :mod:`adwarden.storage.sql.review_networks_store`).

Kept to two small functions so that when networks move behind their own package the review loop follows by
changing this file only.
"""

from __future__ import annotations

from typing import Any

from adwarden.domain import NotFound
from adwarden.storage.sql.database import Connection
from adwarden.storage.sql.review_networks_store import network_members, network_summary_of_post

MAX_MEMBERS_SHOWN = 200


def network_post_ids(conn: Connection, network_id: str) -> list[str]:
    """Every post of the network, in the network's order; :class:`NotFound` for an unknown network."""
    members = network_members(conn, network_id)
    if members is None:
        raise NotFound(f"network {network_id} not found")
    return members


def network_of_post(conn: Connection, post_id: str) -> dict[str, Any] | None:
    """The post's network as case detail shows it: members, shared identifiers (links), templates, facts."""
    return network_summary_of_post(conn, post_id, max_members=MAX_MEMBERS_SHOWN)
