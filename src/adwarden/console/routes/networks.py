"""Networks: the list, one ring as one case (members, links and why, template, timeline, route), and one
decision for the whole ring with per-post overrides, each applied through ``record_decision``."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from adwarden.console.networkview import NetworkView, load_network_view, template_segments
from adwarden.console.web import Viewer, ViewerDep, render
from adwarden.domain import AdWardenError, InputError
from adwarden.review.decisions import Outcome, record_decision
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


@router.get("/networks/{network_id}", response_class=HTMLResponse, name="network_view")
def network_page(request: Request, viewer: ViewerDep, network_id: str) -> HTMLResponse:
    view = _view(viewer, network_id)
    return render(request, "network.html", viewer, view=view, template_segments=template_segments,
                  outcomes=[o.value for o in Outcome], keep=KEEP, results=None)


@router.post("/networks/{network_id}/decision", response_class=HTMLResponse, name="network_decide")
async def network_decide(request: Request, viewer: ViewerDep, network_id: str) -> HTMLResponse:
    """``outcome`` for every open case of the ring; ``override-CASE`` fields change it per post (or keep the
    case open). Each case is decided on its own (one audit event each); a conflict on one does not undo the
    others, and the page lists what happened to every case."""
    viewer.require("case:decide")
    form = await request.form()
    outcome = str(form.get("outcome", ""))
    valid = {o.value for o in Outcome}
    if outcome not in valid:
        raise InputError(f"choose an outcome for the network ({', '.join(sorted(valid))})", field="outcome")
    note = str(form.get("note", ""))[:10_000]
    view = _view(viewer, network_id)
    results: list[tuple[str, str, str]] = []
    for m in view.open_cases:
        chosen = str(form.get(f"override-{m.case_id}", "") or outcome)
        if chosen == KEEP:
            results.append((m.external_id, "kept open", ""))
            continue
        if chosen not in valid:
            results.append((m.external_id, "refused", f"unknown outcome {chosen!r}"))
            continue
        assert m.case_id is not None
        try:
            record_decision(viewer.runtime.db, m.case_id, chosen, f"network {network_id}: {note}".strip(),
                            actor=viewer.actor, restricted_queues=viewer.restricted_queues)
            results.append((m.external_id, chosen, ""))
        except AdWardenError as exc:
            results.append((m.external_id, "refused", str(exc)))
    view = _view(viewer, network_id)
    return render(request, "network.html", viewer, view=view, template_segments=template_segments,
                  outcomes=sorted(valid), keep=KEEP, results=results)
