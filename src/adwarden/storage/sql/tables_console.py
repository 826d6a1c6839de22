"""Console tables: reviewers' accounts, their server-side sessions, and comments between reviewers on a case.

Sessions live in the database (not in a signed cookie) so that logout and expiry are real revocations: the
cookie only carries a random id, and the table stores its SHA-256, so a leaked database copy cannot be replayed
as a cookie. ``exposures`` counts the media this session revealed (the per-shift exposure count).
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from adwarden.storage.sql.tables import metadata, posts
from adwarden.storage.sql.types import UTCDateTime

console_users = Table(
    "console_users",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("password_hash", String(500), nullable=False),
    Column("roles", JSON, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("preferences", JSON, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

console_sessions = Table(
    "console_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_name", String(200), ForeignKey("console_users.name", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("last_seen_at", UTCDateTime(), nullable=False),
    Column("exposures", Integer, nullable=False, default=0),
    Index("ix_console_sessions_user_name", "user_name"),
)

case_comments = Table(
    "case_comments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(40), ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("author", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_case_comments_case_id", "case_id", "id"),
)

#: The case page lists an account's other posts and counts them; without this index that is a scan of every
#: post (100k+). Created by the console's migration; declared here so the metadata matches the schema.
ix_posts_account_id = Index("ix_posts_account_id", posts.c.account_id)
