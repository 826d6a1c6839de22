"""Opening, updating and closing cases as verdicts arrive. Every change writes an audit event.

Edits do not close cases: a post edited to look harmless (the Backpage pattern) keeps its open case until a
reviewer decides. Only a re-assessment under a changed policy or bank (``trigger="rescan"``) may close a case
automatically, and it says so in the close reason.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select, update

from adwarden.audit.log import append_event
from adwarden.domain import Verdict
from adwarden.storage.ids import new_id
from adwarden.storage.sql.tables import cases

#: The restricted queue for suspected minors; cases there stay until a reviewer moves them.
RESTRICTED_QUEUE = "child-safety"


def apply_verdict_to_case(
    conn: Connection, *, post_id: str, verdict: Verdict, trigger: str, actor: str, known_new_post: bool = False
) -> str | None:
    """Open, update or close the post's case for a new verdict; returns the open case id (or None)."""
    now = datetime.now(UTC)
    existing = None
    if not known_new_post:
        existing = conn.execute(
            select(cases.c.id, cases.c.queue, cases.c.priority, cases.c.risk)
            .where(cases.c.post_id == post_id, cases.c.status == "open").limit(1).with_for_update()
        ).first()
    if verdict.open_case:
        queue = verdict.queue or "general"
        if existing is None:
            case_id = new_id("c")
            conn.execute(insert(cases), [{
                "id": case_id, "post_id": post_id, "status": "open", "queue": queue, "priority": verdict.priority,
                "risk": verdict.risk, "opened_at": now, "updated_at": now}])
            append_event(conn, name="case-opened", actor=actor, subject_type="case", subject_id=case_id,
                         payload={"post_id": post_id, "queue": queue, "priority": verdict.priority,
                                  "risk": verdict.risk, "trigger": trigger})
            return case_id
        # A case never leaves the restricted child-safety queue, nor loses priority there, by re-assessment
        # alone: a reviewer moves it.
        sticky = existing.queue == RESTRICTED_QUEUE
        new_queue = existing.queue if sticky else queue
        new_priority = max(verdict.priority, existing.priority) if sticky else verdict.priority
        if (existing.queue, existing.priority, float(existing.risk)) != (new_queue, new_priority, verdict.risk):
            conn.execute(update(cases).where(cases.c.id == existing.id, cases.c.status == "open").values(
                queue=new_queue, priority=new_priority, risk=verdict.risk, updated_at=now))
            append_event(conn, name="case-updated", actor=actor, subject_type="case", subject_id=existing.id,
                         payload={"post_id": post_id, "queue": new_queue, "priority": new_priority,
                                  "risk": verdict.risk, "trigger": trigger})
        return str(existing.id)
    if existing is not None and trigger == "rescan":
        reason = "risk fell below the review threshold on re-assessment"
        conn.execute(update(cases).where(cases.c.id == existing.id, cases.c.status == "open").values(
            status="closed", closed_at=now, updated_at=now, close_reason=reason, risk=verdict.risk))
        append_event(conn, name="case-closed", actor=actor, subject_type="case", subject_id=existing.id,
                     payload={"post_id": post_id, "reason": reason, "trigger": trigger})
        return None
    return str(existing.id) if existing is not None else None
