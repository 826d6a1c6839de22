"""The dashboard: the review loop's metrics as charts (queue depth over time, SLA breaches, decisions per
reviewer, appeal overturn rate), for the queues the viewer may see, and the transparency report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from adwarden.console.metrics import depth_series, line_chart_svg
from adwarden.console.web import ViewerDep, render
from adwarden.legal.service import transparency_report
from adwarden.legal.transparency import bar_chart_svg
from adwarden.review.metrics import review_metrics

router = APIRouter()


@router.get("/dashboard", response_class=HTMLResponse, name="dashboard")
def dashboard_page(request: Request, viewer: ViewerDep) -> HTMLResponse:
    viewer.require("case:view")
    now = datetime.now(UTC)
    policy = viewer.runtime.screener.policy
    with viewer.runtime.db.read() as conn:
        m = review_metrics(conn, policy, actor=viewer.actor, now=now)
        days, depth = depth_series(conn, viewer.visible_queues(), now=now)
        report = None
        if viewer.can("legal:manage") or viewer.can("audit:verify"):
            report = transparency_report(conn, (now - timedelta(days=90)).date(), now.date())
    breaches = [(q, float(v["sla_breaches"])) for q, v in m["queues"].items()]
    per_reviewer = sorted(((a, float(v["avg_24h"]) * 24) for a, v in m["decisions_per_reviewer_per_hour"].items()),
                          key=lambda x: -x[1])[:20]
    # The SVG builders escape every label themselves; Markup only stops Jinja escaping their markup again.
    charts = [Markup(line_chart_svg("Open cases at the end of each day", days, depth)),  # noqa: S704
              Markup(bar_chart_svg("SLA breaches now, by queue", breaches)),  # noqa: S704
              Markup(bar_chart_svg("Decisions per reviewer, last 24 hours", per_reviewer))]  # noqa: S704
    transparency = None
    if report is not None:
        transparency = (report.to_json(), Markup(bar_chart_svg(  # noqa: S704
            "Posts actioned by category, last 90 days", list(report.actioned))))
    return render(request, "dashboard.html", viewer, m=m, charts=charts, transparency=transparency)
