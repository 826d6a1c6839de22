"""Storing review decisions (``review_decisions``) and the spine's per-case decision log (``decisions``).

Why a module of its own: what a decision means (which label, which action, what it supersedes, what it puts
into effect) is the review service's; this module writes and reads the rows and returns
:class:`~adwarden.domain.review_decision.DecisionRecord` objects.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from adwarden.domain import NotFound
from adwarden.domain.review_decision import DecisionRecord
from adwarden.storage.sql.tables import decisions
from adwarden.storage.sql.tables_review import review_decisions


def _record(r: Any) -> DecisionRecord:
    return DecisionRecord(r.id, r.case_id, r.post_id, r.label, r.action, r.violating, r.scope, r.note, r.actor,
                          r.created_at, r.scope_id, r.superseded_by, r.appeal_outcome)


def insert_decision(conn: Connection, d: DecisionRecord) -> None:
    """Store the decision (its ``action_events`` are not part of the row)."""
    conn.execute(insert(review_decisions).values(
        id=d.id, case_id=d.case_id, post_id=d.post_id, label=d.label, violating=d.violating, action=d.action,
        scope=d.scope, scope_id=d.scope_id, note=d.note, actor=d.actor, created_at=d.created_at,
        superseded_by=d.superseded_by, appeal_outcome=d.appeal_outcome))


def log_case_decision(conn: Connection, *, case_id: str, outcome: str, actor: str, note: str,
                      now: datetime) -> None:
    """The spine's one-line record of a case's outcome (what exports and the case list read)."""
    conn.execute(insert(decisions), [{"case_id": case_id, "outcome": outcome, "actor": actor, "note": note,
                                      "created_at": now}])


def supersede_standing(conn: Connection, post_id: str, by: str, *, except_action: str) -> list[str]:
    """Mark the post's standing decisions (other than ``except_action`` ones) superseded by ``by``; returns
    their ids."""
    ids = list(conn.execute(select(review_decisions.c.id).where(
        review_decisions.c.post_id == post_id, review_decisions.c.superseded_by.is_(None),
        review_decisions.c.action != except_action)).scalars())
    if ids:
        conn.execute(update(review_decisions).where(review_decisions.c.id.in_(ids)).values(superseded_by=by))
    return ids


def decisions_of_case(conn: Connection, case_id: str) -> list[DecisionRecord]:
    """The case's decisions, oldest first."""
    rows = conn.execute(select(review_decisions).where(review_decisions.c.case_id == case_id)
                        .order_by(review_decisions.c.created_at, review_decisions.c.id)).all()
    return [_record(r) for r in rows]


def get_decision(conn: Connection, decision_id: str) -> DecisionRecord:
    row = conn.execute(select(review_decisions).where(review_decisions.c.id == decision_id)).first()
    if row is None:
        raise NotFound(f"decision {decision_id} not found")
    return _record(row)


def decision_actor(conn: Connection, decision_id: str) -> str | None:
    """Who made the decision (None for an unknown id)."""
    return conn.execute(select(review_decisions.c.actor).where(review_decisions.c.id == decision_id)
                        ).scalar_one_or_none()


def standing_violating_decision(conn: Connection, post_id: str) -> DecisionRecord | None:
    """The post's newest violating decision that is neither superseded nor itself an appeal's outcome."""
    row = conn.execute(select(review_decisions).where(
        review_decisions.c.post_id == post_id, review_decisions.c.superseded_by.is_(None),
        review_decisions.c.violating.is_(True), review_decisions.c.appeal_outcome.is_(None))
        .order_by(review_decisions.c.created_at.desc()).limit(1)).first()
    return None if row is None else _record(row)
