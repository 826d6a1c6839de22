"""The case page: evidence highlighted, versions, reasons, account, flags, history, comments and the decision bar.

Decisions go through :func:`adwarden.review.decisions.record_decision` (the API's service: enforcement,
webhook events, audit), with the API's webhook wake-up as ``notify``; then the next case of the same queue is
claimed and loads, so a reviewer can work a queue to empty from the keyboard.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from adwarden.console.ages import format_age
from adwarden.console.caseview import load_case_view
from adwarden.console.comments import add_comment
from adwarden.console.queue_queries import neighbours
from adwarden.console.routes.queues import claim_next_or_queues
from adwarden.console.web import Viewer, ViewerDep, is_htmx, render, see_other
from adwarden.domain import NotFound
from adwarden.reporting.service import list_reports
from adwarden.review import claims
from adwarden.review.claims import active_holder
from adwarden.review.decisions import record_decision
from adwarden.review.followups import after_decision
from adwarden.review.labels import DecisionAction
from adwarden.review.sla import deadline, sla_state
from adwarden.storage.sql.queries import get_case

router = APIRouter()

#: Shortcut keys for the default policy's labels; other labels get the next free digit.
LABEL_KEYS = {"not-violating": "n", "violating-trafficking": "t", "violating-child-sexual-exploitation": "x",
              "violating-spam": "s", "violating-scam": "f", "violating-other": "o"}
ESCALATE_KEY = "e"
#: Actions a violating label may carry (the select next to the bar; default: remove).
VIOLATING_ACTIONS = [a.value for a in DecisionAction if a not in (DecisionAction.ALLOW, DecisionAction.ESCALATE)]


def label_keys(labels: list[str]) -> list[tuple[str, str]]:
    used = set(LABEL_KEYS.values()) | {ESCALATE_KEY}
    free = iter(k for k in "123456789" if k not in used)
    return [(name, LABEL_KEYS.get(name) or next(free, "")) for name in labels]


def _visible_case(viewer: Viewer, case_id: str) -> str:
    viewer.require("case:view")
    with viewer.runtime.db.read() as conn:
        case = get_case(conn, case_id)
    if not viewer.may_see_queue(case.queue):
        raise NotFound(f"case {case_id} not found")
    return case.queue


@router.get("/cases/{case_id}", response_class=HTMLResponse, name="case_view")
def case_page(request: Request, viewer: ViewerDep, case_id: str) -> HTMLResponse:
    viewer.require("case:view")
    runtime = viewer.runtime
    policy = runtime.screener.policy
    now = datetime.now(UTC)
    with runtime.db.read() as conn:
        view = load_case_view(conn, case_id, may_see_restricted=viewer.can("case:view-restricted"),
                              restricted_queues=viewer.restricted_queues, region=runtime.settings.default_region)
        reports = list_reports(conn, case_id=case_id) if viewer.can("report:draft") else []
    account_posts = [p if p.get("queue") is None or viewer.may_see_queue(p["queue"])
                     else {**p, "case_id": None, "queue": None} for p in view.account_posts]
    prefs = viewer.session.user.preferences
    forced = view.restricted
    started = view.work.get("sla_started_at") or view.case.opened_at
    holder = active_holder(SimpleNamespace(**view.work), now) if view.work else None
    labels = label_keys(list(policy.labels))
    return render(request, "case.html", viewer, view=view, labels=labels, policy_labels=policy.labels,
                  actions=VIOLATING_ACTIONS, escalate_key=ESCALATE_KEY,
                  account_posts=account_posts, reports=reports, blur=forced or prefs.get("blur", True),
                  greyscale=forced or prefs.get("greyscale", True), reblur=int(prefs.get("reblur_seconds", 10)),
                  forced=forced, due=deadline(policy, view.case.queue, started),
                  sla=sla_state(policy, view.case.queue, started, now), holder=holder, format_age=format_age,
                  now=now)


@router.get("/cases/{case_id}/step/{direction}", name="case_step")
def step(request: Request, viewer: ViewerDep, case_id: str, direction: str) -> Response:
    """The next or previous open case of this case's queue in working order (keys ``j``/``k``). Computed on
    demand, not on every case view: ordering a 10k-case queue is the costliest query of the page."""
    if direction not in ("next", "previous"):
        raise NotFound(f"no step {direction!r}")
    queue = _visible_case(viewer, case_id)
    with viewer.runtime.db.read() as conn:
        prev_id, next_id = neighbours(conn, viewer.runtime.screener.policy, queue, case_id, actor=viewer.actor)
    target = next_id if direction == "next" else prev_id
    if target is None:
        return see_other(str(request.url_for("queue", queue=queue)))
    return see_other(str(request.url_for("case_view", case_id=target)))


@router.post("/cases/{case_id}/decision", name="decide")
def decide(request: Request, viewer: ViewerDep, case_id: str, label: Annotated[str, Form()] = "",
           violating_action: Annotated[str, Form()] = "", escalate: Annotated[str, Form()] = "",
           note: Annotated[str, Form(max_length=10_000)] = "") -> Response:
    """Record the decision, then claim and open the next case of the queue (or the queues page when empty)."""
    queue = _visible_case(viewer, case_id)
    runtime = viewer.runtime
    policy = runtime.screener.policy
    chosen_label: str | None
    action: str | None
    if escalate:
        chosen_label, action = None, DecisionAction.ESCALATE.value
    else:
        found = policy.labels.get(label)
        chosen_label = label or None
        action = (violating_action or None) if found is not None and found.violating else None
    decision = record_decision(runtime.db, case_id, chosen_label, action, note, actor=viewer.actor, policy=policy,
                               notify=request.app.state.notify)
    # A report-ncmec decision drafts the CyberTip (as the API and CLI do); the specialist completes it next.
    report_id = after_decision(runtime.db, runtime.settings, decision, actor=viewer.actor)
    if report_id is not None and viewer.can("report:draft"):
        return see_other(str(request.url_for("cybertip", case_id=case_id)))
    if not viewer.may_see_queue(queue) or not viewer.can("case:decide"):
        return see_other(str(request.url_for("queues")))
    return claim_next_or_queues(request, viewer, queue)


@router.post("/cases/{case_id}/claim", name="claim_case")
def claim(request: Request, viewer: ViewerDep, case_id: str) -> Response:
    _visible_case(viewer, case_id)
    runtime = viewer.runtime
    claims.claim_case(runtime.db, case_id, actor=viewer.actor, policy=runtime.screener.policy,
                      lease=timedelta(minutes=runtime.settings.review_lease_minutes))
    return see_other(str(request.url_for("case_view", case_id=case_id)))


@router.post("/cases/{case_id}/release", name="release_case")
def release(request: Request, viewer: ViewerDep, case_id: str) -> Response:
    queue = _visible_case(viewer, case_id)
    claims.release(viewer.runtime.db, case_id, actor=viewer.actor, policy=viewer.runtime.screener.policy)
    return see_other(str(request.url_for("queue", queue=queue)))


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
