"""``/v1/reports``: CyberTipline drafts, validation, submission to NCMEC, and IC3 packages.

The same operations as ``adwarden reports``; the same permissions (``report:draft``, ``report:submit``) and
service functions. NCMEC errors answer 502 with NCMEC's ``code`` in the problem document.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from adwarden.api.deps import ActorDep, RuntimeDep
from adwarden.api.params import Limit, ShortText, UnicodeText
from adwarden.domain import InputError
from adwarden.permissions import ensure_permission
from adwarden.reporting.ncmec.lint import lint_report_xml
from adwarden.reporting.ncmec.model import IncidentType
from adwarden.reporting.ncmec.validate import validate_xml
from adwarden.reporting.service import (
    active_xsd,
    client_from_settings,
    do_approve_report,
    do_build_ic3_package,
    do_draft_report,
    do_retract_report,
    do_submit_report,
    get_report,
    list_exchanges,
    list_reports,
)

router = APIRouter(prefix="/v1/reports", tags=["reports"])

MAX_XML_BYTES = 2 * 1024 * 1024


class DraftIn(BaseModel):
    case_id: ShortText = Field(description="The case to report.")
    incident_type: IncidentType = Field(IncidentType.CHILD_SEX_TRAFFICKING, description="CyberTipline incident type.")
    escalation_reason: UnicodeText | None = Field(
        None, description="Escalate to high priority with this reason (a child may be in imminent danger). "
        "Control characters are kept and written visibly as [U+XXXX] in the XML."
    )


class SchemaProblemOut(BaseModel):
    path: str
    line: int | None
    message: str


class ValidationOut(BaseModel):
    valid: bool
    problems: list[SchemaProblemOut]


class LintWarningOut(BaseModel):
    code: str
    message: str


async def _xml_body(request: Request) -> bytes:
    body = await request.body()
    if not body.strip():
        raise InputError("the request body must be the XML document", record="request", field="body")
    if len(body) > MAX_XML_BYTES:
        raise InputError(f"XML over {MAX_XML_BYTES} bytes", record="request", field="body")
    return body


@router.post("/drafts", status_code=201, summary="Draft a CyberTipline report for a case")
def create_draft(body: DraftIn, runtime: RuntimeDep, actor: ActorDep) -> dict[str, Any]:
    report = do_draft_report(runtime.db, body.case_id, actor=actor, settings=runtime.settings,
                             incident_type=body.incident_type, escalation_reason=body.escalation_reason)
    return report.to_json(with_xml=True)


@router.get("", summary="Stored CyberTipline reports, newest first")
def read_reports(runtime: RuntimeDep, actor: ActorDep, case_id: Annotated[str | None, Query(max_length=200)] = None,
                 limit: Limit = 100) -> list[dict[str, Any]]:
    ensure_permission(actor, "report:draft")
    with runtime.db.read() as conn:
        return [r.to_json() for r in list_reports(conn, case_id=case_id, limit=limit)]


@router.get("/status", summary="Can AdWarden reach NCMEC with its credentials?")
def ncmec_status(runtime: RuntimeDep, actor: ActorDep) -> dict[str, Any]:
    ensure_permission(actor, "report:submit")
    settings = runtime.settings
    with client_from_settings(settings, timeout=min(settings.ncmec_timeout, 10.0), attempts=1) as client:
        answer = client.status()
        return {"environment": settings.ncmec_environment, "url": client.base_url, "ok": answer.ok,
                "description": answer.description}


@router.post("/validate", response_model=ValidationOut, summary="Validate <report> or <fileDetails> XML")
async def validate(request: Request, runtime: RuntimeDep, actor: ActorDep) -> ValidationOut:
    ensure_permission(actor, "report:draft")
    problems = validate_xml(await _xml_body(request), xsd=active_xsd(runtime.settings))
    return ValidationOut(valid=not problems,
                         problems=[SchemaProblemOut(path=p.path, line=p.line, message=p.message) for p in problems])


@router.post("/lint", response_model=list[LintWarningOut], summary="Quality warnings for <report> XML")
async def lint(request: Request, runtime: RuntimeDep, actor: ActorDep) -> list[LintWarningOut]:
    ensure_permission(actor, "report:draft")
    body = await _xml_body(request)
    with runtime.db.read() as conn:
        prior = {r.fingerprint for r in list_reports(conn, statuses=["finished"], limit=100_000)}
    return [LintWarningOut(code=w.code, message=w.message) for w in lint_report_xml(body, prior_fingerprints=prior)]


@router.get("/{report_id}", summary="A stored report with every exchange with NCMEC")
def read_report(report_id: str, runtime: RuntimeDep, actor: ActorDep) -> dict[str, Any]:
    ensure_permission(actor, "report:draft")
    with runtime.db.read() as conn:
        out = get_report(conn, report_id).to_json(with_xml=True)
        out["exchanges"] = list_exchanges(conn, report_id)
    return out


@router.get("/{report_id}/xml", summary="The report XML exactly as stored (and sent)")
def read_report_xml(report_id: str, runtime: RuntimeDep, actor: ActorDep) -> Response:
    ensure_permission(actor, "report:draft")
    with runtime.db.read() as conn:
        report = get_report(conn, report_id)
    return Response(report.report_xml, media_type="application/xml")


@router.post("/{report_id}/approve", summary="Second-reviewer approval of a draft")
def approve(report_id: str, runtime: RuntimeDep, actor: ActorDep) -> dict[str, Any]:
    return do_approve_report(runtime.db, report_id, actor=actor).to_json()


@router.post("/{report_id}/submit", summary="Submit a draft to NCMEC and file it")
def submit(report_id: str, runtime: RuntimeDep, actor: ActorDep) -> dict[str, Any]:
    ensure_permission(actor, "report:submit")  # before building a client from secrets
    with client_from_settings(runtime.settings) as client:
        report = do_submit_report(runtime.db, client, report_id, actor=actor, settings=runtime.settings)
    return report.to_json()


@router.post("/{report_id}/retract", summary="Retract a report opened at NCMEC but not finished")
def retract(report_id: str, runtime: RuntimeDep, actor: ActorDep) -> dict[str, Any]:
    ensure_permission(actor, "report:submit")
    with client_from_settings(runtime.settings) as client:
        report = do_retract_report(runtime.db, client, report_id, actor=actor)
    return report.to_json()


@router.get("/cases/{case_id}/ic3", summary="IC3 complaint package (ZIP) for a case")
def ic3_package(case_id: str, runtime: RuntimeDep, actor: ActorDep) -> Response:
    data = do_build_ic3_package(runtime.db, case_id, actor=actor, settings=runtime.settings)
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="ic3-{case_id}.zip"'})
