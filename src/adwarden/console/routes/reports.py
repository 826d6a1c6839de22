"""CyberTip drafting: the form, live findings (htmx), saving a draft and submitting it, status and retry.

Writes go through the reporting service (``do_draft_report``, ``do_submit_report``); the console only shows
what they say. A restricted case's CyberTip page is 404 for viewers who may not see the case.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from adwarden.console.cybertip import edited_report, findings
from adwarden.console.web import Viewer, ViewerDep, render
from adwarden.domain import AdWardenError, NotFound
from adwarden.reporting.ncmec.lint import missing_requirements
from adwarden.reporting.ncmec.model import IncidentType
from adwarden.reporting.service import (
    active_xsd,
    client_from_settings,
    do_draft_report,
    do_submit_report,
    get_report,
    list_reports,
)
from adwarden.storage.sql.queries import get_case

router = APIRouter()


def _check(viewer: Viewer, case_id: str) -> None:
    viewer.require("report:draft")
    with viewer.runtime.db.read() as conn:
        case = get_case(conn, case_id)
    if not viewer.may_see_queue(case.queue):
        raise NotFound(f"case {case_id} not found")


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


@router.get("/reports", response_class=HTMLResponse, name="reports")
def reports_page(request: Request, viewer: ViewerDep) -> HTMLResponse:
    viewer.require("report:draft")
    with viewer.runtime.db.read() as conn:
        rows = list_reports(conn, limit=200)
        visible = []
        for r in rows:
            if viewer.may_see_queue(get_case(conn, r.case_id).queue):
                visible.append(r)
    return render(request, "reports.html", viewer, reports=visible)


def _page(request: Request, viewer: Viewer, case_id: str, form: dict[str, str], *, status: int = 200,
          error: str | None = None, done: str | None = None) -> HTMLResponse:
    settings = viewer.runtime.settings
    with viewer.runtime.db.read() as conn:
        report = edited_report(conn, case_id, form, settings=settings)
        found = findings(conn, report, settings=settings)
        existing = list_reports(conn, case_id=case_id)
    return render(request, "cybertip.html", viewer, status_code=status, case_id=case_id, report=report,
                  findings=found, existing=existing, incident_types=[t.value for t in IncidentType], form=form,
                  error=error, done=done)


@router.get("/cases/{case_id}/cybertip", response_class=HTMLResponse, name="cybertip")
def cybertip_page(request: Request, viewer: ViewerDep, case_id: str) -> HTMLResponse:
    _check(viewer, case_id)
    return _page(request, viewer, case_id, {})


@router.post("/cases/{case_id}/cybertip/check", response_class=HTMLResponse, name="cybertip_check")
async def cybertip_check(request: Request, viewer: ViewerDep, case_id: str) -> HTMLResponse:
    """The live findings fragment (htmx, on every edit): what is missing blocks the submit button."""
    _check(viewer, case_id)
    form = await _form(request)
    settings = viewer.runtime.settings
    try:
        with viewer.runtime.db.read() as conn:
            found = findings(conn, edited_report(conn, case_id, form, settings=settings), settings=settings)
    except AdWardenError as exc:
        return render(request, "_cybertip_findings.html", viewer, findings=None, error=str(exc), case_id=case_id)
    return render(request, "_cybertip_findings.html", viewer, findings=found, error=None, case_id=case_id)


@router.post("/cases/{case_id}/cybertip", response_class=HTMLResponse, name="cybertip_save")
async def cybertip_save(request: Request, viewer: ViewerDep, case_id: str) -> Response:
    """Save the draft; with ``action=submit`` also submit it to NCMEC (refused while anything is missing)."""
    _check(viewer, case_id)
    form = await _form(request)
    runtime = viewer.runtime
    with runtime.db.read() as conn:
        report_case = edited_report(conn, case_id, form, settings=runtime.settings)
    draft = do_draft_report(runtime.db, case_id, actor=viewer.actor, settings=runtime.settings, case=report_case)
    if form.get("action") != "submit":
        return _page(request, viewer, case_id, form, done=f"Draft {draft.id} saved.")
    return _submit(request, viewer, case_id, draft.id, form)


def _submit(request: Request, viewer: Viewer, case_id: str, report_id: str, form: dict[str, str]) -> Response:
    viewer.require("report:submit")
    runtime = viewer.runtime
    with runtime.db.read() as conn:
        missing = missing_requirements(get_report(conn, report_id).case, xsd=active_xsd(runtime.settings))
    if missing:  # the service refuses these too; say so before asking for NCMEC credentials
        return _page(request, viewer, case_id, form, status=422,
                     error=f"Not submitted: missing {'; '.join(missing)}. The draft {report_id} is kept.")
    try:
        with client_from_settings(runtime.settings) as client:
            done = do_submit_report(runtime.db, client, report_id, actor=viewer.actor, settings=runtime.settings)
    except AdWardenError as exc:
        return _page(request, viewer, case_id, form, status=exc.http_status,
                     error=f"Not submitted: {exc}. The draft {report_id} is kept; fix it and submit again.")
    return _page(request, viewer, case_id, form, done=f"Filed: NCMEC report {done.ncmec_report_id}.")


@router.post("/cases/{case_id}/cybertip/{report_id}/retry", response_class=HTMLResponse, name="cybertip_retry")
def cybertip_retry(request: Request, viewer: ViewerDep, case_id: str, report_id: str) -> Response:
    """Resume a failed or interrupted submission of a stored draft."""
    _check(viewer, case_id)
    with viewer.runtime.db.read() as conn:
        if report_id not in {r.id for r in list_reports(conn, case_id=case_id)}:
            raise NotFound(f"report {report_id} not found for case {case_id}")
    return _submit(request, viewer, case_id, report_id, {})

