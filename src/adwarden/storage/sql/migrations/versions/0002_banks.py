"""Banks, bank entries, policy activations and resumable rescans.

Revision ID: 0002_banks
Revises: 0001_spine
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_banks"
down_revision = "0001_spine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "banks",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_banks"),
    )
    op.create_table(
        "bank_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("bank", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("value_key", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["bank"], ["banks.name"], name="fk_bank_entries_bank_banks", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_bank_entries"),
        sa.UniqueConstraint("bank", "kind", "value_key", name="uq_bank_entries_bank_kind_value_key"),
    )
    op.create_index("ix_bank_entries_kind_value_key", "bank_entries", ["kind", "value_key"])
    op.create_table(
        "policy_activations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=2000), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("activated_by", sa.String(length=200), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_policy_activations"),
    )
    op.create_table(
        "rescan_jobs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("trigger", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_rescan_jobs"),
    )
    op.create_index("ix_rescan_jobs_status", "rescan_jobs", ["status"])
    op.create_table(
        "rescan_items",
        sa.Column("job_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("post_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["rescan_jobs.id"], name="fk_rescan_items_job_id_rescan_jobs",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_id", "seq", name="pk_rescan_items"),
    )


def downgrade() -> None:
    op.drop_table("rescan_items")
    op.drop_index("ix_rescan_jobs_status", table_name="rescan_jobs")
    op.drop_table("rescan_jobs")
    op.drop_table("policy_activations")
    op.drop_index("ix_bank_entries_kind_value_key", table_name="bank_entries")
    op.drop_table("bank_entries")
    op.drop_table("banks")
