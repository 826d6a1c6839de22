"""Networks: the list, one ring as one case (members, links and why, template, timeline, route), and one
decision for the whole ring with per-post overrides, each applied through ``record_decision``."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from adwarden.console.networkview import NetworkView, load_network_view, template_segments
from adwarden.console.routes.case import VIOLATING_ACTIONS
from adwarden.console.web import Viewer, ViewerDep, render
from adwarden.review.decisions import decide_network
from adwarden.storage.sql.networks import list_networks

router = APIRouter()
KEEP = "keep-open"


@router.get("/networks", response_class=HTMLResponse, name="networks")
def networks_page(request: Request, viewer: ViewerDep, offset: int = 0) -> HTMLResponse:
    viewer.require("network:view")
    with viewer.runtime.db.read() as conn:
        rows = list_networks(conn, limit=50, offset=max(0, offset))
    return render(request, "networks.html", viewer, networks=rows, offset=max(0, offset))


def _view(viewer: Viewer, network_id: str) -> NetworkView:
    viewer.require("network:view")
    with viewer.runtime.db.read() as conn:
        view = load_network_view(conn, network_id)
    hidden = [m for m in view.members if m.queue is not None and not viewer.may_see_queue(m.queue)]
    if hidden:  # restricted cases stay invisible: the post is listed, its case is not
        members = [replace(m, case_id=None, queue=None) if m in hidden else m for m in view.members]
        view = replace(view, members=members)
    return view


def _network_page(request: Request, viewer: Viewer, network_id: str, results: object = None) -> HTMLResponse:
    view = _view(viewer, network_id)
    policy = viewer.runtime.screener.policy
    return render(request, "network.html", viewer, view=view, template_segments=template_segments,
                  labels=list(policy.labels), actions=VIOLATING_ACTIONS, keep=KEEP, results=results)


@router.get("/networks/{network_id}", response_class=HTMLResponse, name="network_view")
def network_page(request: Request, viewer: ViewerDep, network_id: str) -> HTMLResponse:
    return _network_page(request, viewer, network_id)


@router.post("/networks/{network_id}/decision", response_class=HTMLResponse, name="network_decide")
async def network_decide(request: Request, viewer: ViewerDep, network_id: str) -> HTMLResponse:
    """One label (and action) for every post of the ring through :func:`decide_network`; ``override-POST``
    fields give a post its own label, or keep it out (``keep-open``). One transaction: all or nothing."""
    viewer.require("case:decide")
    form = await request.form()
    label = str(form.get("label", ""))
    policy = viewer.runtime.screener.policy
    found = policy.labels.get(label)
    action = str(form.get("action", "")) or None if found is not None and found.violating else None
    view = _view(viewer, network_id)
    overrides: dict[str, tuple[str, str | None] | None] = {}
    for m in view.members:
        chosen = str(form.get(f"override-{m.post_id}", ""))
        if chosen == KEEP:
            overrides[m.post_id] = None
        elif chosen:
            own = policy.labels.get(chosen)
            overrides[m.post_id] = (chosen, action if own is not None and own.violating else None)
    result = decide_network(viewer.runtime.db, network_id, label, action, str(form.get("note", ""))[:10_000],
                            overrides=overrides, actor=viewer.actor, policy=policy, notify=request.app.state.notify)
    by_post = {m.post_id: m.external_id for m in view.members}
    results = [(by_post.get(d.post_id, d.post_id), f"{d.label} → {d.action}") for d in result.decisions]
    results += [(by_post.get(p, p), "kept out (override)") for p in result.skipped]
    return _network_page(request, viewer, network_id, results=results)
