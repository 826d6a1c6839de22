"""Opening, updating and closing cases as verdicts arrive. Every change writes an audit event.

Edits do not close cases: a post edited to look harmless (the Backpage pattern) keeps its open case until a
reviewer decides. Only a re-assessment under a changed policy or bank (``trigger="rescan"``) may close a case
automatically, and it says so in the close reason.

A re-assessment never silently undoes a human: when a rescan finds a post worth a case but a reviewer already
closed the post's last case with a decision, the case stays closed and ``case-new-evidence`` is written into
its history (risk, queue, rules), so the reviewer's decision stands and the new evidence is visible. The one
exception is new evidence that routes to a restricted (child-safety) queue the case was not in: then the case
is reopened there, with ``case-reopened`` saying why. New *content* (an edit, ``trigger="ingest"``) is new
evidence for a new case, which names the decided case it follows.
"""

from __future__ import annotations

from datetime import UTC, datetime

from adwarden.audit.log import append_event
from adwarden.domain import Case, Verdict
from adwarden.storage.ids import new_id
from adwarden.storage.sql.cases_store import (
    close_case,
    find_open_case,
    insert_case,
    last_decided_closed_case,
    reopen_case_row,
    route_case,
    set_case_work,
)
from adwarden.storage.sql.database import Connection

#: The restricted queue for suspected minors; cases there stay until a reviewer moves them.
RESTRICTED_QUEUE = "child-safety"


def apply_verdict_to_case(
    conn: Connection, *, post_id: str, verdict: Verdict, trigger: str, actor: str, known_new_post: bool = False
) -> str | None:
    """Open, update or close the post's case for a new verdict; returns the open case id (or None)."""
    now = datetime.now(UTC)
    existing = None if known_new_post else find_open_case(conn, post_id, lock=True)
    if verdict.open_case:
        queue = verdict.queue or "general"
        if existing is None:
            decided = None if known_new_post else last_decided_closed_case(conn, post_id)
            if decided is not None and trigger not in ("ingest", "revert"):
                return _new_evidence_on_decided(conn, decided, post_id=post_id, verdict=verdict, queue=queue,
                                                trigger=trigger, actor=actor, now=now)
            return open_case(conn, post_id=post_id, queue=queue, priority=verdict.priority, risk=verdict.risk,
                             actor=actor, trigger=trigger, now=now,
                             follows=None if decided is None else str(decided.id))
        # A case never leaves the restricted child-safety queue, nor loses priority there, by re-assessment
        # alone: a reviewer moves it.
        sticky = existing.queue == RESTRICTED_QUEUE
        new_queue = existing.queue if sticky else queue
        new_priority = max(verdict.priority, existing.priority) if sticky else verdict.priority
        if (existing.queue, existing.priority, float(existing.risk)) != (new_queue, new_priority, verdict.risk):
            route_case(conn, existing.id, queue=new_queue, priority=new_priority, risk=verdict.risk, now=now,
                       only_open=True)
            append_event(conn, name="case-updated", actor=actor, subject_type="case", subject_id=existing.id,
                         payload={"post_id": post_id, "queue": new_queue, "priority": new_priority,
                                  "risk": verdict.risk, "trigger": trigger})
        return str(existing.id)
    if existing is not None and trigger == "rescan":
        reason = "risk fell below the review threshold on re-assessment"
        close_case(conn, existing.id, reason=reason, now=now, risk=verdict.risk)
        append_event(conn, name="case-closed", actor=actor, subject_type="case", subject_id=existing.id,
                     payload={"post_id": post_id, "reason": reason, "trigger": trigger})
        return None
    return str(existing.id) if existing is not None else None


def open_case(conn: Connection, *, post_id: str, queue: str, priority: int, risk: float, actor: str, trigger: str,
              now: datetime, follows: str | None = None) -> str:
    """Insert an open case for the post and its ``case-opened`` event; returns the case id."""
    case_id = new_id("c")
    insert_case(conn, case_id=case_id, post_id=post_id, queue=queue, priority=priority, risk=risk, now=now)
    payload: dict[str, object] = {"post_id": post_id, "queue": queue, "priority": priority, "risk": risk,
                                  "trigger": trigger}
    if follows is not None:
        payload["follows_decided_case"] = follows
    append_event(conn, name="case-opened", actor=actor, subject_type="case", subject_id=case_id, payload=payload)
    return case_id


def _new_evidence_on_decided(conn: Connection, decided: Case, *, post_id: str, verdict: Verdict, queue: str,
                             trigger: str, actor: str, now: datetime) -> str | None:
    payload = {"post_id": post_id, "risk": verdict.risk, "queue": queue, "priority": verdict.priority,
               "rules_fired": list(verdict.rules_fired), "trigger": trigger}
    if queue == RESTRICTED_QUEUE and decided.queue != RESTRICTED_QUEUE:
        reason = f"new evidence on re-assessment ({trigger}) routes the post to {queue}"
        reopen_case_row(conn, decided.id, now=now, queue=queue, priority=max(verdict.priority, 100),
                        risk=verdict.risk)
        set_case_work(conn, decided.id, sla_started_at=now, assignee=None, claimed_at=None, lease_expires_at=None)
        append_event(conn, name="case-reopened", actor=actor, subject_type="case", subject_id=decided.id,
                     payload={**payload, "reason": reason})
        return str(decided.id)
    append_event(conn, name="case-new-evidence", actor=actor, subject_type="case", subject_id=decided.id,
                 payload={**payload, "kept_closed": "a reviewer decided this case; the decision stands"})
    return None
