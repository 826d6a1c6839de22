"""Tables of the review loop: claims, decisions that act, enforcement, flags, reputations and the action outbox.

Kept apart from the spine's ``cases`` and ``decisions`` so the review loop can grow without touching them:

* ``case_work`` holds what reviewers do with a case (the claim lease, the SLA clock, appeal links); a case gets
  its row on first claim, so ingest writes nothing extra.
* ``review_decisions`` is every decision with its label and action; a later decision supersedes an earlier
  one (``superseded_by``) and both stay.
* ``post_enforcement`` / ``account_enforcement``: the state a decision put the post or account in.
* ``action_events`` is the outbox, written in the decision's transaction; ``seq`` is the polling cursor and
  ``id`` the idempotency key. ``webhook_deliveries`` has one row per (event, endpoint) with its status.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, Index, Integer, String, Table, Text, UniqueConstraint

from adwarden.storage.sql.columns import acted, belongs_to, created_by, moment, text_key
from adwarden.storage.sql.tables import cases, metadata
from adwarden.storage.sql.types import UTCDateTime

case_work = Table(
    "case_work",
    metadata,
    belongs_to("case_id", "cases.id", primary_key=True),
    Column("kind", String(16), nullable=False),  # post | appeal
    Column("assignee", String(200)),
    Column("claimed_at", UTCDateTime()),
    Column("lease_expires_at", UTCDateTime()),
    Column("sla_started_at", UTCDateTime()),  # reopen restarts the clock; None: the case's opened_at
    Column("appeal_of", String(40)),  # the decision an appeal case contests
    Column("appellant", String(500)),
    Index("ix_case_work_assignee", "assignee"),
)

review_decisions = Table(
    "review_decisions",
    metadata,
    text_key(),
    belongs_to("case_id", "cases.id"),
    belongs_to("post_id", "posts.id"),
    Column("label", String(64)),
    Column("violating", Boolean, nullable=False),
    Column("action", String(40), nullable=False),
    Column("scope", String(16), nullable=False),  # case | network | account | appeal
    Column("scope_id", String(500)),
    Column("note", Text, nullable=False),
    *acted(),
    Column("superseded_by", String(40)),
    Column("appeal_outcome", String(16)),  # upheld | overturned, on an appeal case's decision
    Index("ix_review_decisions_case_id", "case_id"),
    Index("ix_review_decisions_post_id", "post_id"),
    Index("ix_review_decisions_actor", "actor", "created_at"),
)

post_enforcement = Table(
    "post_enforcement",
    metadata,
    belongs_to("post_id", "posts.id", primary_key=True),
    Column("state", String(16), nullable=False),  # allowed | removed
    Column("action", String(40), nullable=False),
    Column("label", String(64)),
    Column("decision_id", String(40), nullable=False),
    Column("case_id", String(40), nullable=False),
    *acted("updated_at"),
)

account_enforcement = Table(
    "account_enforcement",
    metadata,
    Column("account_id", String(500), primary_key=True),
    Column("state", String(16), nullable=False),  # active | suspended | banned
    Column("decision_id", String(40), nullable=False),
    *acted("updated_at"),
)

flags = Table(
    "flags",
    metadata,
    text_key(),
    belongs_to("post_id", "posts.id"),
    Column("site", String(200), nullable=False),
    Column("reporter", String(500), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("trust", String(16), nullable=False),  # trusted | neutral | bad-faith, when the flag arrived
    Column("weight", Float, nullable=False),
    Column("case_id", String(40)),
    Column("outcome", String(16)),  # upheld | rejected, once a reviewer decided the post
    *acted(),
    Index("ix_flags_post_id", "post_id"),
    Index("ix_flags_reporter", "site", "reporter"),
)

reporter_reputation = Table(
    "reporter_reputation",
    metadata,
    Column("site", String(200), primary_key=True),
    Column("reporter", String(500), primary_key=True),
    Column("upheld", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    moment("updated_at"),
)

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    text_key(),
    Column("site", String(200), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("secret", String(200), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("description", Text, nullable=False),
    *created_by(),
    Index("ix_webhook_endpoints_site", "site"),
)

action_events = Table(
    "action_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(40), nullable=False),
    Column("site", String(200), nullable=False),
    Column("type", String(40), nullable=False),
    Column("post_id", String(40)),
    Column("payload", Text, nullable=False),  # the exact JSON body delivered and polled
    moment("created_at"),
    UniqueConstraint("id", name="uq_action_events_id"),
    Index("ix_action_events_site_seq", "site", "seq"),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    belongs_to("event_seq", "action_events.seq", Integer(), primary_key=True),
    belongs_to("endpoint_id", "webhook_endpoints.id", primary_key=True),
    Column("status", String(16), nullable=False),  # pending | delivered | dead
    Column("attempts", Integer, nullable=False),
    moment("next_attempt_at"),
    Column("last_status", Integer),
    Column("last_error", Text),
    Column("delivered_at", UTCDateTime()),
    Column("history", JSON, nullable=False),  # [{at, status, error, ms}] of every attempt
    Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
)

#: Claim-next order (priority, then oldest) straight from an index, so a claim reads one entry, not a sort of the
#: queue's top priority band; on the spine's ``cases`` table, created by migration 0011_review.
ix_cases_claim_order = Index("ix_cases_claim_order", cases.c.status, cases.c.queue, cases.c.priority.desc(),
                             cases.c.opened_at, cases.c.id)
