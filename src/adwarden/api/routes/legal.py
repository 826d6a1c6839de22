"""``/v1/legal``: the law-enforcement desk over HTTP. Only the ``le-liaison`` and ``admin`` roles may call it;
each route also checks its declared permission, and every write is audited by the service layer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from adwarden.api.deps import ActorDep, RuntimeDep
from adwarden.api.params import Date, DateTime, LongText, ShortText
from adwarden.domain import Actor, PermissionDenied
from adwarden.legal.deadlines import overdue
from adwarden.legal.holds import get_hold, list_holds, place_hold, release_hold
from adwarden.legal.model import FINAL_STATUSES, NonDisclosure, RequestStatus, RequestType
from adwarden.legal.service import (
    checkpoint_after_production,
    deadline_policy,
    do_intake_request,
    do_produce,
    do_transition,
    do_verify_emergency,
    ensure_transparency_permission,
    list_requests,
    official_suffixes,
    production_json,
    production_package,
    production_record,
    request_details,
    signing_key,
    transparency_report,
)
from adwarden.permissions import ensure_permission
from adwarden.storage.ids import new_id

#: Roles admitted to the desk at all (permissions are checked per route on top).
DESK_ROLES = frozenset({"le-liaison", "admin"})


def require_desk_role(actor: ActorDep) -> Actor:
    if not (actor.roles & DESK_ROLES):
        roles = ", ".join(sorted(actor.roles)) or "no roles"
        raise PermissionDenied(f"{actor.name} ({roles}) is not law-enforcement liaison or admin")
    return actor


DeskActor = Annotated[Actor, Depends(require_desk_role)]
router = APIRouter(prefix="/v1/legal", tags=["legal"], dependencies=[Depends(require_desk_role)])


class IntakeIn(BaseModel):
    type: ShortText = Field(..., description="subpoena, 2703d-order, search-warrant, preservation, emergency, foreign, other")
    agency: ShortText
    authority: ShortText = Field(..., description="The legal authority, e.g. 'Grand jury subpoena GJ-42'.")
    targets: list[ShortText] = Field(..., max_length=1000,
                                     description="KIND:VALUE: post:, account:, phone:, email:, handle:, dates:A..B")
    officer: ShortText | None = None
    contact_email: ShortText | None = None
    contact_phone: ShortText | None = None
    case_number: ShortText | None = None
    nondisclosure_until: Date | None = None
    nondisclosure_indefinite: bool = False
    notes: LongText | None = None
    received_at: DateTime | None = None


class TransitionIn(BaseModel):
    status: ShortText
    note: LongText | None = None


class VerificationIn(BaseModel):
    check: ShortText = Field(..., description="official_domain, callback or supervisor_approval")
    detail: LongText
    passed: bool = True
    callback_number: ShortText | None = None


class ProduceIn(BaseModel):
    recipient: ShortText | None = None


class HoldIn(BaseModel):
    targets: list[ShortText] = Field(..., max_length=1000)
    reason: LongText
    expires_at: DateTime | None = None
    source: ShortText = "manual"


class ReleaseIn(BaseModel):
    reason: LongText


@router.post("/requests", status_code=201, summary="Record a legal request")
def post_request(body: IntakeIn, runtime: RuntimeDep, actor: DeskActor) -> dict[str, Any]:
    nd = None
    if body.nondisclosure_indefinite or body.nondisclosure_until:
        nd = NonDisclosure(None if body.nondisclosure_indefinite else body.nondisclosure_until)
    received = body.received_at
    if received is not None and received.tzinfo is None:
        received = received.replace(tzinfo=UTC)
    with runtime.db.transaction() as conn:
        req = do_intake_request(
            conn, request_type=body.type, agency=body.agency, authority=body.authority, targets=body.targets,
            actor=actor, policy=deadline_policy(runtime.settings), officer=body.officer,
            contact_email=body.contact_email, contact_phone=body.contact_phone, case_number=body.case_number,
            nondisclosure=nd, notes=body.notes, received_at=received, default_region=runtime.settings.default_region)
    return req.to_json()


@router.get("/requests", summary="List requests, soonest due first")
def get_requests(runtime: RuntimeDep, actor: DeskActor, status: Annotated[str | None, Query(max_length=50)] = None,
                 open: bool = False, type: Annotated[str | None, Query(max_length=50)] = None) -> list[dict[str, Any]]:
    ensure_permission(actor, "legal:manage")
    statuses: set[RequestStatus] | None = {RequestStatus.parse(status)} if status else None
    if open:
        statuses = (statuses or set(RequestStatus)) - FINAL_STATUSES
    with runtime.db.read() as conn:
        reqs = list_requests(conn, statuses=statuses, request_type=RequestType.parse(type) if type else None)
    return [r.to_json() for r in reqs]


@router.get("/requests/{request_id}", summary="One request with targets, checklist, documents, productions")
def get_request_route(request_id: str, runtime: RuntimeDep, actor: DeskActor) -> dict[str, Any]:
    ensure_permission(actor, "legal:manage")
    with runtime.db.read() as conn:
        return request_details(conn, request_id)


@router.post("/requests/{request_id}/transition", summary="Move a request through the workflow")
def post_transition(request_id: str, body: TransitionIn, runtime: RuntimeDep, actor: DeskActor) -> dict[str, Any]:
    with runtime.db.transaction() as conn:
        req = do_transition(conn, request_id=request_id, to=body.status, actor=actor, note=body.note)
    return req.to_json()


@router.post("/requests/{request_id}/verifications", summary="Record one emergency-request check")
def post_verification(request_id: str, body: VerificationIn, runtime: RuntimeDep, actor: DeskActor) -> dict[str, Any]:
    with runtime.db.transaction() as conn:
        ev = do_verify_emergency(conn, request_id=request_id, check=body.check, detail=body.detail, actor=actor,
                                 passed=body.passed, callback_number=body.callback_number,
                                 official_suffixes=official_suffixes(runtime.settings),
                                 default_region=runtime.settings.default_region)
    return {"complete": ev.complete, "problems": ev.problems()}


@router.post("/requests/{request_id}/productions", status_code=201, summary="Produce the signed evidence package")
def post_production(request_id: str, body: ProduceIn, runtime: RuntimeDep, actor: DeskActor) -> dict[str, Any]:
    key = signing_key(runtime.settings)
    directory = Path(runtime.settings.data_dir) / "packages"
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / f"{new_id('pkg')}.zip"
    with runtime.db.transaction() as conn:
        prod = do_produce(conn, request_id=request_id, out_path=out, recipient=body.recipient, signing_key=key,
                          actor=actor)
    checkpoint_after_production(runtime.db, runtime.settings, prod)
    return {"production_id": prod.id, "request_id": prod.request_id, "recipient": prod.recipient,
            "package_sha256": prod.package_sha256, "manifest_sha256": prod.info.manifest_sha256,
            "key_fingerprint": prod.info.key_fingerprint,
            "download": f"/v1/legal/productions/{prod.id}/package"}


@router.get("/productions/{production_id}", summary="The production log entry")
def get_production(production_id: str, runtime: RuntimeDep, actor: DeskActor) -> dict[str, Any]:
    ensure_permission(actor, "legal:produce")
    with runtime.db.read() as conn:
        return production_json(production_record(conn, production_id))


@router.get("/productions/{production_id}/package", summary="Download the package", response_class=FileResponse)
def get_package(production_id: str, runtime: RuntimeDep, actor: DeskActor) -> FileResponse:
    ensure_permission(actor, "legal:produce")
    with runtime.db.read() as conn:
        path = production_package(conn, production_id)
    return FileResponse(path, media_type="application/zip", filename=f"{production_id}.zip")


@router.get("/overdue", summary="Open requests past their due date")
def get_overdue(runtime: RuntimeDep, actor: DeskActor) -> list[dict[str, Any]]:
    ensure_permission(actor, "legal:manage")
    with runtime.db.read() as conn:
        reqs = list_requests(conn, statuses=set(RequestStatus) - FINAL_STATUSES)
    return [{**o.request.to_json(), "late_by_hours": round(o.late_by.total_seconds() / 3600, 1)}
            for o in overdue(reqs, now=datetime.now(UTC))]


@router.post("/holds", status_code=201, summary="Place a preservation hold")
def post_hold(body: HoldIn, runtime: RuntimeDep, actor: DeskActor) -> dict[str, Any]:
    expires = body.expires_at
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    with runtime.db.transaction() as conn:
        hold_id = place_hold(conn, targets=body.targets, reason=body.reason, expires_at=expires, source=body.source,
                             actor=actor)
        return get_hold(conn, hold_id).to_json()


@router.get("/holds", summary="List holds")
def get_holds(runtime: RuntimeDep, actor: DeskActor, all: bool = False) -> list[dict[str, Any]]:
    ensure_permission(actor, "hold:manage")
    with runtime.db.read() as conn:
        return [h.to_json() for h in list_holds(conn, active_only=not all)]


@router.post("/holds/{hold_id}/release", summary="Release a hold before it expires")
def post_release(hold_id: str, body: ReleaseIn, runtime: RuntimeDep, actor: DeskActor) -> dict[str, Any]:
    with runtime.db.transaction() as conn:
        return release_hold(conn, hold_id=hold_id, reason=body.reason, actor=actor).to_json()


@router.get("/transparency", summary="Transparency report numbers for a period")
def get_transparency(runtime: RuntimeDep, actor: DeskActor, start: Annotated[Date, Query(alias="from")],
                     end: Annotated[Date, Query(alias="to")]) -> dict[str, Any]:
    ensure_transparency_permission(actor)
    with runtime.db.read() as conn:
        return transparency_report(conn, start, end).to_json()
