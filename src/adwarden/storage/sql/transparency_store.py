"""Reading the numbers a transparency report publishes: requests received, productions, filings, actions.

Why a module of its own: :mod:`adwarden.legal.transparency_counts` decides what counts (which filings, which
decision outcomes are an enforcement action, which period); this module only runs the counting queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, func, select

from adwarden.storage.sql.tables import assessments, audit_events, cases, decisions, post_versions
from adwarden.storage.sql.tables_legal import legal_requests, legal_targets, productions
from adwarden.storage.sql.tables_review import review_decisions


def produced_request_ids(conn: Connection) -> set[str]:
    """Ids of the requests that had at least one production."""
    return set(conn.execute(select(productions.c.request_id).distinct()).scalars())


def target_counts(conn: Connection) -> dict[str, int]:
    """``request id -> number of targets`` (requests without targets are absent)."""
    return {r.request_id: int(r.n) for r in conn.execute(
        select(legal_targets.c.request_id, func.count().label("n")).group_by(legal_targets.c.request_id))}


def requests_received(conn: Connection, lo: datetime, hi: datetime) -> list[tuple[str, str]]:
    """``(id, type)`` of the requests received in ``[lo, hi)``."""
    return [(r.id, r.type) for r in conn.execute(select(legal_requests.c.id, legal_requests.c.type).where(
        legal_requests.c.received_at >= lo, legal_requests.c.received_at < hi))]


def audit_payloads(conn: Connection, names: Iterable[str], lo: str, hi: str) -> list[str]:
    """The stored JSON payloads of audit events named ``names`` created in ``[lo, hi)`` (ISO-8601 text)."""
    return list(conn.execute(select(audit_events.c.payload).where(
        audit_events.c.name.in_(list(names)), audit_events.c.created_at >= lo,
        audit_events.c.created_at < hi)).scalars())


def posts_decided(conn: Connection, lo: datetime, hi: datetime, *, outcomes_except: Iterable[str]) -> set[str]:
    """Posts of cases that have no review decision (the spine's older decision log only) and got a decision in
    ``[lo, hi)`` with an outcome other than ``outcomes_except``."""
    reviewed = select(review_decisions.c.case_id).distinct()
    return set(conn.execute(
        select(cases.c.post_id).join(decisions, decisions.c.case_id == cases.c.id).where(
            decisions.c.created_at >= lo, decisions.c.created_at < hi, decisions.c.case_id.not_in(reviewed),
            decisions.c.outcome.not_in(sorted(outcomes_except)))).scalars())


def posts_reviewed_with(conn: Connection, lo: datetime, hi: datetime, *, actions: Iterable[str]) -> set[str]:
    """Posts that got a review decision in ``[lo, hi)`` whose action is one of ``actions``."""
    return set(conn.execute(select(review_decisions.c.post_id).where(
        review_decisions.c.created_at >= lo, review_decisions.c.created_at < hi,
        review_decisions.c.action.in_(sorted(actions)))).scalars())


def posts_assessed(conn: Connection, lo: datetime, hi: datetime, *, action: str) -> set[str]:
    """Posts that got an assessment with ``action`` in ``[lo, hi)``."""
    return set(conn.execute(select(assessments.c.post_id).where(
        assessments.c.action == action, assessments.c.created_at >= lo, assessments.c.created_at < hi)).scalars())


def latest_category(conn: Connection, post_id: str) -> str | None:
    """The category of the post's newest version (None when it has none)."""
    return conn.execute(select(post_versions.c.category).where(post_versions.c.post_id == post_id)
                        .order_by(post_versions.c.version.desc()).limit(1)).scalar_one_or_none()
