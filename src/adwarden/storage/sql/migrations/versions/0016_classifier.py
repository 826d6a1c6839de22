"""Versioned classifier models and their evaluations.

Revision ID: 0016_classifier
Revises: 0001_spine
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_classifier"
down_revision = "0001_spine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classifier_models",
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("artifact", sa.LargeBinary(), nullable=False),
        sa.Column("feature_version", sa.String(length=16), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("training", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("promoted_by", sa.String(length=200), nullable=True),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired_by", sa.String(length=200), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("version", name="pk_classifier_models"),
    )
    op.create_index("ix_classifier_models_status", "classifier_models", ["status"])
    op.create_table(
        "classifier_evaluations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=2000), nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("shadow_scored", sa.Integer(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("incumbent_version", sa.String(length=64), nullable=True),
        sa.Column("incumbent_metrics", sa.JSON(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["model_version"], ["classifier_models.version"],
                                name="fk_classifier_evaluations_model_version_classifier_models",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_classifier_evaluations"),
    )
    op.create_index("ix_classifier_evaluations_model_version", "classifier_evaluations", ["model_version", "id"])


def downgrade() -> None:
    op.drop_index("ix_classifier_evaluations_model_version", table_name="classifier_evaluations")
    op.drop_table("classifier_evaluations")
    op.drop_index("ix_classifier_models_status", table_name="classifier_models")
    op.drop_table("classifier_models")
