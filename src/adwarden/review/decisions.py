"""Decisions that act: a label from the policy plus an action, on a case, a whole network or an account.

Every decision is one transaction: the decision row, the case's closing (or escalation), the post's and the
account's enforcement, the outbox events for the platform, the flags' outcomes, and an audit event for each.
``notify`` (the webhook sender's wake-up) is called only after commit. A later closing decision on a post
supersedes the earlier one (``superseded_by``); both stay in the history. Refused without change: a case
claimed by someone else, a closed case (reopen it first), a label the policy lacks, an action that contradicts
the label, a role without ``case:decide``.

>>> # d = record_decision(db, case_id, "violating-trafficking", "remove", actor=mia, policy=policy)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from adwarden.audit.log import append_event
from adwarden.domain import Actor, Conflict, InputError, NotFound
from adwarden.permissions import ensure_permission
from adwarden.policy.model import Policy
from adwarden.review.access import lock_case, may_see_queue
from adwarden.review.cases import RESTRICTED_QUEUE, open_case
from adwarden.review.claims import ensure_may_decide, set_work
from adwarden.review.enforcement import Cause, set_account_state, set_post_state
from adwarden.review.flags import resolve_flags
from adwarden.review.labels import ACCOUNT_STATE, POST_STATE, DecisionAction, Resolved, resolve
from adwarden.review.network_link import network_post_ids
from adwarden.storage.ids import new_id
from adwarden.storage.sql.database import Database
from adwarden.storage.sql.tables import cases, decisions, posts
from adwarden.storage.sql.tables_review import review_decisions

Notify = Callable[[], None]


@dataclass(frozen=True)
class DecisionRecord:
    """A stored decision and the platform events it queued."""

    id: str
    case_id: str
    post_id: str
    label: str | None
    action: str
    violating: bool
    scope: str
    note: str
    actor: str
    created_at: datetime
    scope_id: str | None = None
    superseded_by: str | None = None
    appeal_outcome: str | None = None
    action_events: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class BulkResult:
    """A decision over many posts (a network or an account)."""

    scope: str
    scope_id: str
    decisions: tuple[DecisionRecord, ...]
    skipped: tuple[str, ...]  # post ids left alone (excluded by an override)


def record_decision(
    db: Database, case_id: str, label: str | None, action: str | None = None, note: str = "", *,
    actor: Actor, policy: Policy, notify: Notify | None = None, now: datetime | None = None,
) -> DecisionRecord:
    """Decide one open case. See the module docstring for what is refused."""
    ensure_permission(actor, "case:decide")
    resolved = resolve(policy, label, action)
    if resolved.action is DecisionAction.REPORT_NCMEC:
        ensure_permission(actor, "report:draft")  # moderators escalate; child-safety specialists report
    _check_note(note)
    t = now or datetime.now(UTC)
    with db.transaction() as conn:
        row = lock_case(conn, case_id, actor=actor, policy=policy)
        if row.kind == "appeal":
            raise InputError(f"case {case_id} is an appeal: decide it with uphold or overturn", field="label")
        ensure_may_decide(conn, row, actor=actor, now=t)
        record = decide_locked(conn, row, resolved, note, actor=actor, scope="case", scope_id=None, now=t)
    if record.action_events and notify is not None:
        notify()
    return record


def decide_network(
    db: Database, network_id: str, label: str, action: str | None = None, note: str = "", *,
    overrides: Mapping[str, tuple[str, str | None] | None] | None = None, actor: Actor, policy: Policy,
    notify: Notify | None = None, now: datetime | None = None,
) -> BulkResult:
    """One decision for every post of a network; ``overrides`` maps a post id to its own (label, action), or
    to None to leave that post out. Posts in restricted queues the actor cannot see are left to child safety."""
    ensure_permission(actor, "case:decide")
    with db.read() as conn:
        post_ids = network_post_ids(conn, network_id)
    return _decide_posts(db, post_ids, "network", network_id, label, action, note, overrides or {},
                         actor=actor, policy=policy, notify=notify, now=now)


def decide_account(
    db: Database, account_id: str, label: str, action: str | None = None, note: str = "", *,
    overrides: Mapping[str, tuple[str, str | None] | None] | None = None, actor: Actor, policy: Policy,
    notify: Notify | None = None, now: datetime | None = None,
) -> BulkResult:
    """One decision for every post of an account (``site:external_id``), with per-post overrides."""
    ensure_permission(actor, "case:decide")
    with db.read() as conn:
        post_ids = list(conn.execute(select(posts.c.id).where(posts.c.account_id == account_id)
                                     .order_by(posts.c.created_at)).scalars())
    if not post_ids:
        raise NotFound(f"account {account_id} not found (or it has no posts)")
    return _decide_posts(db, post_ids, "account", account_id, label, action, note, overrides or {},
                         actor=actor, policy=policy, notify=notify, now=now)


def _decide_posts(
    db: Database, post_ids: Sequence[str], scope: str, scope_id: str, label: str, action: str | None, note: str,
    overrides: Mapping[str, tuple[str, str | None] | None], *, actor: Actor, policy: Policy,
    notify: Notify | None, now: datetime | None,
) -> BulkResult:
    default = resolve(policy, label, action)
    if default.action in (DecisionAction.ESCALATE, DecisionAction.REPORT_NCMEC):
        raise InputError(f"{default.action.value} is decided case by case, not for a whole {scope}", field="action")
    unknown = [p for p in overrides if p not in post_ids]
    if unknown:
        raise InputError(f"overrides name posts outside this {scope}: {', '.join(unknown[:5])}", field="overrides")
    per_post = {pid: (None if o is None else resolve(policy, o[0], o[1])) for pid, o in overrides.items()}
    _check_note(note)
    t = now or datetime.now(UTC)
    out: list[DecisionRecord] = []
    skipped: list[str] = []
    with db.transaction() as conn:
        for pid in post_ids:
            resolved = per_post[pid] if pid in per_post else default
            if resolved is None:
                skipped.append(pid)
                continue
            row = _case_for_post(conn, pid, actor=actor, policy=policy, scope=scope, now=t)
            if row is None:
                continue  # in a restricted queue this actor cannot see: child safety decides it
            ensure_may_decide(conn, row, actor=actor, now=t)
            out.append(decide_locked(conn, row, resolved, note, actor=actor, scope=scope, scope_id=scope_id,
                                     now=t))
    if notify is not None and any(d.action_events for d in out):
        notify()
    return BulkResult(scope, scope_id, tuple(out), tuple(skipped))


def _case_for_post(conn: Connection, post_id: str, *, actor: Actor, policy: Policy, scope: str,
                   now: datetime) -> Any:
    case_id = conn.execute(select(cases.c.id, cases.c.queue).where(cases.c.post_id == post_id,
                                                                    cases.c.status == "open")).first()
    if case_id is not None and not may_see_queue(actor, policy, case_id.queue):
        return None
    if case_id is None:
        cid = open_case(conn, post_id=post_id, queue=policy.default_queue, priority=0, risk=0.0,
                        actor=actor.name, trigger=f"{scope}-decision", now=now)
    else:
        cid = case_id.id
    return lock_case(conn, cid, actor=actor, policy=policy)


def decide_locked(
    conn: Connection, row: Any, resolved: Resolved, note: str, *, actor: Actor, scope: str, scope_id: str | None,
    now: datetime, appeal_outcome: str | None = None,
) -> DecisionRecord:
    """Write a decision on a locked, open case (checks already done) and put it into effect."""
    decision_id = new_id("d")
    label = resolved.label.name if resolved.label else None
    act = resolved.action
    superseded = _supersede(conn, row.post_id, decision_id, actor=actor) if resolved.closes_case else []
    conn.execute(insert(review_decisions).values(
        id=decision_id, case_id=row.id, post_id=row.post_id, label=label, violating=resolved.violating,
        action=act.value, scope=scope, scope_id=scope_id, note=note, actor=actor.name, created_at=now,
        superseded_by=None, appeal_outcome=appeal_outcome))
    conn.execute(insert(decisions), [{"case_id": row.id, "outcome": label or act.value, "actor": actor.name,
                                      "note": note, "created_at": now}])
    append_event(conn, name="decision-recorded", actor=actor.name, subject_type="case", subject_id=row.id,
                 payload={"decision_id": decision_id, "label": label, "action": act.value, "scope": scope,
                          "scope_id": scope_id, "note": note, "supersedes": superseded,
                          "appeal_outcome": appeal_outcome})
    events: list[str] = []
    if act is DecisionAction.ESCALATE:
        conn.execute(update(cases).where(cases.c.id == row.id).values(queue=RESTRICTED_QUEUE, priority=100,
                                                                      updated_at=now))
        set_work(conn, row.id, assignee=None, claimed_at=None, lease_expires_at=None)
        append_event(conn, name="case-updated", actor=actor.name, subject_type="case", subject_id=row.id,
                     payload={"post_id": row.post_id, "queue": RESTRICTED_QUEUE, "priority": 100,
                              "trigger": "escalate", "from_queue": row.queue})
    else:
        reason = f"decision: {label} / {act.value}"
        conn.execute(update(cases).where(cases.c.id == row.id).values(
            status="closed", closed_at=now, updated_at=now, close_reason=reason))
        if row.assignee is not None:
            set_work(conn, row.id, exists=True, assignee=None, lease_expires_at=None)
        append_event(conn, name="case-closed", actor=actor.name, subject_type="case", subject_id=row.id,
                     payload={"reason": reason, "decision_id": decision_id})
        cause = Cause(decision_id, row.id, label, act.value, actor.name, note, now)
        state = POST_STATE[act]
        assert state is not None
        events.append(set_post_state(conn, row.post_id, state, cause))
        if act in ACCOUNT_STATE:
            account_id = conn.execute(select(posts.c.account_id).where(posts.c.id == row.post_id)).scalar_one()
            if account_id is not None:
                ev = set_account_state(conn, account_id, ACCOUNT_STATE[act], cause)
                if ev:
                    events.append(ev)
        if appeal_outcome is None:
            resolve_flags(conn, [row.post_id], violating=resolved.violating, now=now)
    return DecisionRecord(decision_id, row.id, row.post_id, label, act.value, resolved.violating, scope, note,
                          actor.name, now, scope_id, None, appeal_outcome, tuple(events))


def _supersede(conn: Connection, post_id: str, by: str, *, actor: Actor) -> list[str]:
    """Mark the post's standing closing decisions as superseded by ``by``; returns their ids."""
    ids = list(conn.execute(select(review_decisions.c.id).where(
        review_decisions.c.post_id == post_id, review_decisions.c.superseded_by.is_(None),
        review_decisions.c.action != DecisionAction.ESCALATE.value)).scalars())
    if ids:
        conn.execute(update(review_decisions).where(review_decisions.c.id.in_(ids)).values(superseded_by=by))
        for old in ids:
            append_event(conn, name="decision-superseded", actor=actor.name, subject_type="decision",
                         subject_id=old, payload={"superseded_by": by, "post_id": post_id})
    return ids


