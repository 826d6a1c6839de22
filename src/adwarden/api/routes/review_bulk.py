"""``/v1/networks/{id}/decision`` and ``/v1/accounts/{id}/decision``: one decision for many posts, with
per-post overrides (``{"post_id": {"label": ..., "action": ...}}`` or ``null`` to leave a post out)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from pydantic import BaseModel, Field

from adwarden.actions.notify import Wakeup
from adwarden.api.deps import ActorDep, RuntimeDep
from adwarden.api.params import Text
from adwarden.api.routes.cases import DecisionOut, WakeupDep, decision_out
from adwarden.domain import Actor
from adwarden.review.decisions import BulkResult, decide_account, decide_network
from adwarden.runtime import Runtime

router = APIRouter(tags=["cases"])


class Override(BaseModel):
    label: Text = Field(..., max_length=64)
    action: Text | None = Field(None, max_length=40)


class BulkDecisionIn(BaseModel):
    label: Text = Field(..., max_length=64)
    action: Text | None = Field(None, max_length=40)
    note: Text = Field("", max_length=10_000)
    overrides: dict[Text, Override | None] = Field(default_factory=dict, max_length=100_000)


class BulkDecisionOut(BaseModel):
    scope: str
    scope_id: str
    decisions: list[DecisionOut]
    skipped: list[str]


def _out(r: BulkResult) -> BulkDecisionOut:
    return BulkDecisionOut(scope=r.scope, scope_id=r.scope_id, decisions=[decision_out(d) for d in r.decisions],
                           skipped=list(r.skipped))


def _decide(decide: Callable[..., BulkResult], scope_id: str, body: BulkDecisionIn, runtime: Runtime,
            actor: Actor, wake: Wakeup) -> BulkDecisionOut:
    """Both routes: the same body, the same answer; only the service call that finds the posts differs."""
    overrides = {k: None if v is None else (v.label, v.action) for k, v in body.overrides.items()}
    return _out(decide(runtime.db, scope_id, body.label, body.action, body.note, overrides=overrides, actor=actor,
                       policy=runtime.screener.policy, notify=wake))


@router.post("/v1/networks/{network_id}/decision", response_model=BulkDecisionOut,
             summary="Decide every post of a network (per-post overrides)")
def decide_whole_network(network_id: str, body: BulkDecisionIn, runtime: RuntimeDep, actor: ActorDep,
                         wake: WakeupDep) -> BulkDecisionOut:
    return _decide(decide_network, network_id, body, runtime, actor, wake)


@router.post("/v1/accounts/{account_id}/decision", response_model=BulkDecisionOut,
             summary="Decide every post of an account (per-post overrides)")
def decide_whole_account(account_id: str, body: BulkDecisionIn, runtime: RuntimeDep, actor: ActorDep,
                         wake: WakeupDep) -> BulkDecisionOut:
    return _decide(decide_account, account_id, body, runtime, actor, wake)
