"""Cross-check the data tables against the audit log: a direct edit of a post, a case or a decision shows.

The chain protects the events; this protects what the events describe. Someone with database access who
edits a post body, moves a case out of the restricted queue or rewrites a decision leaves the audit log
intact, so the tables are compared with it:

* every stored post version's content is hashed again and compared with its ``content_hash`` column, and
  with the ``content_hash`` its ``post-accepted`` / ``post-version-added`` event carries (so recomputing the
  column after an edit does not hide it);
* every case's queue and status are replayed from its ``case-opened``, ``case-updated``, ``decision-recorded``
  and ``case-closed`` events and compared with the stored row;
* every decision row must match a ``decision-recorded`` event (case, outcome, actor), and the reverse.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC
from typing import Any

from sqlalchemy import Connection, select

from adwarden.ingest.identity import content_hash
from adwarden.storage.sql.convert import version_from_row
from adwarden.storage.sql.tables import audit_events, cases, decisions, post_versions, posts

POST_EVENTS = ("post-accepted", "post-version-added")
CASE_EVENTS = ("case-opened", "case-updated", "case-closed", "decision-recorded")
#: Decisions that move a case to the restricted queue instead of closing it.
ESCALATE = "escalate"


@dataclass
class CrossCheck:
    """What was compared and every mismatch, one line each naming the record."""

    versions: int = 0
    cases: int = 0
    decisions: int = 0
    problems: list[str] = field(default_factory=list)


def _events(conn: Connection, names: tuple[str, ...]) -> list[Any]:
    return list(conn.execute(select(audit_events.c.name, audit_events.c.actor, audit_events.c.subject_id,
                                    audit_events.c.payload).where(audit_events.c.name.in_(names))
                             .order_by(audit_events.c.seq)).all())


def _check_versions(conn: Connection, out: CrossCheck) -> None:
    logged: dict[tuple[str, int], str | None] = {}
    for e in _events(conn, POST_EVENTS):
        payload = json.loads(e.payload)
        logged[(e.subject_id, int(payload.get("version", 0)))] = payload.get("content_hash")
    rows = conn.execute(select(post_versions, posts.c.site, posts.c.external_id)
                        .join(posts, posts.c.id == post_versions.c.post_id)
                        .order_by(post_versions.c.post_id, post_versions.c.version))
    for r in rows:
        out.versions += 1
        where = f"post {r.post_id} version {r.version}"
        version = version_from_row(r, site=r.site, external_id=r.external_id)
        content = version.content
        if content.posted_at is not None and content.posted_at.tzinfo is None:
            content = replace(content, posted_at=content.posted_at.replace(tzinfo=UTC))
        if content_hash(content) != r.content_hash:
            out.problems.append(f"{where}: stored content does not match its content hash (edited in the database)")
        key = (r.post_id, r.version)
        if key not in logged:
            out.problems.append(f"{where}: no audit event records it")
        elif logged[key] is not None and logged[key] != r.content_hash:
            out.problems.append(f"{where}: content hash differs from the one its audit event recorded")


def _check_cases(conn: Connection, out: CrossCheck) -> None:
    expected: dict[str, dict[str, str]] = {}
    logged_decisions: Counter[tuple[str, str, str]] = Counter()
    for e in _events(conn, CASE_EVENTS):
        payload = json.loads(e.payload)
        state = expected.setdefault(e.subject_id, {"status": "open", "queue": ""})
        if e.name in ("case-opened", "case-updated"):
            state.update(status="open", queue=str(payload.get("queue", state["queue"])))
        elif e.name == "case-closed":
            state["status"] = "closed"
        elif e.name == "decision-recorded":
            logged_decisions[(e.subject_id, str(payload.get("outcome")), e.actor)] += 1
            if payload.get("outcome") == ESCALATE:
                state["queue"] = "child-safety"
    for r in conn.execute(select(cases.c.id, cases.c.status, cases.c.queue)):
        out.cases += 1
        replayed = expected.get(r.id)
        if replayed is None:
            out.problems.append(f"case {r.id}: no audit event records it")
            continue
        if r.status != replayed["status"]:
            out.problems.append(f"case {r.id}: status is {r.status!r} but its audit events say {replayed['status']!r}")
        if r.queue != replayed["queue"]:
            out.problems.append(f"case {r.id}: queue is {r.queue!r} but its audit events say {replayed['queue']!r}")
    stored: Counter[tuple[str, str, str]] = Counter()
    for r in conn.execute(select(decisions.c.case_id, decisions.c.outcome, decisions.c.actor)):
        out.decisions += 1
        stored[(r.case_id, r.outcome, r.actor)] += 1
    for key in sorted((stored - logged_decisions).keys()):
        out.problems.append(f"decision on case {key[0]} ({key[1]} by {key[2]}): no audit event records it")
    for key in sorted((logged_decisions - stored).keys()):
        out.problems.append(f"decision on case {key[0]} ({key[1]} by {key[2]}): recorded in the audit log but "
                            "missing from the decisions table")


def cross_check(conn: Connection) -> CrossCheck:
    """Compare posts' versions, cases and decisions with the audit events about them."""
    out = CrossCheck()
    _check_versions(conn, out)
    _check_cases(conn, out)
    return out
