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

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC

from adwarden.ingest.identity import content_hash
from adwarden.storage.sql.audit_store import all_post_versions, case_states, decision_keys, events_named
from adwarden.storage.sql.database import Connection

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


def _check_versions(conn: Connection, out: CrossCheck) -> None:
    logged: dict[tuple[str, int], str | None] = {}
    for e in events_named(conn, POST_EVENTS):
        payload = e.payload
        logged[(e.subject_id, int(payload.get("version", 0)))] = payload.get("content_hash")
    for r in all_post_versions(conn):
        out.versions += 1
        where = f"post {r.post_id} version {r.version}"
        content = r.content
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
    for e in events_named(conn, CASE_EVENTS):
        payload = e.payload
        state = expected.setdefault(e.subject_id, {"status": "open", "queue": ""})
        if e.name in ("case-opened", "case-updated"):
            state.update(status="open", queue=str(payload.get("queue", state["queue"])))
        elif e.name == "case-closed":
            state["status"] = "closed"
        elif e.name == "decision-recorded":
            logged_decisions[(e.subject_id, str(payload.get("outcome")), e.actor)] += 1
            if payload.get("outcome") == ESCALATE:
                state["queue"] = "child-safety"
    for case_id, status, queue in case_states(conn):
        out.cases += 1
        replayed = expected.get(case_id)
        if replayed is None:
            out.problems.append(f"case {case_id}: no audit event records it")
            continue
        if status != replayed["status"]:
            out.problems.append(f"case {case_id}: status is {status!r} but its audit events say {replayed['status']!r}")
        if queue != replayed["queue"]:
            out.problems.append(f"case {case_id}: queue is {queue!r} but its audit events say {replayed['queue']!r}")
    stored: Counter[tuple[str, str, str]] = Counter()
    for key in decision_keys(conn):
        out.decisions += 1
        stored[key] += 1
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