def reopen_case(db: Database, case_id: str, reason: str, *, actor: Actor, policy: Policy,
                now: datetime | None = None) -> None:
    """Reopen a closed case (its SLA clock restarts); the next decision supersedes the last one."""
    ensure_permission(actor, "case:decide")
    if not reason.strip():
        raise InputError("say why the case is reopened", field="reason")
    t = now or datetime.now(UTC)
    with db.transaction() as conn:
        row = lock_case(conn, case_id, actor=actor, policy=policy)
        if row.status == "open":
            raise Conflict(f"case {case_id} is already open")
        other = conn.execute(select(cases.c.id).where(cases.c.post_id == row.post_id, cases.c.status == "open")
                             ).scalar_one_or_none()
        if other is not None:
            raise Conflict(f"post {row.post_id} already has open case {other}; decide that one")
        conn.execute(update(cases).where(cases.c.id == case_id).values(status="open", closed_at=None,
                                                                       close_reason=None, updated_at=t))
        set_work(conn, case_id, sla_started_at=t, assignee=None, claimed_at=None, lease_expires_at=None)
        append_event(conn, name="case-reopened", actor=actor.name, subject_type="case", subject_id=case_id,
                     payload={"reason": reason, "post_id": row.post_id})


def decisions_for_case(db: Database, case_id: str) -> list[DecisionRecord]:
    with db.read() as conn:
        return decisions_of(conn, case_id)


def decisions_of(conn: Connection, case_id: str) -> list[DecisionRecord]:
    rows = conn.execute(select(review_decisions).where(review_decisions.c.case_id == case_id)
                        .order_by(review_decisions.c.created_at, review_decisions.c.id)).all()
    return [DecisionRecord(r.id, r.case_id, r.post_id, r.label, r.action, r.violating, r.scope, r.note, r.actor,
                           r.created_at, r.scope_id, r.superseded_by, r.appeal_outcome) for r in rows]


def _check_note(note: str) -> None:
    if len(note) > 10_000:
        raise InputError("over 10000 characters", field="note")
