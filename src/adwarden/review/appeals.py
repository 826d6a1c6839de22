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

from adwarden.audit.log import append_event
from adwarden.domain import Actor, Conflict, InputError, NotFound
from adwarden.domain.review_case import ReviewCase
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
from adwarden.storage.sql.account_posts_store import account_of_post
from adwarden.storage.sql.cases_store import close_case, find_open_case, set_case_work
from adwarden.storage.sql.database import Connection, Database, after_commit
from adwarden.storage.sql.decisions_store import get_decision, insert_decision, standing_violating_decision
from adwarden.storage.sql.queries import get_case, require_post_id

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
        standing = standing_violating_decision(conn, post_id)
        if standing is None:
            raise Conflict(f"post {site}/{external_id} has no standing removal decision to appeal")
        if find_open_case(conn, post_id) is not None:
            raise Conflict(f"post {site}/{external_id} already has an open case (an appeal or a review)")
        original = get_case(conn, standing.case_id)
        case_id = open_case(conn, post_id=post_id, queue=original.queue, priority=original.priority,
                            risk=float(original.risk), actor=actor.name, trigger="appeal", now=t)
        set_case_work(conn, case_id, exists=False, kind="appeal", appeal_of=standing.id, appellant=appellant)
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
        if row.appeal_of is None:
            raise InputError(f"case {case_id} names no decision it appeals", field="appeal")
        contested = get_decision(conn, row.appeal_of)
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
                account_id = account_of_post(conn, row.post_id)
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
            after_commit(conn, notify)
    return record


def _close_upheld(conn: Connection, row: ReviewCase, resolved: Resolved, note: str, *, actor: Actor,
                  now: datetime) -> DecisionRecord:
    """Uphold: record the appeal decision and close the case; enforcement and the contested decision stand."""
    decision_id = new_id("d")
    label = resolved.label.name if resolved.label else None
    record = DecisionRecord(decision_id, row.id, row.post_id, label, resolved.action.value, resolved.violating,
                            "appeal", note, actor.name, now, row.appeal_of, None, "upheld", ())
    insert_decision(conn, record)
    reason = "appeal upheld"
    close_case(conn, row.id, reason=reason, now=now)
    append_event(conn, name="decision-recorded", actor=actor.name, subject_type="case", subject_id=row.id,
                 payload={"decision_id": decision_id, "label": label, "action": resolved.action.value,
                          "scope": "appeal", "appeal_outcome": "upheld", "note": note})
    append_event(conn, name="case-closed", actor=actor.name, subject_type="case", subject_id=row.id,
                 payload={"reason": reason, "decision_id": decision_id})
    return record
