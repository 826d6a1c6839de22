"""Storing legal requests: the requests, their targets, emergency checks, attached documents and productions.

Why a module of its own: :mod:`adwarden.legal.service` decides what a request means (its workflow, who may
verify or produce, what is audited) and works on :class:`~adwarden.legal.model.LegalRequest` values; this
module only knows how those become rows. It hands back records of plain values (the service lives above
storage, so storage cannot build its types), which the service turns into its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from adwarden.storage.sql.records import record_from_row, record_values
from adwarden.storage.sql.tables_legal import (
    emergency_verifications,
    legal_documents,
    legal_requests,
    legal_targets,
    productions,
)


@dataclass(frozen=True)
class TargetRecord:
    """One target of a request as stored, with how many posts it matched at intake."""

    kind: str
    value: str
    platform: str | None
    matched_posts: int = 0


@dataclass(frozen=True)
class RequestRecord:
    """A stored request; ``type`` and ``status`` are the enum values, ``targets`` in the order received."""

    id: str
    type: str
    status: str
    agency: str
    authority: str
    received_at: datetime
    due_at: datetime | None
    targets: tuple[TargetRecord, ...]
    date_start: date | None
    date_end: date | None
    officer: str | None
    contact_email: str | None
    contact_phone: str | None
    case_number: str | None
    nondisclosure: bool
    nondisclosure_until: date | None
    notes: str | None
    flags: tuple[str, ...]
    hold_id: str | None
    renewals: int
    created_by: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class VerificationRecord:
    """One recorded step of an emergency request's checklist."""

    request_id: str
    check_name: str
    verified_by: str
    verified_at: datetime
    detail: str
    passed: bool


@dataclass(frozen=True)
class DocumentInfo:
    """An attached document without its bytes (what the desk lists)."""

    id: str
    filename: str
    sha256: str
    size: int
    added_by: str
    added_at: datetime


@dataclass(frozen=True)
class ProductionRecord:
    """One logged production: what was sent, to whom, under which authority, signed with which key."""

    id: str
    request_id: str
    produced_at: datetime
    produced_by: str
    recipient: str
    authority: str
    package_path: str | None
    package_sha256: str
    manifest_sha256: str
    key_fingerprint: str
    contents: dict[str, Any]


# ------------------------------------------------------------------------------------------ requests


def insert_request(conn: Connection, rec: RequestRecord) -> None:
    """Store a new request and its targets."""
    conn.execute(insert(legal_requests).values(**record_values(rec, without=["targets", "flags"]),
                                               flags=list(rec.flags)))
    if rec.targets:
        conn.execute(insert(legal_targets), [
            {"request_id": rec.id, "position": i, "kind": t.kind, "value": t.value, "platform": t.platform,
             "matched_posts": t.matched_posts}
            for i, t in enumerate(rec.targets)])


def _targets(conn: Connection, request_id: str) -> tuple[TargetRecord, ...]:
    rows = conn.execute(
        select(legal_targets).where(legal_targets.c.request_id == request_id).order_by(legal_targets.c.position)
    ).all()
    return tuple(TargetRecord(r.kind, r.value, r.platform, int(r.matched_posts or 0)) for r in rows)


def _request(conn: Connection, row: Any) -> RequestRecord:
    return record_from_row(
        RequestRecord, row, targets=_targets(conn, row.id), nondisclosure=bool(row.nondisclosure),
        flags=tuple(row.flags or ()), renewals=int(row.renewals or 0))


def find_request(conn: Connection, request_id: str) -> RequestRecord | None:
    row = conn.execute(select(legal_requests).where(legal_requests.c.id == request_id)).first()
    return None if row is None else _request(conn, row)


def list_requests(
    conn: Connection, *, statuses: Iterable[str] | None = None, request_type: str | None = None, limit: int = 1000
) -> list[RequestRecord]:
    """Requests, soonest due first (no due date last), then oldest received."""
    q = select(legal_requests)
    if statuses is not None:
        q = q.where(legal_requests.c.status.in_(list(statuses)))
    if request_type is not None:
        q = q.where(legal_requests.c.type == request_type)
    q = q.order_by(legal_requests.c.due_at.is_(None), legal_requests.c.due_at, legal_requests.c.received_at)
    return [_request(conn, r) for r in conn.execute(q.limit(limit)).all()]


def set_hold(conn: Connection, request_id: str, hold_id: str) -> None:
    conn.execute(update(legal_requests).where(legal_requests.c.id == request_id).values(hold_id=hold_id))


def set_status(conn: Connection, request_id: str, status: str, *, at: datetime) -> None:
    conn.execute(update(legal_requests).where(legal_requests.c.id == request_id).values(status=status, updated_at=at))


def set_renewal(conn: Connection, request_id: str, *, due_at: datetime, renewals: int, at: datetime) -> None:
    conn.execute(update(legal_requests).where(legal_requests.c.id == request_id).values(
        due_at=due_at, renewals=renewals, updated_at=at))


def nondisclosure_request_ids(conn: Connection, today: date) -> list[str]:
    """Ids of requests whose non-disclosure order still runs on ``today`` (indefinite orders always run)."""
    return list(conn.execute(select(legal_requests.c.id).where(
        legal_requests.c.nondisclosure.is_(True),
        or_(legal_requests.c.nondisclosure_until.is_(None), legal_requests.c.nondisclosure_until >= today))
    ).scalars())


# --------------------------------------------------------------------------- checks, documents, productions


def insert_verification(conn: Connection, rec: VerificationRecord) -> None:
    conn.execute(insert(emergency_verifications).values(**record_values(rec)))


def list_verifications(conn: Connection, request_id: str) -> list[VerificationRecord]:
    """A request's checklist steps in the order they were recorded."""
    rows = conn.execute(
        select(emergency_verifications).where(emergency_verifications.c.request_id == request_id)
        .order_by(emergency_verifications.c.verified_at, emergency_verifications.c.id)
    ).all()
    return [record_from_row(VerificationRecord, r, passed=bool(r.passed)) for r in rows]


def insert_document(
    conn: Connection, info: DocumentInfo, *, request_id: str, content: bytes, content_type: str | None
) -> None:
    conn.execute(insert(legal_documents).values(
        **record_values(info), request_id=request_id, content=content, content_type=content_type))


def list_documents(conn: Connection, request_id: str) -> list[DocumentInfo]:
    cols = legal_documents.c
    return [record_from_row(DocumentInfo, r, size=int(r.size)) for r in conn.execute(
        select(cols.id, cols.filename, cols.sha256, cols.size, cols.added_by, cols.added_at)
        .where(cols.request_id == request_id))]


def insert_production(conn: Connection, rec: ProductionRecord) -> None:
    conn.execute(insert(productions).values(**record_values(rec)))


def list_productions(conn: Connection, request_id: str) -> list[ProductionRecord]:
    """A request's productions, oldest first."""
    return [record_from_row(ProductionRecord, r) for r in conn.execute(
        select(productions).where(productions.c.request_id == request_id).order_by(productions.c.produced_at))]


def find_production(conn: Connection, production_id: str) -> ProductionRecord | None:
    row = conn.execute(select(productions).where(productions.c.id == production_id)).first()
    return None if row is None else record_from_row(ProductionRecord, row)
