"""What some actions start after their decision commits: ``report-ncmec`` drafts the CyberTipline report.

Why after commit, in its own transaction: the decision (the post removed, the platform told) must stand even if
building the report fails; a failed draft is logged and the child-safety desk drafts it from the case
(``adwarden reports draft CASE``). Edges (API, CLI, console) call :func:`after_decision` with the decision.
"""

from __future__ import annotations

import logging

from adwarden.config import Settings
from adwarden.domain import Actor, AdWardenError
from adwarden.review.decisions import DecisionRecord
from adwarden.review.labels import DecisionAction
from adwarden.storage.sql.database import Database

log = logging.getLogger(__name__)


def after_decision(db: Database, settings: Settings, decision: DecisionRecord, *, actor: Actor) -> str | None:
    """Draft the CyberTipline report for a ``report-ncmec`` decision; returns the draft's id (None otherwise)."""
    if decision.action != DecisionAction.REPORT_NCMEC.value:
        return None
    from adwarden.reporting.service import do_draft_report

    try:
        return do_draft_report(db, decision.case_id, actor=actor, settings=settings,
                               escalation_reason=decision.note or None).id
    except AdWardenError as exc:
        log.warning("decision %s: the CyberTipline draft for case %s failed: %s", decision.id, decision.case_id, exc)
        return None
