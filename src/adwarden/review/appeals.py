"""Appeals: the poster contests a removal; a different reviewer upholds or overturns it.

``submit_appeal`` (from the platform) opens an appeal case for the post's standing violating decision, in the
queue that decision's case was in (so an appeal about a suspected minor stays restricted). The reviewer who
made the decision can neither claim nor decide it. ``decide_appeal`` with ``overturn`` supersedes the
decision, restores the post (and a suspended or banned account) and sends the reversal to the platform; flags
that were upheld on the post count against their reporters instead. ``uphold`` keeps everything and closes the
appeal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from adwarden.audit.log import append_event
from adwarden.domain import Actor, Conflict, InputError, NotFound
from adwarden.permissions import ensure_permission
from adwarden.policy.model import Policy
from adwarden.review.access import lock_case
from adwarden.review.cases import open_case
from adwarden.review.claims import ensure_may_decide
from adwarden.review.decisions import DecisionRecord, decide_locked
from adwarden.review.enforcement import Cause, set_account_state
from adwarden.review.flags import reverse_flags
from adwarden.review.labels import ACCOUNT_STATE, DecisionAction, Resolved
from adwarden.storage.ids import new_id
from adwarden.storage.sql.database import Database
from adwarden.storage.sql.queries import require_post_id
from adwarden.storage.sql.tables import cases, posts
from adwarden.storage.sql.tables_review import case_work, review_decisions

APPEAL_OUTCOMES = ("uphold", "overturn")


@dataclass(frozen=True)
class AppealCase:
    case_id: str
    post_id: str
    appeal_of: str
    queue: str


def submit_appeal(
    db: Database, *, site: str, external_id: str, text: str, appellant: str, actor: Actor,
    sites: frozenset[str] | None = None, now: datetime | None = None,
) -> AppealCase:
    """Open an appeal case against the post's standing violating decision."""
    ensure_permission(actor, "appeal:submit")
    if len(text) > 10_000:
        raise InputError("over 10000 characters", record="appeal", field="text")
    if sites is not None and site not in sites:
        raise NotFound(f"post {site}/{external_id} not found")
    t = now or datetime.now(UTC)
    with db.transaction() as conn:
        post_id = require_post_id(conn, site, external_id)
        standing = conn.execute(
            select(review_decisions.c.id, review_decisions.c.case_id).where(
                review_decisions.c.post_id == post_id, review_decisions.c.superseded_by.is_(None),
                review_decisions.c.violating.is_(True), review_decisions.c.appeal_outcome.is_(None))
            .order_by(review_decisions.c.created_at.desc()).limit(1)).first()
        if standing is None:
            raise Conflict(f"post {site}/{external_id} has no standing removal decision to appeal")
        if conn.execute(select(cases.c.id).where(cases.c.post_id == post_id, cases.c.status == "open")).first():
            raise Conflict(f"post {site}/{external_id} already has an open case (an appeal or a review)")
        original = conn.execute(select(cases.c.queue, cases.c.priority, cases.c.risk)
                                .where(cases.c.id == standing.case_id)).one()
        case_id = open_case(conn, post_id=post_id, queue=original.queue, priority=original.priority,
                            risk=float(original.risk), actor=actor.name, trigger="appeal", now=t)
        conn.execute(insert(case_work).values(case_id=case_id, kind="appeal", appeal_of=standing.id,
                                              appellant=appellant))
        append_event(conn, name="appeal-opened", actor=actor.name, subject_type="case", subject_id=case_id,
                     payload={"post_id": post_id, "appeal_of": standing.id, "appellant": appellant, "text": text})
        return AppealCase(case_id, post_id, standing.id, original.queue)


def decide_appeal(
    db: Database, case_id: str, outcome: str, note: str = "", *, actor: Actor, policy: Policy,
    notify: Callable[[], None] | None = None, now: datetime | None = None,
) -> DecisionRecord:
    """Uphold or overturn; refused (:class:`Conflict`) for the reviewer who made the contested decision."""
    ensure_permission(actor, "case:decide")
    if outcome not in APPEAL_OUTCOMES:
        raise InputError(f"unknown appeal outcome {outcome!r}; choose uphold or overturn", field="appeal")
    t = now or datetime.now(UTC)
    with db.transaction() as conn:
        row = lock_case(conn, case_id, actor=actor, policy=policy)
        if row.kind != "appeal":
            raise InputError(f"case {case_id} is not an appeal; decide it with a label", field="appeal")
        ensure_may_decide(conn, row, actor=actor, now=t)
        contested = conn.execute(select(review_decisions).where(review_decisions.c.id == row.appeal_of)).one()
        if outcome == "uphold":
            label = policy.labels.get(contested.label or "")
            if label is None:
                raise InputError(f"the contested label {contested.label!r} is no longer in the policy; overturn "
                                 "or reopen the original case", field="appeal")
            resolved = Resolved(label, DecisionAction(contested.action))
            record = _close_upheld(conn, row, resolved, note, actor=actor, now=t)
        else:
            allow = next((lb for lb in policy.labels.values() if not lb.violating), None)
            if allow is None:
                raise InputError("the policy has no non-violating label to overturn to", field="appeal")
            record = decide_locked(conn, row, Resolved(allow, DecisionAction.ALLOW), note, actor=actor,
                                   scope="appeal", scope_id=contested.id, now=t, appeal_outcome="overturned")
            events = list(record.action_events)
            if DecisionAction(contested.action) in ACCOUNT_STATE:
                account_id = conn.execute(select(posts.c.account_id).where(posts.c.id == row.post_id)).scalar_one()
                if account_id is not None:
                    cause = Cause(record.id, row.id, allow.name, "allow", actor.name, note, t)
                    ev = set_account_state(conn, account_id, "active", cause)
                    if ev:
                        events.append(ev)
            reverse_flags(conn, row.post_id, now=t)
            record = replace(record, action_events=tuple(events))
        append_event(conn, name="appeal-decided", actor=actor.name, subject_type="case", subject_id=case_id,
                     payload={"outcome": outcome, "appeal_of": contested.id, "decision_id": record.id})
    if record.action_events and notify is not None:
        notify()
    return record


def _close_upheld(conn: Connection, row: Any, resolved: Resolved, note: str, *, actor: Actor,
                  now: datetime) -> DecisionRecord:
    """Uphold: record the appeal decision and close the case; enforcement and the contested decision stand."""
    decision_id = new_id("d")
    label = resolved.label.name if resolved.label else None
    conn.execute(insert(review_decisions).values(
        id=decision_id, case_id=row.id, post_id=row.post_id, label=label, violating=resolved.violating,
        action=resolved.action.value, scope="appeal", scope_id=row.appeal_of, note=note, actor=actor.name,
        created_at=now, superseded_by=None, appeal_outcome="upheld"))
    reason = "appeal upheld"
    conn.execute(update(cases).where(cases.c.id == row.id).values(status="closed", closed_at=now, updated_at=now,
                                                                  close_reason=reason))
    append_event(conn, name="decision-recorded", actor=actor.name, subject_type="case", subject_id=row.id,
                 payload={"decision_id": decision_id, "label": label, "action": resolved.action.value,
                          "scope": "appeal", "appeal_outcome": "upheld", "note": note})
    append_event(conn, name="case-closed", actor=actor.name, subject_type="case", subject_id=row.id,
                 payload={"reason": reason, "decision_id": decision_id})
    return DecisionRecord(decision_id, row.id, row.post_id, label, resolved.action.value, resolved.violating,
                          "appeal", note, actor.name, now, row.appeal_of, None, "upheld", ())
