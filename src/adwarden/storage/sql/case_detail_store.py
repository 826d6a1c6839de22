"""The reads only the case page needs: every verdict on a post, a post's latest case, a case's audit history.

Why a module of its own: case detail reads many things in one transaction; the shared reads (the post, its
decisions, flags, enforcement) live with what they store, and what is left is here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from adwarden.domain import Assessment, Case
from adwarden.storage.sql.convert import assessment_from_row, case_from_row
from adwarden.storage.sql.tables import assessments, audit_events, cases


@dataclass(frozen=True)
class HistoryEntry:
    """One audit event about a subject, as a history line: what, who, when (ISO text, as hashed), details."""

    seq: int
    name: str
    actor: str
    created_at: str
    details: dict[str, Any]


def assessments_of_post(conn: Connection, post_id: str) -> list[Assessment]:
    """Every verdict on the post, oldest first."""
    rows = conn.execute(select(assessments).where(assessments.c.post_id == post_id)
                        .order_by(assessments.c.created_at, assessments.c.id)).all()
    return [assessment_from_row(r) for r in rows]


def latest_case_of_post(conn: Connection, post_id: str) -> Case | None:
    """The post's most recently opened case, open or closed."""
    row = conn.execute(select(cases).where(cases.c.post_id == post_id)
                       .order_by(cases.c.opened_at.desc()).limit(1)).first()
    return None if row is None else case_from_row(row)


def subject_history(conn: Connection, subject_type: str, subject_id: str) -> list[HistoryEntry]:
    """The audit events about one subject, in chain order."""
    rows = conn.execute(select(audit_events.c.seq, audit_events.c.name, audit_events.c.actor,
                               audit_events.c.created_at, audit_events.c.payload)
                        .where(audit_events.c.subject_type == subject_type, audit_events.c.subject_id == subject_id)
                        .order_by(audit_events.c.seq)).all()
    return [HistoryEntry(int(r.seq), r.name, r.actor, r.created_at, json.loads(r.payload)) for r in rows]
