"""The audit log browser (newest first, filtered by event, actor or subject) and chain verification."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from adwarden.audit.events import AUDIT_EVENTS
from adwarden.audit.verify import verify_chain
from adwarden.console.web import ViewerDep, render
from adwarden.storage.sql.audit_store import StoredEvent, chain_head, recent_events
from adwarden.storage.sql.queue_store import restricted_subjects

router = APIRouter()
PAGE = 100


@router.get("/audit", response_class=HTMLResponse, name="audit_log")
def audit_page(request: Request, viewer: ViewerDep, name: str = "", actor: str = "", subject: str = "",
               before: int | None = None) -> HTMLResponse:
    viewer.require("audit:verify", hide=True)
    with viewer.runtime.db.read() as conn:
        rows = recent_events(conn, limit=PAGE, name=name, actor=actor, subject_id=subject, before=before)
        head = chain_head(conn)
        hidden = (frozenset() if viewer.can("case:view-restricted")
                  else restricted_subjects(conn, viewer.restricted_queues))
    events = [_event(r, hidden) for r in rows]
    return render(request, "audit.html", viewer, events=events, head=head, names=sorted(AUDIT_EVENTS),
                  filters={"name": name, "actor": actor, "subject": subject}, page=PAGE, report=None)


def _event(r: StoredEvent, hidden: frozenset[str]) -> dict[str, Any]:
    """One row of the page; an event about a restricted case (its subject or its payload names one) keeps its
    place in the chain (sequence, name, hash) but not what it says, for a viewer without
    ``case:view-restricted``."""
    about = f"{r.subject_type} {r.subject_id}"
    # the payload is searched as one serialised string, so an id inside a longer text (a reason, a note) counts
    # too: hiding too much is the safe side
    text = json.dumps(r.payload, default=str) if hidden else ""
    if hidden and (r.subject_id in hidden or any(h in text for h in hidden)):
        return {"seq": r.seq, "name": r.name, "actor": r.actor, "subject": "restricted", "created_at": r.created_at,
                "payload": {"restricted": "an event about a restricted case"}, "hash": r.hash}
    return {"seq": r.seq, "name": r.name, "actor": r.actor, "subject": about, "created_at": r.created_at,
            "payload": r.payload, "hash": r.hash}


@router.post("/audit/verify", response_class=HTMLResponse, name="audit_verify")
def audit_verify(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """Recompute the whole chain (the same check as ``adwarden audit verify``) and show its state."""
    viewer.require("audit:verify", hide=True)
    with viewer.runtime.db.read() as conn:
        report = verify_chain(conn)
    return render(request, "_audit_verify.html", viewer, report=report)
