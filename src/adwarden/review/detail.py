"""Case detail: everything a reviewer needs on one page, read in one transaction.

The post (every version, the live one marked, each with the evidence spans of its newest verdict), the verdict's
reasons with their contributions and the policy rules that fired, the account and its other posts, the
network, the flags with their reporters' reputations, the decisions, the case's history from the audit log
(opened, claimed, decided, reopened, appealed, each with actor and time) and the SLA deadline.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from adwarden.domain import Actor, Assessment
from adwarden.permissions import ensure_permission, has_permission
from adwarden.policy.model import Policy
from adwarden.review.access import lock_case
from adwarden.review.decisions import decisions_of
from adwarden.review.enforcement import account_state_of, post_enforcement_of
from adwarden.review.flags import flags_for_post
from adwarden.review.listing import case_summary
from adwarden.review.network_link import network_of_post
from adwarden.storage.sql.account_posts_store import other_posts_of_account
from adwarden.storage.sql.case_detail_store import assessments_of_post, latest_case_of_post, subject_history
from adwarden.storage.sql.database import Connection
from adwarden.storage.sql.queries import get_post

OTHER_POSTS_SHOWN = 100


def case_detail(conn: Connection, case_id: str, *, actor: Actor, policy: Policy,
                now: datetime | None = None) -> dict[str, Any]:
    ensure_permission(actor, "case:view")
    t = now or datetime.now(UTC)
    row = lock_case(conn, case_id, actor=actor, policy=policy, lock=False)
    post = get_post(conn, row.post_id)
    live = post.current_version
    summary = case_summary(replace(row, site=post.site, external_id=post.external_id), policy, t)
    verdicts = _newest_verdict_per_version(conn, row.post_id)
    versions = []
    for v in post.versions:
        a = verdicts.get(v.version)
        reasons = [e.to_json() for e in a.verdict.reasons] if a else []
        versions.append({
            "version": v.version, "live": v.version == live, "received_at": v.received_at,
            "title": v.content.title, "body": v.content.body, "location": v.content.location,
            "url": v.content.url, "category": v.content.category,
            "evidence_spans": [{"start": r["span"][0], "end": r["span"][1], "detector": r["detector"],
                                "label": r["label"]} for r in reasons if r.get("span") and None not in r["span"]],
        })
    current = verdicts.get(live)
    verdict = None if current is None else {
        "action": current.verdict.action.value, "risk": current.verdict.risk, "queue": current.verdict.queue,
        "reasons": [e.to_json() for e in current.verdict.reasons],
        "contributions": [{"source": c.source, "points": c.points, "note": c.note}
                          for c in current.verdict.contributions],
        "rules_fired": list(current.verdict.rules_fired), "policy_version": current.versions.get("policy"),
        "assessed_at": current.created_at,
    }
    return {
        **summary,
        "appeal_of": row.appeal_of, "appellant": row.appellant,
        "post": {"id": post.id, "site": post.site, "external_id": post.external_id, "live_version": live,
                 "versions": versions, "enforcement": post_enforcement_of(conn, post.id)},
        "verdict": verdict,
        "account": _account(conn, post.account_id, post.id, actor=actor, policy=policy),
        "network": network_of_post(conn, post.id),
        "flags": flags_for_post(conn, post.id),
        "decisions": [d.__dict__ | {"action_events": list(d.action_events)} for d in decisions_of(conn, case_id)],
        "history": _history(conn, case_id),
    }


def _newest_verdict_per_version(conn: Connection, post_id: str) -> dict[int, Assessment]:
    return {a.version: a for a in assessments_of_post(conn, post_id)}


def _account(conn: Connection, account_id: str | None, post_id: str, *, actor: Actor,
             policy: Policy) -> dict[str, Any] | None:
    if account_id is None:
        return None
    others = other_posts_of_account(conn, account_id, except_post=post_id, limit=OTHER_POSTS_SHOWN)
    restricted = sorted(policy.restricted_queues)
    out = []
    for o in others:
        c = latest_case_of_post(conn, o.id)
        visible = c is not None and (c.queue not in restricted or has_permission(actor, "case:view-restricted"))
        out.append({"post_id": o.id, "external_id": o.external_id, "created_at": o.created_at,
                    "case": {"id": c.id, "status": c.status.value} if visible and c is not None else None,
                    "enforcement": (post_enforcement_of(conn, o.id) or {}).get("state")})
    return {"id": account_id, "state": account_state_of(conn, account_id), "other_posts": out}


def _history(conn: Connection, case_id: str) -> list[dict[str, Any]]:
    return [{"event": h.name, "actor": h.actor, "at": h.created_at, "details": h.details}
            for h in subject_history(conn, "case", case_id)]
