"""Decisions that act: a label from the policy plus an action, on a case, a whole network or an account.

Every decision is one transaction: the decision row, the case's closing (or escalation), the post's and the
account's enforcement, the outbox events for the platform, the flags' outcomes, and an audit event for each.
``notify`` (the webhook sender's wake-up) is registered with ``after_commit``, so it runs only once the
transaction committed. A later closing decision on a post supersedes the earlier one (``superseded_by``);
both stay in the history. Refused without change: a case claimed by someone else, a closed case (reopen it
first), a label the policy lacks, an action that contradicts the label, a role without ``case:decide``.

>>> # d = record_decision(db, case_id, "violating-trafficking", "remove", actor=mia, policy=policy)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from adwarden.audit.log import append_event
from adwarden.domain import Actor, Conflict, InputError, NotFound
from adwarden.domain.review_case import ReviewCase
from adwarden.domain.review_decision import DecisionRecord
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
from adwarden.storage.sql.account_posts_store import account_of_post, post_ids_of_account
from adwarden.storage.sql.cases_store import close_case, find_open_case, reopen_case_row, route_case
from adwarden.storage.sql.database import Connection, Database, after_commit
from adwarden.storage.sql.decisions_store import (
    decisions_of_case,
    insert_decision,
    log_case_decision,
    supersede_standing,
)

__all__ = ["BulkResult", "DecisionRecord", "decide_account", "decide_locked", "decide_network", "decisions_for_case",
           "decisions_of", "record_decision", "reopen_case"]

Notify = Callable[[], None]


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
            after_commit(conn, notify)
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
        post_ids = post_ids_of_account(conn, account_id)
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
            after_commit(conn, notify)
    return BulkResult(scope, scope_id, tuple(out), tuple(skipped))


def _case_for_post(conn: Connection, post_id: str, *, actor: Actor, policy: Policy, scope: str,
                   now: datetime) -> ReviewCase | None:
    existing = find_open_case(conn, post_id)
    if existing is not None and not may_see_queue(actor, policy, existing.queue):
        return None
    if existing is None:
        cid = open_case(conn, post_id=post_id, queue=policy.default_queue, priority=0, risk=0.0,
                        actor=actor.name, trigger=f"{scope}-decision", now=now)
    else:
        cid = existing.id
    return lock_case(conn, cid, actor=actor, policy=policy)


def decide_locked(
    conn: Connection, row: ReviewCase, resolved: Resolved, note: str, *, actor: Actor, scope: str, scope_id: str | None,
    now: datetime, appeal_outcome: str | None = None,
) -> DecisionRecord:
    """Write a decision on a locked, open case (checks already done) and put it into effect."""
    decision_id = new_id("d")
    label = resolved.label.name if resolved.label else None
    act = resolved.action
    superseded = _supersede(conn, row.post_id, decision_id, actor=actor) if resolved.closes_case else []
    record = DecisionRecord(decision_id, row.id, row.post_id, label, act.value, resolved.violating, scope, note,
                            actor.name, now, scope_id, None, appeal_outcome)
    insert_decision(conn, record)
    log_case_decision(conn, case_id=row.id, outcome=label or act.value, actor=actor.name, note=note, now=now)
    append_event(conn, name="decision-recorded", actor=actor.name, subject_type="case", subject_id=row.id,
                 payload={"decision_id": decision_id, "label": label, "action": act.value, "scope": scope,
                          "scope_id": scope_id, "note": note, "supersedes": superseded,
                          "appeal_outcome": appeal_outcome})
    events: list[str] = []
    if act is DecisionAction.ESCALATE:
        route_case(conn, row.id, queue=RESTRICTED_QUEUE, priority=100, now=now)
        set_work(conn, row.id, assignee=None, claimed_at=None, lease_expires_at=None)
        append_event(conn, name="case-updated", actor=actor.name, subject_type="case", subject_id=row.id,
                     payload={"post_id": row.post_id, "queue": RESTRICTED_QUEUE, "priority": 100,
                              "trigger": "escalate", "from_queue": row.queue})
    else:
        reason = f"decision: {label} / {act.value}"
        close_case(conn, row.id, reason=reason, now=now)
        if row.assignee is not None:
            set_work(conn, row.id, exists=True, assignee=None, lease_expires_at=None)
        append_event(conn, name="case-closed", actor=actor.name, subject_type="case", subject_id=row.id,
                     payload={"reason": reason, "decision_id": decision_id})
        cause = Cause(decision_id, row.id, label, act.value, actor.name, note, now)
        state = POST_STATE[act]
        assert state is not None
        events.append(set_post_state(conn, row.post_id, state, cause))
        if act in ACCOUNT_STATE:
            account_id = account_of_post(conn, row.post_id)
            if account_id is not None:
                ev = set_account_state(conn, account_id, ACCOUNT_STATE[act], cause)
                if ev:
                    events.append(ev)
        if appeal_outcome is None:
            resolve_flags(conn, [row.post_id], violating=resolved.violating, now=now)
    return replace(record, action_events=tuple(events))


def _supersede(conn: Connection, post_id: str, by: str, *, actor: Actor) -> list[str]:
    """Mark the post's standing closing decisions as superseded by ``by``; returns their ids."""
    ids = supersede_standing(conn, post_id, by, except_action=DecisionAction.ESCALATE.value)
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
        other = find_open_case(conn, row.post_id)
        if other is not None:
            raise Conflict(f"post {row.post_id} already has open case {other.id}; decide that one")
        reopen_case_row(conn, case_id, now=t)
        set_work(conn, case_id, sla_started_at=t, assignee=None, claimed_at=None, lease_expires_at=None)
        append_event(conn, name="case-reopened", actor=actor.name, subject_type="case", subject_id=case_id,
                     payload={"reason": reason, "post_id": row.post_id})


def decisions_for_case(db: Database, case_id: str) -> list[DecisionRecord]:
    with db.read() as conn:
        return decisions_of(conn, case_id)


def decisions_of(conn: Connection, case_id: str) -> list[DecisionRecord]:
    return decisions_of_case(conn, case_id)


def _check_note(note: str) -> None:
    if len(note) > 10_000:
        raise InputError("over 10000 characters", field="note")
