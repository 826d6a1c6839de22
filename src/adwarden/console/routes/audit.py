"""The audit log browser (newest first, filtered by event, actor or subject) and chain verification."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from adwarden.audit.events import AUDIT_EVENTS
from adwarden.audit.verify import verify_chain
from adwarden.console.web import ViewerDep, render
from adwarden.storage.sql.audit_store import chain_head, recent_events

router = APIRouter()
PAGE = 100


@router.get("/audit", response_class=HTMLResponse, name="audit_log")
def audit_page(request: Request, viewer: ViewerDep, name: str = "", actor: str = "", subject: str = "",
               before: int | None = None) -> HTMLResponse:
    viewer.require("audit:verify", hide=True)
    with viewer.runtime.db.read() as conn:
        rows = recent_events(conn, limit=PAGE, name=name, actor=actor, subject_id=subject, before=before)
        head = chain_head(conn)
    events = [{"seq": r.seq, "name": r.name, "actor": r.actor, "subject": f"{r.subject_type} {r.subject_id}",
               "created_at": r.created_at, "payload": r.payload, "hash": r.hash} for r in rows]
    return render(request, "audit.html", viewer, events=events, head=head, names=sorted(AUDIT_EVENTS),
                  filters={"name": name, "actor": actor, "subject": subject}, page=PAGE, report=None)


@router.post("/audit/verify", response_class=HTMLResponse, name="audit_verify")
def audit_verify(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """Recompute the whole chain (the same check as ``adwarden audit verify``) and show its state."""
    viewer.require("audit:verify", hide=True)
    with viewer.runtime.db.read() as conn:
        report = verify_chain(conn)
    return render(request, "_audit_verify.html", viewer, report=report)
