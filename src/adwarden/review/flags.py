"""Community flags: what a platform's users report, weighted by each reporter's reputation.

A flag is always stored (evidence is never deleted). Its weight comes from the reporter's reputation when it
arrives (see :mod:`adwarden.review.reputation`):

* a trusted reporter's ``minor`` flag puts the post in the child-safety queue at once, at top priority;
* other weighted flags raise an open case's priority by ``10 x weight`` points, and open a case in the default
  queue (``trafficking`` for a trafficking flag, when the policy has it) once the post's undecided flags weigh
  :data:`OPEN_CASE_WEIGHT` or more;
* a bad-faith reporter's flags weigh nothing: they sink.

When a reviewer decides the post, its undecided flags are marked upheld (violating) or rejected, which is what
reputations are made of.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adwarden.audit.log import append_event
from adwarden.domain import Actor, InputError, NotFound
from adwarden.permissions import ensure_permission
from adwarden.policy.model import Policy
from adwarden.review.cases import RESTRICTED_QUEUE, open_case
from adwarden.review.reputation import WEIGHT, add_outcome, counts, reputation_json, trust_of
from adwarden.storage.ids import new_id
from adwarden.storage.sql.cases_store import find_open_case, route_case
from adwarden.storage.sql.database import Connection, Database
from adwarden.storage.sql.flags_store import (
    StoredFlag,
    flags_of_post,
    flags_with_outcome,
    insert_flag,
    pending_flag_weight,
    set_flag_outcome,
)
from adwarden.storage.sql.queries import require_post_id

REASONS = ("minor", "trafficking", "exploitation", "spam", "scam", "violence", "other")
OPEN_CASE_WEIGHT = 2.0
MAX_TEXT = 5000


@dataclass(frozen=True)
class FlagResult:
    flag_id: str
    post_id: str
    trust: str
    weight: float
    case_id: str | None
    effect: str  # opened-case | raised-priority | moved-to-child-safety | recorded


def submit_flag(
    db: Database, *, site: str, external_id: str, reason: str, reporter: str, text: str = "",
    actor: Actor, policy: Policy, sites: frozenset[str] | None = None, now: datetime | None = None,
) -> FlagResult:
    """Store a user's flag on a post and let it act on the post's case (see the module docstring).

    ``sites``: the sites this actor may flag for (None: any). Unknown post: :class:`NotFound`."""
    ensure_permission(actor, "flag:submit")
    if reason not in REASONS:
        raise InputError(f"unknown reason {reason!r}; choose one of {', '.join(REASONS)}", record="flag",
                         field="reason")
    if not reporter.strip():
        raise InputError("the reporter's id is required (an opaque id from the platform)", record="flag",
                         field="reporter")
    if len(text) > MAX_TEXT:
        raise InputError(f"over {MAX_TEXT} characters", record="flag", field="text")
    if sites is not None and site not in sites:
        raise NotFound(f"post {site}/{external_id} not found")
    t = now or datetime.now(UTC)
    with db.transaction() as conn:
        post_id = require_post_id(conn, site, external_id)
        upheld, rejected = counts(conn, site, reporter)
        trust = trust_of(upheld, rejected)
        weight = WEIGHT[trust]
        case_id, effect = _act_on_case(conn, post_id, reason, trust, weight, actor=actor, policy=policy, now=t)
        flag_id = new_id("f")
        insert_flag(conn, StoredFlag(flag_id, post_id, site, reporter, reason, text, trust, weight, case_id, None,
                                     actor.name, t))
        append_event(conn, name="flag-received", actor=actor.name, subject_type="post", subject_id=post_id,
                     payload={"flag_id": flag_id, "reason": reason, "reporter": reporter, "trust": trust,
                              "weight": weight, "case_id": case_id, "effect": effect})
        if case_id is not None and effect != "opened-case":
            append_event(conn, name="case-updated", actor=actor.name, subject_type="case", subject_id=case_id,
                         payload={"post_id": post_id, "trigger": "flag", "flag_id": flag_id, "effect": effect})
    return FlagResult(flag_id, post_id, trust, weight, case_id, effect)


def _act_on_case(conn: Connection, post_id: str, reason: str, trust: str, weight: float, *, actor: Actor,
                 policy: Policy, now: datetime) -> tuple[str | None, str]:
    existing = find_open_case(conn, post_id, lock=True)
    urgent_minor = trust == "trusted" and reason == "minor"
    child_queue = RESTRICTED_QUEUE if RESTRICTED_QUEUE in policy.queues else None
    if existing is not None:
        if weight == 0:
            return str(existing.id), "recorded"
        if urgent_minor and child_queue and existing.queue != child_queue:
            route_case(conn, existing.id, queue=child_queue, priority=100, now=now)
            return str(existing.id), "moved-to-child-safety"
        route_case(conn, existing.id, priority=min(100, existing.priority + int(10 * weight)), now=now)
        return str(existing.id), "raised-priority"
    if weight == 0:
        return None, "recorded"
    if urgent_minor and child_queue:
        return open_case(conn, post_id=post_id, queue=child_queue, priority=100, risk=0.0, actor=actor.name,
                         trigger="flag", now=now), "opened-case"
    if pending_flag_weight(conn, post_id) + weight < OPEN_CASE_WEIGHT:
        return None, "recorded"
    queue = "trafficking" if reason == "trafficking" and "trafficking" in policy.queues else policy.default_queue
    return open_case(conn, post_id=post_id, queue=queue, priority=min(100, 20 + int(10 * weight)), risk=0.0,
                     actor=actor.name, trigger="flag", now=now), "opened-case"


def resolve_flags(conn: Connection, post_ids: Iterable[str], *, violating: bool, now: datetime) -> int:
    """Mark the posts' undecided flags upheld or rejected and credit their reporters; returns how many."""
    ids = list(post_ids)
    if not ids:
        return 0
    rows = flags_with_outcome(conn, ids, None)
    if not rows:
        return 0
    set_flag_outcome(conn, [r.id for r in rows], "upheld" if violating else "rejected")
    tally: dict[tuple[str, str], int] = {}
    for r in rows:
        tally[(r.site, r.reporter)] = tally.get((r.site, r.reporter), 0) + 1
    for (site, reporter), n in tally.items():
        add_outcome(conn, site, reporter, upheld=n if violating else 0, rejected=0 if violating else n, now=now)
    return len(rows)


def reverse_flags(conn: Connection, post_id: str, *, now: datetime) -> int:
    """After an overturn, flags that were upheld on the post count as rejected instead."""
    rows = flags_with_outcome(conn, [post_id], "upheld")
    set_flag_outcome(conn, [r.id for r in rows], "rejected")
    for r in rows:
        add_outcome(conn, r.site, r.reporter, upheld=-1, rejected=1, now=now)
    return len(rows)


def flags_for_post(conn: Connection, post_id: str) -> list[dict[str, Any]]:
    """Every flag on the post with its reporter's current reputation (for case detail)."""
    out = []
    for r in flags_of_post(conn, post_id):
        out.append({"id": r.id, "reason": r.reason, "text": r.text, "reporter": r.reporter,
                    "trust_when_flagged": r.trust, "weight": r.weight, "outcome": r.outcome,
                    "created_at": r.created_at.isoformat(),
                    "reporter_reputation": reputation_json(*counts(conn, r.site, r.reporter))})
    return out
