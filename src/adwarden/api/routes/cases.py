"""``/v1/cases``: the review queue, case detail, claims (leases), decisions, reopen. Restricted queues need
``case:view-restricted``: without it their cases are absent from lists, counts, search and detail."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from pydantic.dataclasses import dataclass as pydantic_dataclass

from adwarden.actions.notify import Wakeup, wakeup_for
from adwarden.api.deps import ActorDep, RuntimeDep
from adwarden.api.params import Text
from adwarden.permissions import ensure_permission
from adwarden.review import claims
from adwarden.review.appeals import decide_appeal
from adwarden.review.decisions import DecisionRecord, record_decision, reopen_case
from adwarden.review.detail import case_detail
from adwarden.review.followups import after_decision
from adwarden.review.labels import DecisionAction
from adwarden.review.listing import CaseFilter, count_cases, list_case_rows
from adwarden.runtime import Runtime

router = APIRouter(prefix="/v1/cases", tags=["cases"])


async def get_wakeup(request: Request) -> Wakeup:
    """The in-process webhook sender's wake-up, passed to decisions as ``notify`` (called after commit)."""
    return wakeup_for(request.app.state)


WakeupDep = Annotated[Wakeup, Depends(get_wakeup)]


class CaseOut(BaseModel):
    id: str
    post_id: str
    external_id: str | None
    site: str | None
    status: str
    kind: str
    queue: str
    priority: int
    risk: float
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    outcome: str | None = Field(None, description="Why a closed case closed (the decision's label and action).")
    assignee: str | None
    claim_expires_at: datetime | None
    sla_due_at: datetime
    sla_state: str | None = Field(None, description="ok, due-soon or overdue (open cases)")


class ClaimOut(BaseModel):
    case_id: str
    assignee: str
    claimed_at: datetime
    expires_at: datetime


class ClaimIn(BaseModel):
    lease_minutes: float | None = Field(None, gt=0, le=480, description="Default: ADWARDEN_REVIEW_LEASE_MINUTES.")


class ReassignIn(ClaimIn):
    to: Text = Field(..., min_length=1, max_length=200)


class DecisionIn(BaseModel):
    label: Text | None = Field(None, max_length=64, description="A label from the policy (GET /v1/cases/labels "
                               "lists them); "
                              "omit only for action escalate-child-safety.")
    action: Text | None = Field(None, max_length=40, description="allow, remove, suspend-account, ban-account, "
                               "escalate-child-safety, report-ncmec, refer-law-enforcement. Default: remove for a "
                               "violating label, allow otherwise.")
    appeal: Literal["uphold", "overturn"] | None = Field(None, description="For appeal cases instead of a label.")
    note: Text = Field("", max_length=10_000)


@pydantic_dataclass(frozen=True, kw_only=True)
class DecisionOut(DecisionRecord):
    """A decision as the API returns it: the decision record review stores, without the bookkeeping a client
    does not act on (scope_id, superseded_by), plus the CyberTipline draft it started."""

    scope_id: str | None = Field(default=None, exclude=True)
    superseded_by: str | None = Field(default=None, exclude=True)
    appeal_outcome: str | None = Field()  # always in the answer (null but on appeals)
    action_events: tuple[str, ...] = Field(description="Idempotency keys of the platform events this decision "
                                                       "queued.")
    report_id: str | None = Field(default=None, description="The CyberTipline draft a report-ncmec decision started.")


class ReopenIn(BaseModel):
    reason: Text = Field(..., min_length=1, max_length=10_000)


def decision_out(d: DecisionRecord, *, report_id: str | None = None) -> DecisionOut:
    return DecisionOut(**asdict(d), report_id=report_id)


def _lease(runtime: Runtime, body: ClaimIn | None) -> timedelta:
    minutes = body.lease_minutes if body and body.lease_minutes else runtime.settings.review_lease_minutes
    return timedelta(minutes=minutes)


def _claim_out(c: claims.Claim) -> ClaimOut:
    return ClaimOut(case_id=c.case_id, assignee=c.assignee, claimed_at=c.claimed_at, expires_at=c.expires_at)


