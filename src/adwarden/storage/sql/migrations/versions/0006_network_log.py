"""Durable network state: the network change log and its sequence row; existing posts backfilled as adds.

Revision ID: 0006_network_log
Revises: 0003_networks
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_network_log"
down_revision = "0003_networks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_changes",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("post_id", sa.String(length=40), nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_network_changes")),
    )
    op.create_index("ix_network_changes_post_id", "network_changes", ["post_id"])
    op.create_table(
        "network_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_state")),
    )
    # Posts stored before the log existed join it as adds, in ingestion order (their first version row).
    op.execute(
        "INSERT INTO network_changes (seq, post_id, op, created_at) "
        "SELECT ROW_NUMBER() OVER (ORDER BY MIN(id)), post_id, 'add', CURRENT_TIMESTAMP "
        "FROM post_versions GROUP BY post_id"
    )
    op.execute("INSERT INTO network_state (id, last_seq) SELECT 1, COUNT(*) FROM network_changes")


def downgrade() -> None:
    op.drop_table("network_state")
    op.drop_index("ix_network_changes_post_id", table_name="network_changes")
    op.drop_table("network_changes")
