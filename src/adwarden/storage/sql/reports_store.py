"""Storing CyberTipline reports: one row per report from draft to filed, and every HTTP exchange with NCMEC.

Why a module of its own: :mod:`adwarden.reporting.service` decides what a report's steps mean (who may
approve or submit, when it is filed, what is audited, which status follows which); this module only knows
how a report and its exchanges become rows. It hands back :class:`ReportRecord` values with the submission
state still as stored JSON: the state machine is the reporting service's, above storage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from adwarden.storage.sql.records import record_from_row
from adwarden.storage.sql.tables_reporting import ncmec_exchanges, ncmec_reports


@dataclass(frozen=True)
class ReportRecord:
    """A stored report: the exact XML submitted (or to be), the case snapshot it was built from, and where
    its submission stands (``state_json``, as the reporting service wrote it)."""

    id: str
    case_id: str
    status: str
    environment: str
    incident_type: str
    escalated: bool
    report_xml: bytes
    case_json: str
    fingerprint: str
    warnings: dict[str, Any]
    state_json: str
    ncmec_report_id: int | None
    hold_id: str | None
    created_by: str
    created_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    submitted_by: str | None
    submitted_at: datetime | None
    finished_at: datetime | None
    retracted_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class ExchangeRecord:
    """One HTTP exchange with NCMEC about a report (failures included: what NCMEC said stays provable)."""

    endpoint: str
    attempt: int
    http_status: int | None
    body: str
    error: str | None
    created_at: datetime


def _report(r: Any) -> ReportRecord:
    return record_from_row(ReportRecord, r, escalated=bool(r.escalated), report_xml=r.report_xml.encode("utf-8"),
                           warnings=dict(r.warnings or {}))


def find_report(conn: Connection, report_id: str) -> ReportRecord | None:
    row = conn.execute(select(ncmec_reports).where(ncmec_reports.c.id == report_id)).first()
    return None if row is None else _report(row)


def list_reports(conn: Connection, *, case_id: str | None = None, statuses: Sequence[str] | None = None,
                 limit: int = 200) -> list[ReportRecord]:
    """Reports, newest first; of one case and in the given statuses when asked."""
    query = select(ncmec_reports).order_by(ncmec_reports.c.created_at.desc(), ncmec_reports.c.id.desc())
    if case_id is not None:
        query = query.where(ncmec_reports.c.case_id == case_id)
    if statuses:
        query = query.where(ncmec_reports.c.status.in_(list(statuses)))
    return [_report(r) for r in conn.execute(query.limit(limit)).all()]


def fingerprints_in_status(conn: Connection, status: str, *, exclude: str | None = None) -> set[str]:
    """Fingerprints of the reports in ``status`` (other than report ``exclude``)."""
    query = select(ncmec_reports.c.fingerprint).where(ncmec_reports.c.status == status)
    if exclude:
        query = query.where(ncmec_reports.c.id != exclude)
    return set(conn.execute(query).scalars())


def insert_report(
    conn: Connection, *, report_id: str, case_id: str, status: str, environment: str, incident_type: str,
    escalated: bool, report_xml: bytes, case_json: str, fingerprint: str, warnings: dict[str, Any],
    state_json: str, created_by: str, created_at: datetime,
) -> None:
    """Store a new report (a draft: not approved, not submitted)."""
    conn.execute(insert(ncmec_reports).values(
        id=report_id, case_id=case_id, status=status, environment=environment, incident_type=incident_type,
        escalated=int(escalated), report_xml=report_xml.decode("utf-8"), case_json=case_json,
        fingerprint=fingerprint, warnings=warnings, state_json=state_json, created_by=created_by,
        created_at=created_at, updated_at=created_at,
    ))


def _update(conn: Connection, report_id: str, at: datetime, **values: Any) -> None:
    conn.execute(update(ncmec_reports).where(ncmec_reports.c.id == report_id).values(**values, updated_at=at))


def set_approved(conn: Connection, report_id: str, *, by: str, at: datetime) -> None:
    _update(conn, report_id, at, approved_by=by, approved_at=at)


def set_submitter(conn: Connection, report_id: str, *, environment: str, by: str, since: datetime,
                  at: datetime) -> None:
    """Record who submits the report, to which environment, and since when (the first submission's time)."""
    _update(conn, report_id, at, environment=environment, submitted_by=by, submitted_at=since)


def save_state(conn: Connection, report_id: str, *, status: str, state_json: str, ncmec_report_id: int | None,
               at: datetime) -> None:
    """Record where the submission stands (written before and after every call to NCMEC)."""
    _update(conn, report_id, at, state_json=state_json, status=status, ncmec_report_id=ncmec_report_id)


def set_filed(conn: Connection, report_id: str, *, status: str, state_json: str, ncmec_report_id: int | None,
              hold_id: str, at: datetime) -> None:
    """Record the filing: final state, NCMEC's report id, the preservation hold; the last error is cleared."""
    _update(conn, report_id, at, status=status, state_json=state_json, ncmec_report_id=ncmec_report_id,
            finished_at=at, hold_id=hold_id, last_error=None)


def set_retracted(conn: Connection, report_id: str, *, status: str, state_json: str, at: datetime) -> None:
    _update(conn, report_id, at, status=status, state_json=state_json, retracted_at=at)


def set_last_error(conn: Connection, report_id: str, error: str, *, at: datetime) -> None:
    _update(conn, report_id, at, last_error=error)


def insert_exchange(conn: Connection, report_id: str, rec: ExchangeRecord) -> None:
    conn.execute(insert(ncmec_exchanges).values(
        report_id=report_id, endpoint=rec.endpoint, attempt=rec.attempt, http_status=rec.http_status,
        body=rec.body, error=rec.error, created_at=rec.created_at))


def list_exchanges(conn: Connection, report_id: str) -> list[ExchangeRecord]:
    """A report's exchanges in the order they happened."""
    rows = conn.execute(
        select(ncmec_exchanges).where(ncmec_exchanges.c.report_id == report_id).order_by(ncmec_exchanges.c.id)
    ).all()
    return [record_from_row(ExchangeRecord, r) for r in rows]
