"""Review metrics: queue depth, oldest case age, SLA breaches, decisions per reviewer per hour, overturn rate,
flag precision per reporter. One pure-ish read (:func:`review_metrics`) feeds the JSON route and the
Prometheus text route, so both always agree. Restricted queues are left out for actors who cannot see them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from adwarden.domain import Actor
from adwarden.permissions import has_permission
from adwarden.policy.model import Policy
from adwarden.review.reputation import score
from adwarden.review.sla import clock_start, overdue_clause
from adwarden.storage.sql.tables import cases
from adwarden.storage.sql.tables_review import case_work, reporter_reputation, review_decisions

WINDOW = timedelta(hours=24)


def review_metrics(conn: Connection, policy: Policy, *, actor: Actor, now: datetime | None = None) -> dict[str, Any]:
    t = now or datetime.now(UTC)
    hidden = set() if has_permission(actor, "case:view-restricted") else set(policy.restricted_queues)
    start = clock_start(cases.c.opened_at, case_work.c.sla_started_at)
    base = select(cases.c.queue, func.count(), func.min(cases.c.opened_at)).select_from(
        cases.outerjoin(case_work, case_work.c.case_id == cases.c.id)).where(cases.c.status == "open")
    depth = {r[0]: (int(r[1]), r[2]) for r in conn.execute(base.group_by(cases.c.queue)).all()}
    overdue = dict(conn.execute(base.with_only_columns(cases.c.queue, func.count()).where(
        overdue_clause(policy, cases.c.queue, start, t)).group_by(cases.c.queue)).tuples().all())
    queues = {}
    for name in sorted(set(policy.queues) | set(depth)):
        if name in hidden:
            continue
        n, oldest = depth.get(name, (0, None))
        queues[name] = {"depth": n, "oldest_age_seconds": round((t - oldest).total_seconds(), 1) if oldest else 0.0,
                        "sla_breaches": int(overdue.get(name, 0)),
                        "sla_hours": policy.queues[name].sla_hours if name in policy.queues else None}
    since = t - WINDOW
    per_reviewer = conn.execute(select(review_decisions.c.actor, func.count()).where(
        review_decisions.c.created_at >= since).group_by(review_decisions.c.actor)).tuples().all()
    last_hour = dict(conn.execute(select(review_decisions.c.actor, func.count()).where(
        review_decisions.c.created_at >= t - timedelta(hours=1)).group_by(review_decisions.c.actor)).tuples().all())
    appeals = dict(conn.execute(select(review_decisions.c.appeal_outcome, func.count()).where(
        review_decisions.c.appeal_outcome.is_not(None)).group_by(review_decisions.c.appeal_outcome)).tuples().all())
    decided_appeals = sum(appeals.values())
    reporters = conn.execute(select(reporter_reputation)).all()
    return {
        "generated_at": t.isoformat(),
        "queues": queues,
        "sla_breaches": sum(q["sla_breaches"] for q in queues.values()),
        "decisions_per_reviewer_per_hour": {
            a: {"last_hour": int(last_hour.get(a, 0)), "avg_24h": round(int(n) / 24, 3)} for a, n in per_reviewer},
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
