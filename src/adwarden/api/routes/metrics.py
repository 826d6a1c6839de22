"""``GET /v1/metrics`` (JSON) and ``GET /v1/metrics/prometheus`` (Prometheus text): the same review numbers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from adwarden.api.deps import ActorDep, RuntimeDep
from adwarden.permissions import ensure_permission
from adwarden.review.metrics import prometheus_text, review_metrics

router = APIRouter(tags=["metrics"])


@router.get("/v1/metrics", summary="Review metrics: queues, SLA breaches, decision rates, overturns, flags")
def get_metrics(runtime: RuntimeDep, actor: ActorDep) -> dict[str, Any]:
    ensure_permission(actor, "metrics:view")
    with runtime.db.read() as conn:
        return review_metrics(conn, runtime.screener.policy, actor=actor)


@router.get("/v1/metrics/prometheus", summary="The review metrics in Prometheus text format",
            response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def get_prometheus(runtime: RuntimeDep, actor: ActorDep) -> Response:
    ensure_permission(actor, "metrics:view")
    with runtime.db.read() as conn:
        m = review_metrics(conn, runtime.screener.policy, actor=actor)
    from prometheus_client import CONTENT_TYPE_LATEST

    return Response(prometheus_text(m), media_type=CONTENT_TYPE_LATEST)
