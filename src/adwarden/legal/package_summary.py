"""The human-readable summary of an evidence package (``summary.html`` and ``summary.pdf``).

Kept apart from building the archive: both renderings take the same plain context (built by
:mod:`adwarden.legal.package`), so the page and the PDF cannot say different things about one production.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from adwarden.documents.pdf import SummaryPdf


def render_summary_html(context: Mapping[str, Any]) -> str:
    """The summary page. Autoescaped: post text is written by whoever posted the ad."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("adwarden.legal", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )
    return env.get_template("summary.html").render(**context)


def render_summary_pdf(context: Mapping[str, Any]) -> bytes:
    """The same summary as a PDF, deterministic for the same input. Names and ad text in any script are
    written as they are (:class:`~adwarden.documents.pdf.SummaryPdf`); what no font can draw is marked."""
    pdf = SummaryPdf(
        title=f"Evidence package {context['request']['id']}",
        author=str(context["platform"]),
        created_at=datetime.fromisoformat(context["created_at"]),
    )

    def line(text: Any, *, size: int = 10, style: str = "") -> None:
        pdf.line(text, size=size, bold=style == "B")

    req = context["request"]
    line(f"Evidence package - request {req['id']}", size=15, style="B")
    line(f"Produced by {context['platform']} ({context['produced_by']}) for {context['recipient']} at {context['created_at']}")
    if context["nondisclosure"]:
        nd = context["nondisclosure"]
        line(f"NON-DISCLOSURE ORDER until {nd['until']}: the user must not be notified.", style="B")
    pdf.gap(2)
    line("Request", size=12, style="B")
    for key in ("type_label", "agency", "authority", "officer", "case_number", "received_at", "status"):
        line(f"{key.replace('_', ' ')}: {req.get(key) or '-'}")
    line(f"targets: {', '.join(req['targets'])}")
    if req.get("date_range"):
        line(f"date range: {req['date_range']}")
    if context["flags"]:
        line(f"flags: {', '.join(context['flags'])}", style="B")
    pdf.gap(2)
    line(
        f"Contents: {len(context['posts'])} post(s), {context['media_count']} media reference(s), "
        f"{len(context['identifiers'])} identifier(s), {context['assessment_count']} assessment(s), "
        f"{context['decision_count']} decision(s), {context['audit_count']} audit event(s).",
    )
    for post in context["posts"]:
        pdf.gap(2)
        line(f"Post {post['label']} ({post['dir']})", size=12, style="B")
        for v in post["versions"]:
            line(f"Version {v['version']} received {v['received_at']} sha256 {v['content_hash']}", style="B")
            if v["url"]:
                line(f"URL: {v['url']}")
            if v["title"]:
                line(f"Title: {v['title']}")
            if v["body"]:
                line(v["body"])
    if context["identifiers"]:
        pdf.gap(2)
        line("Identifiers", size=12, style="B")
        for ident in context["identifiers"]:
            line(f"{ident.get('kind')}: {ident.get('value')} (post {ident.get('post_id')})")
    linked = context["network"].get("linked_posts") or []
    pdf.gap(2)
    line("Network", size=12, style="B")
    line(f"{len(linked)} other post(s) share an identifier with the posts in scope (see network.json).")
    pdf.gap(2)
    line("Integrity: every file is listed in manifest.json with its SHA-256; the manifest is signed with Ed25519.")
    return pdf.output()
