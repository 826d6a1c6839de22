"""Counting a transparency report's period from storage (the report itself is built in
:mod:`adwarden.legal.transparency`, which stays pure).

What counts: requests *received* in the period, by type, with how many accounts they named and whether any
data was produced; CyberTipline filings in NCMEC's production environment only (test filings are not
reports); and posts actioned in the period, by their latest category, where an action is a review decision whose
action enforces something (:data:`~adwarden.domain.decision_actions.ENFORCEMENT_ACTIONS`: an "allow" under a
non-violating label, or an escalation, is not one), a decision of the older per-case log other than
:data:`NON_ACTION_OUTCOMES`, or an automatic block.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from adwarden.domain import Actor, InputError
from adwarden.domain.decision_actions import ENFORCEMENT_ACTIONS
from adwarden.legal.model import RequestType
from adwarden.legal.transparency import RequestRow, TransparencyReport, build_report
from adwarden.permissions import ensure_permission, has_permission
from adwarden.storage.sql import transparency_store as store
from adwarden.storage.sql.database import Connection

#: Audit event names that mean a CyberTipline report was filed (declared by :mod:`adwarden.reporting.service`);
#: only filings in NCMEC's production environment are counted by the transparency report.
CYBERTIP_FILED_EVENTS = ("report-filed",)
#: Outcomes of the older per-case decision log that are not an enforcement action (the rest count as "actioned").
NON_ACTION_OUTCOMES = frozenset({"allow", "allowed", "approve", "approved", "dismiss", "dismissed", "no-action",
                                 "no_action", "escalate", "escalated", "keep"})


def ensure_transparency_permission(actor: Actor) -> None:
    """The liaison desk and compliance (who verifies the audit log) may compute the published numbers."""
    if not (has_permission(actor, "legal:manage") or has_permission(actor, "audit:verify")):
        ensure_permission(actor, "legal:manage")


def _filed_in_production(payload: str) -> bool:
    try:
        environment = json.loads(payload).get("environment", "production")
    except (ValueError, AttributeError):
        environment = "production"
    return bool(environment == "production")


def transparency_report(conn: Connection, start: date, end: date) -> TransparencyReport:
    """Count the period ``start..end`` (inclusive days, UTC) from storage."""
    if start > end:
        raise InputError(f"period starts {start} after it ends {end}", record="transparency", field="from")
    lo = datetime(start.year, start.month, start.day, tzinfo=UTC)
    hi = datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1)
    produced = store.produced_request_ids(conn)
    counts = store.target_counts(conn)
    rows = [RequestRow(RequestType(rtype), counts.get(rid, 0), rid in produced)
            for rid, rtype in store.requests_received(conn, lo, hi)]
    payloads = store.audit_payloads(conn, CYBERTIP_FILED_EVENTS, lo.isoformat(), hi.isoformat())
    cybertips = sum(_filed_in_production(p) for p in payloads)
    actioned_posts = store.posts_reviewed_with(conn, lo, hi, actions=(a.value for a in ENFORCEMENT_ACTIONS))
    actioned_posts |= store.posts_decided(conn, lo, hi, outcomes_except=NON_ACTION_OUTCOMES)
    actioned_posts |= store.posts_assessed(conn, lo, hi, action="block")
    by_category: dict[str, int] = {}
    for pid in sorted(actioned_posts):
        key = store.latest_category(conn, pid) or "uncategorized"
        by_category[key] = by_category.get(key, 0) + 1
    return build_report(start, end, rows, cybertip_reports=cybertips, actioned=by_category)
