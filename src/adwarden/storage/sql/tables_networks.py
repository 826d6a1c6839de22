"""Networks of linked posts, as last built (``adwarden networks build``) or refreshed after ingest.

A network row holds its explanation (links, ignored hub identifiers, templates) and its facts as JSON, so the
console, the API and an evidence package show exactly what the linker saw when it was built. Membership is
one row per post, so "the network of this post" is one indexed look-up.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Index, Integer, String, Table

from adwarden.storage.sql.columns import belongs_to, moment, serial_key, text_key
from adwarden.storage.sql.tables import metadata

networks = Table(
    "networks",
    metadata,
    text_key(),
    Column("size", Integer, nullable=False),
    Column("links", JSON, nullable=False),
    Column("ignored", JSON, nullable=False),
    Column("cities", JSON, nullable=False),
    Column("facts", JSON, nullable=False),
    Column("templates", JSON, nullable=False),
    Column("first_seen", String(40)),
    Column("last_seen", String(40)),
    Column("risk", Float, nullable=False),
    moment("built_at"),
    Index("ix_networks_size", "size"),
)

network_posts = Table(
    "network_posts",
    metadata,
    belongs_to("post_id", "posts.id", primary_key=True),
    belongs_to("network_id", "networks.id"),
    Column("position", Integer, nullable=False),
    Index("ix_network_posts_network_id", "network_id", "position"),
)

network_builds = Table(
    "network_builds",
    metadata,
    serial_key(),
    moment("built_at"),
    Column("posts", Integer, nullable=False),
    Column("networks", Integer, nullable=False),
    Column("seconds", Float, nullable=False),
    Column("options", JSON, nullable=False),
)

#: The durable log of network changes: one row per post whose live link record was added, replaced (an edit or a
#: revert) or removed (a purge), written in the same transaction as the change. ``seq`` is allocated under the
#: lock of :data:`network_state`, so sequence order is commit order and every process that replays the log in
#: order (the live linker of each API worker, the CLI) reaches the same networks.
network_changes = Table(
    "network_changes",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("post_id", String(40), nullable=False),
    Column("op", String(10), nullable=False),
    moment("created_at"),
    Index("ix_network_changes_post_id", "post_id"),
)

#: One row: the last allocated change sequence number (locked ``FOR UPDATE`` by every writer of network changes).
network_state = Table(
    "network_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", Integer, nullable=False),
)
