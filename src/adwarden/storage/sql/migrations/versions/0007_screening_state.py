"""The screening-state version row (banks and policy as screening loads them); leases on rescan jobs.

Revision ID: 0007_screening_state
Revises: 0002_banks
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_screening_state"
down_revision = "0002_banks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screening_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_state")),
    )
    op.execute("INSERT INTO screening_state (id, version) VALUES (1, 1)")
    with op.batch_alter_table("rescan_jobs") as batch:
        batch.add_column(sa.Column("lease_owner", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rescan_jobs") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("lease_owner")
    op.drop_table("screening_state")
