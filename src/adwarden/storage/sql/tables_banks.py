"""Tables of banks, activated policies and resumable rescans.

``bank_entries.value`` holds the stored form (keyed hash, digest or normalized text); ``value_key`` is the
value itself for hashes and its SHA-256 for text, so the unique index stays short on every backend. Policies
are stored whole when activated (text and digest), so the policy behind any verdict can be shown later.
A rescan job lists its target posts in ``rescan_items`` and keeps a cursor, so an interrupted rescan resumes
where it stopped.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table, Text, UniqueConstraint

from adwarden.storage.sql.columns import actor, belongs_to, created_by, moment, serial_key, text_key
from adwarden.storage.sql.tables import metadata
from adwarden.storage.sql.types import UTCDateTime

banks = Table(
    "banks",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("labels", JSON, nullable=False),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("description", Text, nullable=False, default=""),
    *created_by(),
    moment("updated_at"),
)

bank_entries = Table(
    "bank_entries",
    metadata,
    serial_key(),
    belongs_to("bank", "banks.name", String(100)),
    Column("kind", String(16), nullable=False),
    Column("value", Text, nullable=False),
    Column("value_key", String(64), nullable=False),
    Column("label", String(200), nullable=False),
    actor("added_by"),
    moment("added_at"),
    Column("source", String(500), nullable=False),
    UniqueConstraint("bank", "kind", "value_key", name="uq_bank_entries_bank_kind_value_key"),
    Index("ix_bank_entries_kind_value_key", "kind", "value_key"),
)

policy_activations = Table(
    "policy_activations",
    metadata,
    serial_key(),
    Column("version", String(200), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("source", String(2000), nullable=False),
    Column("content", Text, nullable=False),
    actor("activated_by"),
    moment("activated_at"),
)

#: One row: the version of what screening loads from storage (banks, their entries, the active policy). Every
#: change to those bumps it first thing in its transaction (taking the row lock), and every ingest reads it with
#: ``FOR UPDATE`` before it stores a batch: a post accepted after a bank import committed is screened with it,
#: and one committed before is in the import's rescan. Across processes, with no polling window.
screening_state = Table(
    "screening_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
)

rescan_jobs = Table(
    "rescan_jobs",
    metadata,
    text_key(),
    Column("trigger", String(64), nullable=False),  # bank-import | policy-activated | manual
    Column("reason", Text, nullable=False),
    Column("status", String(16), nullable=False),  # pending | running | done | failed
    Column("total", Integer, nullable=False),
    Column("done", Integer, nullable=False),
    Column("changed", Integer, nullable=False),
    Column("cursor", Integer, nullable=False),  # last rescan_items.seq processed
    *created_by(),
    moment("updated_at"),
    Column("finished_at", UTCDateTime()),
    Column("error", Text),
    # The worker holding the job and until when (a dead worker's job is taken over after lease_until).
    Column("lease_owner", String(64)),
    Column("lease_until", UTCDateTime()),
    Index("ix_rescan_jobs_status", "status"),
)

rescan_items = Table(
    "rescan_items",
    metadata,
    belongs_to("job_id", "rescan_jobs.id", primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("post_id", String(40), nullable=False),
)
