"""Dashboard charts: the queue-depth time series (which the review loop's metrics, a snapshot, do not keep)
and a small inline-SVG line chart drawn server-side (no script, no CDN, no style attributes).

Depth at the end of day *d* is the number of cases opened by then and not closed by then, so the series is
rebuilt from ``cases`` alone, for the queues the viewer may see.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from html import escape

from adwarden.storage.sql.database import Connection
from adwarden.storage.sql.queue_store import open_cases_at


def depth_series(conn: Connection, visible: Sequence[str] | None, *, days: int = 14,
                 now: datetime | None = None) -> tuple[list[str], list[int]]:
    """(day labels, open cases at the end of each day), oldest day first; today ends now."""
    now = now or datetime.now(UTC)
    labels, depth = [], []
    for i in range(days - 1, -1, -1):
        end = min((now - timedelta(days=i)).replace(hour=23, minute=59, second=59, microsecond=0), now)
        labels.append(end.strftime("%m-%d"))
        depth.append(open_cases_at(conn, end, queues=visible))
    return labels, depth


def line_chart_svg(title: str, labels: Sequence[str], values: Sequence[float], *, width: int = 640,
                   height: int = 220) -> str:
    """A line chart as SVG markup; labels and title are escaped."""
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
