"""The case page: evidence highlighted, versions, reasons, account, history, comments and the decision bar.

A decision goes through :func:`adwarden.review.decisions.record_decision` (the API's service), then the next
case of the same queue loads, so a reviewer can work a queue to empty from the keyboard.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from adwarden.console.caseview import load_case_view
from adwarden.console.comments import add_comment
from adwarden.console.queue_queries import neighbours, next_case
from adwarden.console.sla import format_age, sla_of
from adwarden.console.web import Viewer, ViewerDep, is_htmx, render, see_other
from adwarden.domain import NotFound
from adwarden.review.decisions import Outcome, record_decision
from adwarden.storage.sql.queries import get_case

router = APIRouter()

#: The decision bar: outcome, button text, shortcut key. The help overlay (``?``) is built from these buttons.
DECISIONS: tuple[tuple[str, str, str], ...] = (
    (Outcome.TRAFFICKING.value, "Trafficking", "t"),
    (Outcome.MINOR.value, "Possible minor", "m"),
    (Outcome.OTHER_VIOLATION.value, "Other violation", "o"),
    (Outcome.NOT_VIOLATING.value, "Not violating", "n"),
    (Outcome.ESCALATE.value, "Escalate to child safety", "e"),
)


def _visible_case(viewer: Viewer, case_id: str) -> None:
    viewer.require("case:view")
    with viewer.runtime.db.read() as conn:
        case = get_case(conn, case_id)
    if not viewer.may_see_queue(case.queue):
        raise NotFound(f"case {case_id} not found")


@router.get("/cases/{case_id}", response_class=HTMLResponse, name="case_view")
def case_page(request: Request, viewer: ViewerDep, case_id: str) -> HTMLResponse:
    viewer.require("case:view")
    runtime = viewer.runtime
    policy = runtime.screener.policy
    now = datetime.now(UTC)
    with runtime.db.read() as conn:
        view = load_case_view(conn, case_id, may_see_restricted=viewer.can("case:view-restricted"),
                              restricted_queues=viewer.restricted_queues, region=runtime.settings.default_region)
        prev_id, next_id = (neighbours(conn, policy, view.case.queue, case_id, now=now)
                            if view.case.status.value == "open" else (None, None))
    account_posts = [p if p.get("queue") is None or viewer.may_see_queue(p["queue"])
                     else {**p, "case_id": None, "queue": None} for p in view.account_posts]
    prefs = viewer.session.user.preferences
    forced = view.restricted
    return render(request, "case.html", viewer, view=view, decisions=DECISIONS, prev_id=prev_id, next_id=next_id,
                  account_posts=account_posts, blur=forced or prefs.get("blur", True),
                  greyscale=forced or prefs.get("greyscale", True), reblur=int(prefs.get("reblur_seconds", 10)),
                  forced=forced, target=sla_of(policy, view.case.queue), format_age=format_age, now=now)


@router.post("/cases/{case_id}/decision", name="decide")
def decide(request: Request, viewer: ViewerDep, case_id: str, outcome: Annotated[str, Form()],
           note: Annotated[str, Form(max_length=10_000)] = "") -> Response:
    """Record the decision, then open the next case of the queue (or the queues page when it is empty)."""
    _visible_case(viewer, case_id)
    runtime = viewer.runtime
    with runtime.db.read() as conn:
        queue = get_case(conn, case_id).queue
    record_decision(runtime.db, case_id, outcome, note, actor=viewer.actor,
                    restricted_queues=runtime.screener.policy.restricted_queues)
    if not viewer.may_see_queue(queue):  # pragma: no cover - the case was visible a moment ago
        return see_other(str(request.url_for("queues")))
    with runtime.db.read() as conn:
        following = next_case(conn, runtime.screener.policy, queue)
    if following is None:
        return see_other(str(request.url_for("queues").include_query_params(empty=queue)))
    return see_other(str(request.url_for("case_view", case_id=following.id)))


@router.post("/cases/{case_id}/comments", response_class=HTMLResponse, name="add_comment")
def comment(request: Request, viewer: ViewerDep, case_id: str,
            body: Annotated[str, Form(max_length=20_000)]) -> Response:
    _visible_case(viewer, case_id)
    add_comment(viewer.runtime.db, case_id, body, actor=viewer.actor)
    if not is_htmx(request):
        return see_other(str(request.url_for("case_view", case_id=case_id)) + "#comments")
    with viewer.runtime.db.read() as conn:
        view = load_case_view(conn, case_id, may_see_restricted=True, restricted_queues=viewer.restricted_queues,
                              region=viewer.runtime.settings.default_region)
    return render(request, "_comments.html", viewer, view=view)
