"""Putting a decision into effect: the post's and the account's enforcement state, and the platform's action.

Each change is one row upsert, one audit event and one outbox event, in the decision's transaction. The
post's enforcement (``allowed`` / ``removed``) is what the platform must show; it wins over the automatic
verdict (a held post is released or removed by it) and names the decision that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from adwarden.actions.outbox import emit
from adwarden.audit.log import append_event
from adwarden.storage.sql.database import Connection
from adwarden.storage.sql.enforcement_store import (
    PostEnforcement,
    account_external_id,
    account_ref,
    account_state,
    post_enforcement_row,
    post_ref,
    post_state,
    write_account_enforcement,
    write_post_enforcement,
)

#: What the platform is told to do for each post state.
PLATFORM_POST_ACTION = {"allowed": "allow", "removed": "remove"}
#: What the platform is told to do for each account state.
PLATFORM_ACCOUNT_ACTION = {"active": "reinstate", "suspended": "suspend", "banned": "ban"}


@dataclass(frozen=True)
class Cause:
    """The decision behind a change, carried into the row, the audit event and the webhook."""

    decision_id: str
    case_id: str
    label: str | None
    action: str
    actor: str
    reason: str
    now: datetime


def set_post_state(conn: Connection, post_id: str, state: str, cause: Cause) -> str:
    """Record the post's new enforcement state; returns the outbox event id sent to the platform."""
    post = post_ref(conn, post_id)
    before = post_state(conn, post_id)
    write_post_enforcement(conn, post_id, PostEnforcement(state, cause.action, cause.label, cause.decision_id,
                                                          cause.case_id, cause.actor, cause.now),
                           exists=before is not None)
    event_id = emit(conn, site=post.site, event_type="post.enforcement", post_id=post_id, now=cause.now, data={
        "action": PLATFORM_POST_ACTION[state], "post": {"id": post_id, "external_id": post.external_id},
        "account_external_id": _account_external_id(conn, post.account_id), "state": state,
        "previous_state": before, "decision": _decision_json(cause)})
    append_event(conn, name="enforcement-changed", actor=cause.actor, subject_type="post", subject_id=post_id,
                 payload={"state": state, "previous": before, "decision_id": cause.decision_id,
                          "case_id": cause.case_id, "action_event": event_id})
    return event_id


def set_account_state(conn: Connection, account_id: str, state: str, cause: Cause) -> str | None:
    """Record the account's new state (suspended, banned, active); None when the account is unknown or already
    in that state."""
    acc = account_ref(conn, account_id)
    if acc is None:
        return None
    before = account_state(conn, account_id)
    if (before or "active") == state:
        return None  # already so (e.g. the second post of an account decision): the platform was told once
    write_account_enforcement(conn, account_id, state=state, decision_id=cause.decision_id, actor=cause.actor,
                              now=cause.now, exists=before is not None)
    event_id = emit(conn, site=acc.site, event_type="account.enforcement", now=cause.now, data={
        "action": PLATFORM_ACCOUNT_ACTION[state], "account": {"id": account_id, "external_id": acc.external_id},
        "state": state, "previous_state": before or "active", "decision": _decision_json(cause)})
    append_event(conn, name="account-enforcement-changed", actor=cause.actor, subject_type="account",
                 subject_id=account_id, payload={"state": state, "previous": before,
                                                 "decision_id": cause.decision_id, "action_event": event_id})
    return event_id


def post_enforcement_of(conn: Connection, post_id: str) -> dict[str, Any] | None:
    row = post_enforcement_row(conn, post_id)
    if row is None:
        return None
    return {"state": row.state, "action": row.action, "label": row.label, "decision_id": row.decision_id,
            "case_id": row.case_id, "decided_by": row.actor, "updated_at": row.updated_at.isoformat()}


def account_state_of(conn: Connection, account_id: str | None) -> str:
    if account_id is None:
        return "active"
    return account_state(conn, account_id) or "active"


def _account_external_id(conn: Connection, account_id: str | None) -> str | None:
    if account_id is None:
        return None
    return account_external_id(conn, account_id)


def _decision_json(cause: Cause) -> dict[str, Any]:
    return {"id": cause.decision_id, "case_id": cause.case_id, "label": cause.label, "action": cause.action,
            "reason": cause.reason, "decided_at": cause.now.isoformat()}
