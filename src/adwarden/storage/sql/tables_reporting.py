"""Tables of CyberTipline reporting: one row per report (draft to filed), and every HTTP exchange with NCMEC.

A report row keeps the exact XML that was (or will be) submitted, the case snapshot it was built from (so a
crashed submission resumes with the same media), the environment, NCMEC's report id and the submission
state. ``ncmec_exchanges`` stores every response body, including failures, so what NCMEC said is provable.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from adwarden.storage.sql.columns import belongs_to, created_by, moment, serial_key, text_key
from adwarden.storage.sql.tables import metadata
from adwarden.storage.sql.types import UTCDateTime

ncmec_reports = Table(
    "ncmec_reports",
    metadata,
    text_key(),
    Column("case_id", String(40), ForeignKey("cases.id", ondelete="RESTRICT"), nullable=False),
    Column("status", String(24), nullable=False),  # draft | submitted | files_uploaded | ... | finished | retracted
    Column("environment", String(16), nullable=False),
    Column("incident_type", String(100), nullable=False),
    Column("escalated", Integer, nullable=False, default=0),
    Column("report_xml", Text, nullable=False),
    Column("case_json", Text, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("warnings", JSON, nullable=False),
    Column("state_json", Text, nullable=False),
    Column("ncmec_report_id", BigInteger),
    Column("hold_id", String(40)),
    *created_by(),
    Column("approved_by", String(200)),
    Column("approved_at", UTCDateTime()),
    Column("submitted_by", String(200)),
    Column("submitted_at", UTCDateTime()),
    Column("finished_at", UTCDateTime()),
    Column("retracted_at", UTCDateTime()),
    Column("last_error", Text),
    moment("updated_at"),
    Index("ix_ncmec_reports_case_id", "case_id"),
    Index("ix_ncmec_reports_status", "status"),
    Index("ix_ncmec_reports_fingerprint", "fingerprint"),
)

ncmec_exchanges = Table(
    "ncmec_exchanges",
    metadata,
    serial_key(),
    belongs_to("report_id", "ncmec_reports.id"),
    Column("endpoint", String(16), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("http_status", Integer),
    Column("body", Text, nullable=False),
    Column("error", Text),
    moment("created_at"),
    Index("ix_ncmec_exchanges_report_id", "report_id"),
)
