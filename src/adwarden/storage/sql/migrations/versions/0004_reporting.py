"""CyberTipline reporting: ncmec_reports and ncmec_exchanges.

Revision ID: 0004_reporting
Revises: 0001_spine
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_reporting"
down_revision = "0001_spine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ncmec_reports",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("environment", sa.String(length=16), nullable=False),
        sa.Column("incident_type", sa.String(length=100), nullable=False),
        sa.Column("escalated", sa.Integer(), nullable=False),
        sa.Column("report_xml", sa.Text(), nullable=False),
        sa.Column("case_json", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("state_json", sa.Text(), nullable=False),
        sa.Column("ncmec_report_id", sa.BigInteger(), nullable=True),
        sa.Column("hold_id", sa.String(length=40), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.String(length=200), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_ncmec_reports_case_id_cases", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ncmec_reports"),
    )
    op.create_index("ix_ncmec_reports_case_id", "ncmec_reports", ["case_id"])
    op.create_index("ix_ncmec_reports_status", "ncmec_reports", ["status"])
    op.create_index("ix_ncmec_reports_fingerprint", "ncmec_reports", ["fingerprint"])
    op.create_table(
        "ncmec_exchanges",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_id", sa.String(length=40), nullable=False),
        sa.Column("endpoint", sa.String(length=16), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["ncmec_reports.id"], name="fk_ncmec_exchanges_report_id_ncmec_reports", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ncmec_exchanges"),
    )
    op.create_index("ix_ncmec_exchanges_report_id", "ncmec_exchanges", ["report_id"])


def downgrade() -> None:
    op.drop_index("ix_ncmec_exchanges_report_id", table_name="ncmec_exchanges")
    op.drop_table("ncmec_exchanges")
    op.drop_index("ix_ncmec_reports_fingerprint", table_name="ncmec_reports")
    op.drop_index("ix_ncmec_reports_status", table_name="ncmec_reports")
    op.drop_index("ix_ncmec_reports_case_id", table_name="ncmec_reports")
    op.drop_table("ncmec_reports")
