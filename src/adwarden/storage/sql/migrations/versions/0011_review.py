"""The review loop: claims, decisions that act, enforcement, flags, reputations, the action outbox, webhooks.

Revision ID: 0011_review
Revises: 0001_spine
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_review"
down_revision = "0001_spine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_work",
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("assignee", sa.String(length=200), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sla_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("appeal_of", sa.String(length=40), nullable=True),
        sa.Column("appellant", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_case_work_case_id_cases", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", name="pk_case_work"),
    )
    op.create_index("ix_case_work_assignee", "case_work", ["assignee"])
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("post_id", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=True),
        sa.Column("violating", sa.Boolean(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("scope_id", sa.String(length=500), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_by", sa.String(length=40), nullable=True),
        sa.Column("appeal_outcome", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_review_decisions_case_id_cases", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name="fk_review_decisions_post_id_posts", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_review_decisions"),
    )
    op.create_index("ix_review_decisions_case_id", "review_decisions", ["case_id"])
    op.create_index("ix_review_decisions_actor", "review_decisions", ["actor", "created_at"])
    op.create_index("ix_review_decisions_post_id", "review_decisions", ["post_id"])
    op.create_table(
        "post_enforcement",
        sa.Column("post_id", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=True),
        sa.Column("decision_id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name="fk_post_enforcement_post_id_posts", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("post_id", name="pk_post_enforcement"),
    )
    op.create_table(
        "account_enforcement",
        sa.Column("account_id", sa.String(length=500), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decision_id", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name="pk_account_enforcement"),
    )
    op.create_table(
        "flags",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("post_id", sa.String(length=40), nullable=False),
        sa.Column("site", sa.String(length=200), nullable=False),
        sa.Column("reporter", sa.String(length=500), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("trust", sa.String(length=16), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name="fk_flags_post_id_posts", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_flags"),
    )
    op.create_index("ix_flags_post_id", "flags", ["post_id"])
    op.create_index("ix_flags_reporter", "flags", ["site", "reporter"])
    op.create_table(
        "reporter_reputation",
        sa.Column("site", sa.String(length=200), nullable=False),
        sa.Column("reporter", sa.String(length=500), nullable=False),
        sa.Column("upheld", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("site", "reporter", name="pk_reporter_reputation"),
    )
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("site", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_endpoints"),
    )
    op.create_index("ix_webhook_endpoints_site", "webhook_endpoints", ["site"])
    op.create_table(
        "action_events",
        sa.Column("seq", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("site", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("post_id", sa.String(length=40), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_action_events"),
        sa.UniqueConstraint("id", name="uq_action_events_id"),
    )
    op.create_index("ix_action_events_site_seq", "action_events", ["site", "seq"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["event_seq"], ["action_events.seq"], name="fk_webhook_deliveries_event_seq_action_events", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["endpoint_id"], ["webhook_endpoints.id"], name="fk_webhook_deliveries_endpoint_id_webhook_endpoints", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_seq", "endpoint_id", name="pk_webhook_deliveries"),
    )
    op.create_index("ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"])
    op.create_index("ix_cases_claim_order", "cases",
                    ["status", "queue", sa.text("priority DESC"), "opened_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_cases_claim_order", table_name="cases")
    op.drop_table("webhook_deliveries")
    op.drop_table("action_events")
    op.drop_table("webhook_endpoints")
    op.drop_table("reporter_reputation")
    op.drop_table("flags")
    op.drop_table("account_enforcement")
    op.drop_table("post_enforcement")
    op.drop_table("review_decisions")
    op.drop_table("case_work")
