"""The law-enforcement desk: requests with deadlines and status, holds with expiry, the emergency checklist,
workflow transitions and producing the signed package. All through :mod:`adwarden.legal.service`.

Invisible without ``legal:manage``: no link, and 404 on a direct URL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from adwarden.console.web import ViewerDep, render, see_other
from adwarden.legal.holds import list_holds
from adwarden.legal.model import TRANSITIONS, RequestStatus, VerificationCheck
from adwarden.legal.service import (
    do_produce,
    do_transition,
    do_verify_emergency,
    get_request,
    list_requests,
    official_suffixes,
    request_details,
    signing_key,
)
from adwarden.storage.ids import new_id

router = APIRouter()


@router.get("/legal", response_class=HTMLResponse, name="legal_desk")
def desk(request: Request, viewer: ViewerDep) -> HTMLResponse:
    viewer.require("legal:manage", hide=True)
    now = datetime.now(UTC)
    with viewer.runtime.db.read() as conn:
        requests = list_requests(conn, limit=500)
        holds = list_holds(conn, active_only=True)
    return render(request, "legal.html", viewer, requests=requests, holds=holds, now=now)


@router.get("/legal/{request_id}", response_class=HTMLResponse, name="legal_request")
def request_page(request: Request, viewer: ViewerDep, request_id: str, done: str | None = None) -> HTMLResponse:
    viewer.require("legal:manage", hide=True)
    with viewer.runtime.db.read() as conn:
        req = get_request(conn, request_id)
        details = request_details(conn, request_id)
    return render(request, "legal_request.html", viewer, req=req, details=details,
                  transitions=sorted(t.value for t in TRANSITIONS.get(req.status, frozenset())),
                  checks=[c.value for c in VerificationCheck], producing=req.status is RequestStatus.PRODUCING,
                  done=done, now=datetime.now(UTC))


@router.post("/legal/{request_id}/transition", name="legal_transition")
def transition(request: Request, viewer: ViewerDep, request_id: str, status: Annotated[str, Form()],
               note: Annotated[str, Form(max_length=5000)] = "") -> Response:
    viewer.require("legal:manage", hide=True)
    with viewer.runtime.db.transaction() as conn:
        do_transition(conn, request_id=request_id, to=status, actor=viewer.actor, note=note or None)
    return see_other(str(request.url_for("legal_request", request_id=request_id)))


@router.post("/legal/{request_id}/verify", name="legal_verify")
def verify(request: Request, viewer: ViewerDep, request_id: str, check: Annotated[str, Form()],
           detail: Annotated[str, Form(max_length=5000)], passed: Annotated[str, Form()] = "1",
           callback_number: Annotated[str, Form(max_length=64)] = "") -> Response:
    viewer.require("legal:manage", hide=True)
    settings = viewer.runtime.settings
    with viewer.runtime.db.transaction() as conn:
        do_verify_emergency(conn, request_id=request_id, check=check, detail=detail, actor=viewer.actor,
                            passed=passed == "1", callback_number=callback_number or None,
                            official_suffixes=official_suffixes(settings), default_region=settings.default_region)
    return see_other(str(request.url_for("legal_request", request_id=request_id)))


@router.post("/legal/{request_id}/produce", name="legal_produce")
def produce(request: Request, viewer: ViewerDep, request_id: str,
            recipient: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Build and sign the package (the same directory as the API's productions) and log the production."""
    viewer.require("legal:manage", hide=True)
    viewer.require("legal:produce")
    settings = viewer.runtime.settings
    directory = Path(settings.data_dir) / "packages"
    directory.mkdir(parents=True, exist_ok=True)
    with viewer.runtime.db.transaction() as conn:
        prod = do_produce(conn, request_id=request_id, out_path=directory / f"{new_id('pkg')}.zip",
                          recipient=recipient or None, signing_key=signing_key(settings), actor=viewer.actor)
    return see_other(str(request.url_for("legal_request", request_id=request_id)
                         .include_query_params(done=f"Produced {prod.id}: manifest {prod.info.manifest_sha256}")))
