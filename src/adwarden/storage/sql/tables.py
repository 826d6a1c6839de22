"""Core tables of the spine. Other areas add their tables to the same :data:`metadata` in ``tables_<area>.py``.

Portable types only (String, Text, Integer, Float, Boolean, JSON, UTCDateTime) so SQLite and PostgreSQL run the
same tests. Posts keep every version: ``post_versions`` is append-only. Column groups every area repeats (keys,
the row a child belongs to, who and when) come from :mod:`adwarden.storage.sql.columns`.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from adwarden.storage.sql.columns import actor, belongs_to, moment, serial_key, text_key, timestamps
from adwarden.storage.sql.types import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(500), primary_key=True),  # site + ":" + platform account id
    Column("site", String(200), nullable=False),
    Column("external_id", String(255), nullable=False),
    Column("email", String(320)),
    Column("phone", String(64)),
    Column("ip", String(64)),
    Column("device_id", String(255)),
    *timestamps(),
)

posts = Table(
    "posts",
    metadata,
    text_key(),
    Column("site", String(200), nullable=False),
    Column("external_id", String(500), nullable=False),
    Column("account_id", String(500), ForeignKey("accounts.id")),
    Column("latest_version", Integer, nullable=False),  # highest version number stored
    Column("current_version", Integer, nullable=False),  # the version live on the platform (a revert moves it back)
    *timestamps(),
    UniqueConstraint("site", "external_id", name="uq_posts_site_external_id"),
)

post_versions = Table(
    "post_versions",
    metadata,
    serial_key(),
    belongs_to("post_id", "posts.id"),
    Column("version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("title", Text),
    Column("body", Text),
    Column("category", String(200)),
    Column("location", String(2000)),
    Column("url", String(2000)),
    Column("posted_at", UTCDateTime()),
    moment("received_at"),
    Column("account", JSON),
    Column("media", JSON),
    UniqueConstraint("post_id", "version", name="uq_post_versions_post_id_version"),
    Index("ix_post_versions_post_id_content_hash", "post_id", "content_hash"),
)

identifiers = Table(
    "identifiers",
    metadata,
    serial_key(),
    belongs_to("post_id", "posts.id"),
    Column("version", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("value", String(500), nullable=False),
    Column("start", Integer),
    Column("end", Integer),
    Column("platform", String(64)),
    Column("source", String(16), nullable=False),
    Index("ix_identifiers_kind_value", "kind", "value"),
    Index("ix_identifiers_post_id", "post_id"),
)

media = Table(
    "media",
    metadata,
    serial_key(),
    belongs_to("post_id", "posts.id"),
    Column("version", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("url", String(2000)),
    Column("sha256", String(64)),
    Column("md5", String(32)),
    Column("pdq", String(64)),
    Column("pdq_quality", Integer),
    Column("error", Text),
    Index("ix_media_post_id", "post_id"),
    Index("ix_media_sha256", "sha256"),
)

assessments = Table(
    "assessments",
    metadata,
    text_key(),
    belongs_to("post_id", "posts.id"),
    Column("version", Integer, nullable=False),
    Column("action", String(16), nullable=False),
    Column("risk", Float, nullable=False),
    Column("priority", Integer, nullable=False),
    Column("queue", String(64)),
    Column("open_case", Boolean, nullable=False),
    Column("preserve", Boolean, nullable=False, default=False),
    Column("reasons", JSON, nullable=False),
    Column("contributions", JSON, nullable=False),
    Column("rules_fired", JSON, nullable=False),
    Column("versions", JSON, nullable=False),
    Column("trigger", String(32), nullable=False),
    Column("case_id", String(40)),
    moment("created_at"),
    Index("ix_assessments_post_id", "post_id", "created_at"),
)

cases = Table(
    "cases",
    metadata,
    text_key(),
    belongs_to("post_id", "posts.id"),
    Column("status", String(16), nullable=False),
    Column("queue", String(64), nullable=False),
    Column("priority", Integer, nullable=False),
    Column("risk", Float, nullable=False),
    moment("opened_at"),
    moment("updated_at"),
    Column("closed_at", UTCDateTime()),
    Column("close_reason", Text),
    Index("ix_cases_status_queue", "status", "queue", "priority"),
    Index("ix_cases_post_id", "post_id"),
    # At most one open case per post, even with concurrent writers.
    Index("uq_cases_open_post", "post_id", unique=True, sqlite_where=text("status = 'open'"),
          postgresql_where=text("status = 'open'")),
)

decisions = Table(
    "decisions",
    metadata,
    serial_key(),
    belongs_to("case_id", "cases.id"),
    Column("outcome", String(64), nullable=False),
    actor(),
    Column("note", Text, nullable=False, default=""),
    moment("created_at"),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("name", String(100), nullable=False),
    actor(),
    Column("subject_type", String(64), nullable=False),
    Column("subject_id", String(500), nullable=False),
    Column("payload", Text, nullable=False),  # canonical JSON text: hashed exactly as stored
    Column("created_at", String(40), nullable=False),  # ISO-8601 UTC text: hashed exactly as stored
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_events_subject", "subject_type", "subject_id"),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False),
)
