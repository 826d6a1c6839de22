"""Dashboard figures computed from storage: queue depth over time, SLA breaches, decisions per reviewer and
decisions changed later on the same case. Charts are inline SVG drawn server-side (no script, no CDN).

Why computed here: the review loop's metrics service (issue 11) is not merged yet; these are read-only counts
over ``cases`` and ``decisions`` that the dashboard can switch to the service's figures when it lands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any

from sqlalchemy import Connection, func, or_, select, true

from adwarden.console.sla import sla_of
from adwarden.policy.model import Policy
from adwarden.storage.sql.tables import cases, decisions


@dataclass(frozen=True)
class Dashboard:
    days: list[str]
    depth: list[int]
    breaches_by_queue: list[tuple[str, int]]
    late_decisions: int
    decided: int
    per_reviewer: list[tuple[str, int]]
    changed: int
    changed_of: int

    @property
    def changed_rate(self) -> float | None:
        return None if not self.changed_of else self.changed / self.changed_of


def _queue_filter(visible: Sequence[str] | None) -> Any:
    return cases.c.queue.in_(list(visible)) if visible is not None else true()


def dashboard(conn: Connection, policy: Policy, visible: Sequence[str] | None, *, days: int = 14,
              now: datetime | None = None) -> Dashboard:
    now = now or datetime.now(UTC)
    qf = _queue_filter(visible)
    labels, depth = [], []
    for i in range(days - 1, -1, -1):
        end = (now - timedelta(days=i)).replace(hour=23, minute=59, second=59, microsecond=0)
        end = min(end, now)
        n = conn.execute(select(func.count()).select_from(cases).where(
            qf, cases.c.opened_at <= end, or_(cases.c.closed_at.is_(None), cases.c.closed_at > end))).scalar_one()
        labels.append(end.strftime("%m-%d"))
        depth.append(int(n))
    breaches = []
    for queue in ([q for q in policy.queues if visible is None or q in visible]):
        cutoff = now - sla_of(policy, queue)
        n = conn.execute(select(func.count()).select_from(cases).where(
            cases.c.status == "open", cases.c.queue == queue, cases.c.opened_at < cutoff)).scalar_one()
        breaches.append((queue, int(n)))
    since = now - timedelta(days=days)
    closed = conn.execute(select(cases.c.queue, cases.c.opened_at, cases.c.closed_at).where(
        qf, cases.c.status == "closed", cases.c.closed_at >= since)).all()
    late = sum(1 for r in closed if r.closed_at - r.opened_at > sla_of(policy, r.queue))
    reviewer_rows = conn.execute(
        select(decisions.c.actor, func.count()).join(cases, cases.c.id == decisions.c.case_id)
        .where(qf, decisions.c.created_at >= since).group_by(decisions.c.actor)
        .order_by(func.count().desc()).limit(20)).all()
    per_case = conn.execute(
        select(decisions.c.case_id, func.count(func.distinct(decisions.c.outcome)))
        .join(cases, cases.c.id == decisions.c.case_id)
        .where(qf, decisions.c.created_at >= since, decisions.c.outcome != "escalate")
        .group_by(decisions.c.case_id)).all()
    return Dashboard(days=labels, depth=depth, breaches_by_queue=breaches, late_decisions=late,
                     decided=len(closed), per_reviewer=[(r[0], int(r[1])) for r in reviewer_rows],
                     changed=sum(1 for r in per_case if int(r[1]) > 1), changed_of=len(per_case))


def line_chart_svg(title: str, labels: Sequence[str], values: Sequence[float], *, width: int = 640,
                   height: int = 220) -> str:
    """A small line chart as SVG markup; labels are escaped. No style attributes (CSP)."""
    pad_l, pad_r, pad_t, pad_b = 40, 12, 28, 28
    top = max(values, default=0) or 1
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    step = w / max(len(values) - 1, 1)
    pts = [(pad_l + i * step, pad_t + h - h * v / top) for i, v in enumerate(values)]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
             f'<text x="8" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
             f'<line x1="{pad_l}" y1="{pad_t + h}" x2="{pad_l + w}" y2="{pad_t + h}" stroke="#98a2b3"/>',
             f'<text x="4" y="{pad_t + 10}" font-size="11">{top:g}</text>',
             f'<text x="4" y="{pad_t + h}" font-size="11">0</text>']
    if pts:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#3b6ea8" stroke-width="2"/>')
        for (x, y), v in zip(pts, values, strict=True):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#3b6ea8"><title>{v:g}</title></circle>')
    for i, label in enumerate(labels):
        if i % max(1, len(labels) // 7) == 0 or i == len(labels) - 1:
            parts.append(f'<text x="{pad_l + i * step - 14:.1f}" y="{height - 8}" font-size="11">{escape(label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