@router.get("", response_model=list[CaseOut], summary="Cases, overdue first, then priority, risk and age")
def get_cases(
    runtime: RuntimeDep,
    actor: ActorDep,
    response: Response,
    status: Annotated[Literal["open", "closed", "all"], Query()] = "open",
    queue: Annotated[list[str] | None, Query(description="Only these queues (repeatable).")] = None,
    assignee: Annotated[str | None, Query(description="A reviewer's name, or 'none' for unclaimed.")] = None,
    sla: Annotated[Literal["ok", "due-soon", "overdue"] | None, Query()] = None,
    kind: Annotated[Literal["post", "appeal"] | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=500, description="Search: external id prefix, case or post id.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[dict[str, Any]]:
    """``X-Total-Count`` carries the number of matching cases (restricted ones count only when visible)."""
    ensure_permission(actor, "case:view")
    f = CaseFilter(status=None if status == "all" else status, queues=tuple(queue or ()), assignee=assignee,
                   sla=sla, search=q, kind=kind)
    policy = runtime.screener.policy
    with runtime.db.read() as conn:
        rows = list_case_rows(conn, policy, actor=actor, f=f, limit=limit, offset=offset)
        response.headers["X-Total-Count"] = str(count_cases(conn, policy, actor=actor, f=f))
    return rows


@router.post("/claim-next", response_model=ClaimOut, summary="Claim the next case of a queue (a lease)",
             responses={204: {"description": "The queue has no unclaimed open case."}})
def claim_next_case(runtime: RuntimeDep, actor: ActorDep, queue: Annotated[str, Query(min_length=1)],
                    body: ClaimIn | None = None) -> Any:
    c = claims.claim_next(runtime.db, queue, actor=actor, policy=runtime.screener.policy, lease=_lease(runtime, body))
    if c is None:
        return Response(status_code=204)
    return _claim_out(c)


@router.get("/labels", summary="Decision labels of the active policy, and the actions")
def get_labels(runtime: RuntimeDep, actor: ActorDep) -> dict[str, Any]:
    ensure_permission(actor, "case:view")
    policy = runtime.screener.policy
    return {"policy_version": policy.version,
            "labels": [{"name": lb.name, "violating": lb.violating, "category": lb.category,
                        "description": lb.description} for lb in policy.labels.values()],
            "actions": [a.value for a in DecisionAction]}


@router.get("/{case_id}", summary="Case detail: post, evidence, account, network, flags, history, SLA")
def get_case_detail(case_id: str, runtime: RuntimeDep, actor: ActorDep) -> dict[str, Any]:
    with runtime.db.read() as conn:
        return case_detail(conn, case_id, actor=actor, policy=runtime.screener.policy)


@router.post("/{case_id}/claim", response_model=ClaimOut, summary="Claim this case (a lease)")
def claim_case(case_id: str, runtime: RuntimeDep, actor: ActorDep, body: ClaimIn | None = None) -> ClaimOut:
    return _claim_out(claims.claim_case(runtime.db, case_id, actor=actor, policy=runtime.screener.policy,
                                        lease=_lease(runtime, body)))


@router.post("/{case_id}/renew", response_model=ClaimOut, summary="Extend your claim's lease")
def renew_claim(case_id: str, runtime: RuntimeDep, actor: ActorDep, body: ClaimIn | None = None) -> ClaimOut:
    return _claim_out(claims.renew(runtime.db, case_id, actor=actor, policy=runtime.screener.policy,
                                   lease=_lease(runtime, body)))


@router.post("/{case_id}/release", status_code=204, summary="Give the case back to its queue")
def release_claim(case_id: str, runtime: RuntimeDep, actor: ActorDep) -> Response:
    claims.release(runtime.db, case_id, actor=actor, policy=runtime.screener.policy)
    return Response(status_code=204)


@router.post("/{case_id}/reassign", response_model=ClaimOut, summary="Hand the case to another reviewer")
def reassign_case(case_id: str, body: ReassignIn, runtime: RuntimeDep, actor: ActorDep) -> ClaimOut:
    return _claim_out(claims.reassign(runtime.db, case_id, body.to, actor=actor, policy=runtime.screener.policy,
                                      lease=_lease(runtime, body)))


@router.post("/{case_id}/decision", response_model=DecisionOut, summary="Decide: a policy label plus an action")
def decide(case_id: str, body: DecisionIn, runtime: RuntimeDep, actor: ActorDep, wake: WakeupDep) -> DecisionOut:
    """Closes the case (except escalation), sets the post's enforcement and queues the platform's action."""
    notify = wake
    policy = runtime.screener.policy
    if body.appeal is not None:
        return decision_out(decide_appeal(runtime.db, case_id, body.appeal, body.note, actor=actor, policy=policy,
                                          notify=notify))
    d = record_decision(runtime.db, case_id, body.label, body.action, body.note, actor=actor, policy=policy,
                        notify=notify)
    return decision_out(d, report_id=after_decision(runtime.db, runtime.settings, d, actor=actor))


@router.post("/{case_id}/reopen", status_code=204, summary="Reopen a closed case; the next decision supersedes")
def reopen(case_id: str, body: ReopenIn, runtime: RuntimeDep, actor: ActorDep) -> Response:
    reopen_case(runtime.db, case_id, body.reason, actor=actor, policy=runtime.screener.policy)
    return Response(status_code=204)



