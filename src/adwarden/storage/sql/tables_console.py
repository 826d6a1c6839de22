"""Console tables: reviewers' accounts, their server-side sessions, and comments between reviewers on a case.

Sessions live in the database (not in a signed cookie) so that logout and expiry are real revocations: the
cookie only carries a random id, and the table stores its SHA-256, so a leaked database copy cannot be replayed
as a cookie. ``exposures`` counts the media this session revealed (the per-shift exposure count).
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table, Text

from adwarden.storage.sql.columns import actor, belongs_to, moment, serial_key, timestamps
from adwarden.storage.sql.tables import metadata, posts

console_users = Table(
    "console_users",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("password_hash", String(500), nullable=False),
    Column("roles", JSON, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("preferences", JSON, nullable=False),
    *timestamps(),
)

console_sessions = Table(
    "console_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    belongs_to("user_name", "console_users.name", String(200)),
    Column("csrf_token", String(64), nullable=False),
    moment("created_at"),
    moment("expires_at"),
    moment("last_seen_at"),
    Column("exposures", Integer, nullable=False, default=0),
    Index("ix_console_sessions_user_name", "user_name"),
)

case_comments = Table(
    "case_comments",
    metadata,
    serial_key(),
    belongs_to("case_id", "cases.id"),
    actor("author"),
    Column("body", Text, nullable=False),
    moment("created_at"),
    Index("ix_case_comments_case_id", "case_id", "id"),
)

#: The case page lists an account's other posts and counts them; without this index that is a scan of every
#: post (100k+). Created by the console's migration; declared here so the metadata matches the schema.
ix_posts_account_id = Index("ix_posts_account_id", posts.c.account_id)
