"""Review metrics: queue depth, oldest case age, SLA breaches, decisions per reviewer per hour, overturn rate,
flag precision per reporter. One pure-ish read (:func:`review_metrics`) feeds the JSON route and the
Prometheus text route, so both always agree. Restricted queues are left out for actors who cannot see them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from adwarden.domain import Actor
from adwarden.permissions import has_permission
from adwarden.policy.model import Policy
from adwarden.review.reputation import score
from adwarden.storage.sql.database import Connection
from adwarden.storage.sql.flags_store import all_reporters
from adwarden.storage.sql.review_metrics_store import (
    appeal_outcome_counts,
    decisions_per_reviewer,
    open_cases_per_queue,
    overdue_per_queue,
)

WINDOW = timedelta(hours=24)


def review_metrics(conn: Connection, policy: Policy, *, actor: Actor, now: datetime | None = None) -> dict[str, Any]:
    t = now or datetime.now(UTC)
    hidden = set() if has_permission(actor, "case:view-restricted") else set(policy.restricted_queues)
    depth = open_cases_per_queue(conn)
    overdue = overdue_per_queue(conn, policy, t)
    queues = {}
    for name in sorted(set(policy.queues) | set(depth)):
        if name in hidden:
            continue
        n, oldest = depth.get(name, (0, None))
        queues[name] = {"depth": n, "oldest_age_seconds": round((t - oldest).total_seconds(), 1) if oldest else 0.0,
                        "sla_breaches": int(overdue.get(name, 0)),
                        "sla_hours": policy.queues[name].sla_hours if name in policy.queues else None}
    since = t - WINDOW
    per_reviewer = decisions_per_reviewer(conn, since)
    last_hour = decisions_per_reviewer(conn, t - timedelta(hours=1))
    appeals = appeal_outcome_counts(conn)
    decided_appeals = sum(appeals.values())
    reporters = all_reporters(conn)
    return {
        "generated_at": t.isoformat(),
        "queues": queues,
        "sla_breaches": sum(q["sla_breaches"] for q in queues.values()),
        "decisions_per_reviewer_per_hour": {
            a: {"last_hour": int(last_hour.get(a, 0)), "avg_24h": round(int(n) / 24, 3)}
            for a, n in per_reviewer.items()},
        "appeals": {"decided": decided_appeals, "overturned": int(appeals.get("overturned", 0)),
                    "overturn_rate": round(appeals.get("overturned", 0) / decided_appeals, 4) if decided_appeals else None},
        "flag_precision": [
            {"site": r.site, "reporter": r.reporter, "upheld": r.upheld, "rejected": r.rejected,
             "precision": round(r.upheld / (r.upheld + r.rejected), 4) if r.upheld + r.rejected else None,
             "reputation": round(score(r.upheld, r.rejected), 4)} for r in reporters],
    }


def prometheus_text(m: dict[str, Any]) -> bytes:
    """The same numbers in Prometheus' text exposition format (via prometheus_client)."""
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.core import GaugeMetricFamily

    class _Collector:
        def collect(self) -> Any:
            depth = GaugeMetricFamily("adwarden_queue_depth", "Open cases per queue", labels=["queue"])
            oldest = GaugeMetricFamily("adwarden_queue_oldest_case_age_seconds", "Age of the oldest open case",
                                       labels=["queue"])
            breaches = GaugeMetricFamily("adwarden_queue_sla_breaches", "Open cases past their SLA", labels=["queue"])
            for name, q in m["queues"].items():
                depth.add_metric([name], q["depth"])
                oldest.add_metric([name], q["oldest_age_seconds"])
                breaches.add_metric([name], q["sla_breaches"])
            rate = GaugeMetricFamily("adwarden_reviewer_decisions_last_hour", "Decisions per reviewer in the last hour",
                                     labels=["reviewer"])
            for who, v in m["decisions_per_reviewer_per_hour"].items():
                rate.add_metric([who], v["last_hour"])
            overturn = GaugeMetricFamily("adwarden_appeal_overturn_rate", "Overturned appeals / decided appeals")
            overturn.add_metric([], m["appeals"]["overturn_rate"] or 0.0)
            prec = GaugeMetricFamily("adwarden_flag_precision", "Upheld / decided flags per reporter",
                                     labels=["site", "reporter"])
            for f in m["flag_precision"]:
                if f["precision"] is not None:
                    prec.add_metric([f["site"], f["reporter"]], f["precision"])
            yield from (depth, oldest, breaches, rate, overturn, prec)

    registry = CollectorRegistry()
    registry.register(_Collector())
    return generate_latest(registry)
