"""The queues page and "next case" (which claims the case's lease through the review loop's claims service).
Restricted queues do not exist for viewers without their permission: no row, no count, 404."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from adwarden.console.ages import format_age
from adwarden.console.queue_queries import queue_rows, queue_stats
from adwarden.console.web import Viewer, ViewerDep, render, see_other
from adwarden.domain import NotFound
from adwarden.review import claims

router = APIRouter()


@router.get("/", name="home")
def home(request: Request, viewer: ViewerDep) -> Response:
    """Reviewers start at their queues; the legal liaison at the desk."""
    if viewer.can("case:view"):
        return see_other(str(request.url_for("queues")))
    if viewer.can("legal:manage"):
        return see_other(str(request.url_for("legal_desk")))
    if viewer.can("network:view"):
        return see_other(str(request.url_for("networks")))
    return render(request, "home.html", viewer)


def _check_queue(viewer: Viewer, queue: str) -> None:
    viewer.require("case:view")
    if not viewer.may_see_queue(queue):
        raise NotFound(f"queue {queue} not found")


@router.get("/queues", response_class=HTMLResponse, name="queues")
def queues_page(request: Request, viewer: ViewerDep, empty: str | None = None) -> HTMLResponse:
    viewer.require("case:view")
    with viewer.runtime.db.read() as conn:
        stats = queue_stats(conn, viewer.runtime.screener.policy, actor=viewer.actor)
    first_open = next((s.name for s in stats if s.depth), None)
    return render(request, "queues.html", viewer, stats=stats, format_age=format_age, first_open=first_open,
                  emptied=empty if empty and viewer.may_see_queue(empty) else None)


@router.get("/queues/{queue}", response_class=HTMLResponse, name="queue")
def queue_page(request: Request, viewer: ViewerDep, queue: str, offset: int = 0) -> HTMLResponse:
    _check_queue(viewer, queue)
    policy = viewer.runtime.screener.policy
    now = datetime.now(UTC)
    with viewer.runtime.db.read() as conn:
        rows = queue_rows(conn, policy, queue, actor=viewer.actor, offset=max(0, offset), now=now)
        stats = [s for s in queue_stats(conn, policy, actor=viewer.actor, now=now) if s.name == queue]
    return render(request, "queue.html", viewer, queue=queue, cases=rows, stats=stats[0] if stats else None,
                  offset=max(0, offset), format_age=format_age, now=now)


def claim_next_or_queues(request: Request, viewer: Viewer, queue: str) -> Response:
    """Claim the next case of ``queue`` and open it; back to the queues (saying it is empty) when none is left."""
    runtime = viewer.runtime
    lease = timedelta(minutes=runtime.settings.review_lease_minutes)
    claim = claims.claim_next(runtime.db, queue, actor=viewer.actor, policy=runtime.screener.policy, lease=lease)
    if claim is None:
        return see_other(str(request.url_for("queues").include_query_params(empty=queue)))
    return see_other(str(request.url_for("case_view", case_id=claim.case_id)))


@router.post("/queues/{queue}/next", name="next_case")
def take_next(request: Request, viewer: ViewerDep, queue: str) -> Response:
    _check_queue(viewer, queue)
    viewer.require("case:decide")
    return claim_next_or_queues(request, viewer, queue)
