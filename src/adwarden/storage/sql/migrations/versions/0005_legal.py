"""The law-enforcement desk: legal requests, targets, documents, holds and held items, productions,
emergency verifications.

Revision ID: 0005_legal
Revises: 0001_spine
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_legal"
down_revision = "0001_spine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "legal_requests",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("agency", sa.String(length=300), nullable=False),
        sa.Column("authority", sa.Text(), nullable=False),
        sa.Column("officer", sa.String(length=300), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("contact_phone", sa.String(length=64), nullable=True),
        sa.Column("case_number", sa.String(length=200), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("date_start", sa.Date(), nullable=True),
        sa.Column("date_end", sa.Date(), nullable=True),
        sa.Column("nondisclosure", sa.Boolean(), nullable=False),
        sa.Column("nondisclosure_until", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("hold_id", sa.String(length=40), nullable=True),
        sa.Column("renewals", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_requests")),
    )
    op.create_index("ix_legal_requests_status_due", "legal_requests", ["status", "due_at"], unique=False)
    op.create_index("ix_legal_requests_received_at", "legal_requests", ["received_at"], unique=False)
    op.create_table(
        "legal_targets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("platform", sa.String(length=64), nullable=True),
        sa.Column("matched_posts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["legal_requests.id"], name=op.f("fk_legal_targets_request_id_legal_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_targets")),
    )
    op.create_index("ix_legal_targets_request_id", "legal_targets", ["request_id"], unique=False)
    op.create_table(
        "legal_documents",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("request_id", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["legal_requests.id"], name=op.f("fk_legal_documents_request_id_legal_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_documents")),
    )
    op.create_index("ix_legal_documents_request_id", "legal_documents", ["request_id"], unique=False)
    op.create_table(
        "holds",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.String(length=200), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holds")),
    )
    op.create_index("ix_holds_source", "holds", ["source"], unique=False)
    op.create_table(
        "hold_items",
        sa.Column("hold_id", sa.String(length=40), nullable=False),
        sa.Column("item_type", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["hold_id"], ["holds.id"], name=op.f("fk_hold_items_hold_id_holds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("hold_id", "item_type", "item_id", name="pk_hold_items"),
    )
    op.create_index("ix_hold_items_item", "hold_items", ["item_type", "item_id"], unique=False)
    op.create_table(
        "productions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("request_id", sa.String(length=40), nullable=False),
        sa.Column("produced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("produced_by", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.String(length=500), nullable=False),
        sa.Column("authority", sa.Text(), nullable=False),
        sa.Column("package_path", sa.String(length=2000), nullable=True),
        sa.Column("package_sha256", sa.String(length=64), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("key_fingerprint", sa.String(length=80), nullable=False),
        sa.Column("contents", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["legal_requests.id"], name=op.f("fk_productions_request_id_legal_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_productions")),
    )
    op.create_index("ix_productions_request_id", "productions", ["request_id"], unique=False)
    op.create_table(
        "emergency_verifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(length=40), nullable=False),
        sa.Column("check_name", sa.String(length=32), nullable=False),
        sa.Column("verified_by", sa.String(length=200), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["legal_requests.id"],
            name=op.f("fk_emergency_verifications_request_id_legal_requests"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_verifications")),
    )
    op.create_index(
        "ix_emergency_verifications_request_id", "emergency_verifications", ["request_id"], unique=False
    )


def downgrade() -> None:
    for table in ("emergency_verifications", "productions", "hold_items", "holds", "legal_documents",
                  "legal_targets", "legal_requests"):
        op.drop_table(table)
