"""Reviewer console: console_users, console_sessions, case_comments; an index on posts.account_id.

Revision ID: 0012_console
Revises: 0001_spine
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_console"
down_revision = "0001_spine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_users",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=500), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("preferences", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_console_users")),
    )
    op.create_table(
        "console_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("exposures", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_name"], ["console_users.name"], ondelete="CASCADE",
                                name=op.f("fk_console_sessions_user_name_console_users")),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_console_sessions")),
    )
    op.create_index("ix_console_sessions_user_name", "console_sessions", ["user_name"])
    op.create_table(
        "case_comments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE",
                                name=op.f("fk_case_comments_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_comments")),
    )
    op.create_index("ix_case_comments_case_id", "case_comments", ["case_id", "id"])
    # The case page's "other posts of this account" (see tables_console.py).
    op.create_index("ix_posts_account_id", "posts", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_posts_account_id", table_name="posts")
    op.drop_index("ix_case_comments_case_id", table_name="case_comments")
    op.drop_table("case_comments")
    op.drop_index("ix_console_sessions_user_name", table_name="console_sessions")
    op.drop_table("console_sessions")
    op.drop_table("console_users")
