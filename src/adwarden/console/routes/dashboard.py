"""The dashboard: review-loop charts for the queues the viewer may see, and the transparency report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from adwarden.console.metrics import dashboard, line_chart_svg
from adwarden.console.web import ViewerDep, render
from adwarden.legal.service import transparency_report
from adwarden.legal.transparency import bar_chart_svg

router = APIRouter()


@router.get("/dashboard", response_class=HTMLResponse, name="dashboard")
def dashboard_page(request: Request, viewer: ViewerDep) -> HTMLResponse:
    viewer.require("case:view")
    now = datetime.now(UTC)
    policy = viewer.runtime.screener.policy
    with viewer.runtime.db.read() as conn:
        d = dashboard(conn, policy, viewer.visible_queues(), now=now)
        report = None
        if viewer.can("legal:manage") or viewer.can("audit:verify"):
            report = transparency_report(conn, (now - timedelta(days=90)).date(), now.date())
    # The SVG builders escape every label themselves; Markup only stops Jinja escaping their markup again.
    charts = [Markup(line_chart_svg("Open cases at the end of each day", d.days, d.depth)),  # noqa: S704
              Markup(bar_chart_svg("Overdue open cases by queue (SLA breached)", d.breaches_by_queue)),  # noqa: S704
              Markup(bar_chart_svg("Decisions per reviewer, last 14 days", d.per_reviewer))]  # noqa: S704
    transparency = None
    if report is not None:
        transparency = (report.to_json(), Markup(bar_chart_svg(  # noqa: S704
            "Posts actioned by category, last 90 days", list(report.actioned))))
    return render(request, "dashboard.html", viewer, d=d, charts=charts, transparency=transparency)
