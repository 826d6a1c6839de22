"""Recording a reviewer's decision on a case: permission-checked, audited, in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import insert, select, update

from adwarden.audit.log import append_event
from adwarden.domain import Actor, Conflict, Decision, InputError, NotFound
from adwarden.permissions import ensure_permission, has_permission
from adwarden.storage.sql.database import Database
from adwarden.storage.sql.tables import cases, decisions

DEFAULT_RESTRICTED_QUEUES = frozenset({"child-safety"})


class Outcome(StrEnum):
    """What a reviewer concluded. ``escalate`` keeps the case open and moves it to the child-safety queue."""

    TRAFFICKING = "violating-trafficking"
    MINOR = "violating-possible-minor"
    OTHER_VIOLATION = "violating-other"
    NOT_VIOLATING = "not-violating"
    ESCALATE = "escalate"


def record_decision(
    db: Database, case_id: str, outcome: str, note: str = "", *, actor: Actor,
    restricted_queues: frozenset[str] = DEFAULT_RESTRICTED_QUEUES,
) -> Decision:
    """Record ``outcome`` on an open case; every outcome but ``escalate`` closes it.

    ``restricted_queues`` comes from the active policy: cases there are invisible (not found) to actors
    without ``case:view-restricted``. Two reviewers deciding at once: exactly one wins, the other gets
    :class:`Conflict`."""
    ensure_permission(actor, "case:decide")
    try:
        out = Outcome(outcome)
    except ValueError:
        choices = ", ".join(o.value for o in Outcome)
        raise InputError(f"unknown outcome {outcome!r}; choose one of {choices}", field="outcome") from None
    now = datetime.now(UTC)
    with db.transaction() as conn:
        row = conn.execute(select(cases.c.status, cases.c.queue).where(cases.c.id == case_id)
                           .with_for_update()).first()
        if row is None:
            raise NotFound(f"case {case_id} not found")
        if row.queue in restricted_queues and not has_permission(actor, "case:view-restricted"):
            raise NotFound(f"case {case_id} not found")
        if row.status != "open":
            raise Conflict(f"case {case_id} is {row.status}; reopen it before deciding again")
        open_case = (cases.c.id == case_id) & (cases.c.status == "open")
        if out is Outcome.ESCALATE:
            changed = conn.execute(update(cases).where(open_case).values(queue="child-safety", priority=100,
                                                                         updated_at=now))
        else:
            changed = conn.execute(update(cases).where(open_case).values(
                status="closed", closed_at=now, updated_at=now, close_reason=f"decision: {out.value}"))
        if changed.rowcount != 1:
            raise Conflict(f"case {case_id} was decided by someone else just now")
        conn.execute(insert(decisions), [{"case_id": case_id, "outcome": out.value, "actor": actor.name,
                                          "note": note, "created_at": now}])
        append_event(conn, name="decision-recorded", actor=actor.name, subject_type="case", subject_id=case_id,
                     payload={"outcome": out.value, "note": note})
        if out is not Outcome.ESCALATE:
            append_event(conn, name="case-closed", actor=actor.name, subject_type="case", subject_id=case_id,
                         payload={"reason": f"decision: {out.value}"})
    return Decision(case_id=case_id, outcome=out.value, actor=actor.name, note=note, created_at=now)


def decisions_for_case(db: Database, case_id: str) -> list[Decision]:
    with db.read() as conn:
        rows = conn.execute(select(decisions).where(decisions.c.case_id == case_id).order_by(decisions.c.id)).all()
    return [Decision(case_id=r.case_id, outcome=r.outcome, actor=r.actor, note=r.note, created_at=r.created_at)
            for r in rows]
