"""``/v1/cases``: the review queue, ordered by priority and risk. Restricted queues need their permission."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from adwarden.api.deps import ActorDep, RuntimeDep
from adwarden.api.schemas import CaseOut
from adwarden.permissions import ensure_permission, has_permission
from adwarden.review.queues import visible_queues
from adwarden.storage.sql.queries import list_cases

router = APIRouter(prefix="/v1/cases", tags=["cases"])


@router.get("", response_model=list[CaseOut], summary="Open cases, highest priority first")
def get_cases(
    runtime: RuntimeDep,
    actor: ActorDep,
    status: Annotated[Literal["open", "closed", "all"], Query()] = "open",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[CaseOut]:
    ensure_permission(actor, "case:view")
    queues = visible_queues(runtime.screener.policy, restricted=has_permission(actor, "case:view-restricted"))
    with runtime.db.read() as conn:
        rows = list_cases(conn, status=None if status == "all" else status, queues=queues, limit=limit,
                          offset=offset)
    return [CaseOut(id=c.id, post_id=c.post_id, external_id=c.external_id, site=c.site, status=c.status.value,
                    queue=c.queue, priority=c.priority, risk=c.risk, opened_at=c.opened_at,
                    updated_at=c.updated_at) for c in rows]


class DecisionIn(BaseModel):
    outcome: str = Field(..., description="violating-trafficking, violating-possible-minor, violating-other, "
                         "not-violating or escalate")
    note: str = Field("", max_length=10_000)


class DecisionOut(BaseModel):
    case_id: str
    outcome: str
    actor: str
    note: str


@router.post("/{case_id}/decision", response_model=DecisionOut, summary="Record a reviewer's decision")
def decide(case_id: str, body: DecisionIn, runtime: RuntimeDep, actor: ActorDep) -> DecisionOut:
    from adwarden.review.decisions import record_decision

    d = record_decision(runtime.db, case_id, body.outcome, body.note, actor=actor,
                        restricted_queues=runtime.screener.policy.restricted_queues)
    return DecisionOut(case_id=d.case_id, outcome=d.outcome, actor=d.actor, note=d.note)
