"""The audit log browser (newest first, filtered by event, actor or subject) and chain verification."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from adwarden.audit.events import AUDIT_EVENTS
from adwarden.audit.verify import verify_chain
from adwarden.console.web import ViewerDep, render
from adwarden.storage.sql.tables import audit_events, audit_head

router = APIRouter()
PAGE = 100


@router.get("/audit", response_class=HTMLResponse, name="audit_log")
def audit_page(request: Request, viewer: ViewerDep, name: str = "", actor: str = "", subject: str = "",
               before: int | None = None) -> HTMLResponse:
    viewer.require("audit:verify", hide=True)
    q = select(audit_events).order_by(audit_events.c.seq.desc()).limit(PAGE)
    if name:
        q = q.where(audit_events.c.name == name)
    if actor:
        q = q.where(audit_events.c.actor == actor)
    if subject:
        q = q.where(audit_events.c.subject_id == subject)
    if before is not None:
        q = q.where(audit_events.c.seq < before)
    with viewer.runtime.db.read() as conn:
        rows = conn.execute(q).all()
        head = conn.execute(select(audit_head)).first()
    events = [{"seq": r.seq, "name": r.name, "actor": r.actor, "subject": f"{r.subject_type} {r.subject_id}",
               "created_at": r.created_at, "payload": json.loads(r.payload), "hash": r.hash} for r in rows]
    return render(request, "audit.html", viewer, events=events, head=head, names=sorted(AUDIT_EVENTS),
                  filters={"name": name, "actor": actor, "subject": subject}, page=PAGE, report=None)


@router.post("/audit/verify", response_class=HTMLResponse, name="audit_verify")
def audit_verify(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """Recompute the whole chain (the same check as ``adwarden audit verify``) and show its state."""
    viewer.require("audit:verify", hide=True)
    with viewer.runtime.db.read() as conn:
        report = verify_chain(conn)
    return render(request, "_audit_verify.html", viewer, report=report)
