"""Tables of the law-enforcement desk: requests, their targets and documents, holds, productions, checks.

Holds record the id of every item they freeze (``hold_items``), so retention can ask "is this held?" with
one indexed lookup and a hold's extent is fixed when it is placed (what was preserved is provable later).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from adwarden.storage.sql.columns import actor, belongs_to, created_by, moment, serial_key, text_key
from adwarden.storage.sql.tables import metadata
from adwarden.storage.sql.types import UTCDateTime

legal_requests = Table(
    "legal_requests",
    metadata,
    text_key(),
    Column("type", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("agency", String(300), nullable=False),
    Column("authority", Text, nullable=False),
    Column("officer", String(300)),
    Column("contact_email", String(320)),
    Column("contact_phone", String(64)),
    Column("case_number", String(200)),
    moment("received_at"),
    Column("due_at", UTCDateTime()),
    Column("date_start", Date),
    Column("date_end", Date),
    Column("nondisclosure", Boolean, nullable=False, default=False),
    Column("nondisclosure_until", Date),
    Column("notes", Text),
    Column("flags", JSON, nullable=False),
    Column("hold_id", String(40)),
    Column("renewals", Integer, nullable=False, default=0),
    *created_by(),
    moment("updated_at"),
    Index("ix_legal_requests_status_due", "status", "due_at"),
    Index("ix_legal_requests_received_at", "received_at"),
)

legal_targets = Table(
    "legal_targets",
    metadata,
    serial_key(),
    belongs_to("request_id", "legal_requests.id"),
    Column("position", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value", String(500), nullable=False),
    Column("platform", String(64)),
    Column("matched_posts", Integer, nullable=False, default=0),
    Index("ix_legal_targets_request_id", "request_id"),
)

legal_documents = Table(
    "legal_documents",
    metadata,
    text_key(),
    belongs_to("request_id", "legal_requests.id"),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(100)),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    actor("added_by"),
    moment("added_at"),
    Index("ix_legal_documents_request_id", "request_id"),
)

holds = Table(
    "holds",
    metadata,
    text_key(),
    Column("source", String(200), nullable=False),  # e.g. "legal:lr-...", "cybertip:...", "investigation"
    Column("reason", Text, nullable=False),
    Column("targets", JSON, nullable=False),
    *created_by(),
    Column("expires_at", UTCDateTime()),
    Column("released_at", UTCDateTime()),
    Column("released_by", String(200)),
    Column("release_reason", Text),
    Index("ix_holds_source", "source"),
)

hold_items = Table(
    "hold_items",
    metadata,
    belongs_to("hold_id", "holds.id"),
    Column("item_type", String(32), nullable=False),
    Column("item_id", String(300), nullable=False),
    PrimaryKeyConstraint("hold_id", "item_type", "item_id", name="pk_hold_items"),
    Index("ix_hold_items_item", "item_type", "item_id"),
)

productions = Table(
    "productions",
    metadata,
    text_key(),
    belongs_to("request_id", "legal_requests.id"),
    moment("produced_at"),
    actor("produced_by"),
    Column("recipient", String(500), nullable=False),
    Column("authority", Text, nullable=False),
    Column("package_path", String(2000)),
    Column("package_sha256", String(64), nullable=False),
    Column("manifest_sha256", String(64), nullable=False),
    Column("key_fingerprint", String(80), nullable=False),
    Column("contents", JSON, nullable=False),
    Index("ix_productions_request_id", "request_id"),
)

emergency_verifications = Table(
    "emergency_verifications",
    metadata,
    serial_key(),
    belongs_to("request_id", "legal_requests.id"),
    Column("check_name", String(32), nullable=False),
    actor("verified_by"),
    moment("verified_at"),
    Column("detail", Text, nullable=False),
    Column("passed", Boolean, nullable=False),
    Index("ix_emergency_verifications_request_id", "request_id"),
)
