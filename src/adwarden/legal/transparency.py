"""Transparency report: what legal process the platform received and answered, and what it acted on.

The columns follow the norm large platforms publish per request type: number of requests, accounts
specified, the share of requests where some data was produced, and preservation requests; plus the
CyberTipline reports filed and posts actioned by category. :func:`build_report` is pure (the service
gathers the rows); the writers render JSON, CSV and a self-contained HTML page whose bar charts are
inline SVG drawn from the numbers (no scripts, no external assets).

Example::

    >>> from datetime import date
    >>> r = build_report(date(2026, 1, 1), date(2026, 6, 30), [], cybertip_reports=3, actioned={"escort": 5})
    >>> r.to_json()["cybertip_reports_filed"]
    3
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from adwarden.documents.spreadsheet import spreadsheet_row
from adwarden.domain.errors import InputError
from adwarden.legal.model import RequestType


@dataclass(frozen=True)
class RequestRow:
    """One request received in the period, reduced to what the report counts."""

    type: RequestType
    accounts_specified: int
    produced_some: bool


@dataclass(frozen=True)
class TypeCounts:
    type: RequestType
    requests: int
    accounts_specified: int
    produced_some: int

    @property
    def produced_share(self) -> float | None:
        """Share of requests where some data was produced; None when there were no requests."""
        return None if self.requests == 0 else self.produced_some / self.requests


@dataclass(frozen=True)
class TransparencyReport:
    start: date
    end: date
    by_type: tuple[TypeCounts, ...]
    cybertip_reports: int
    actioned: tuple[tuple[str, int], ...]

    @property
    def total_requests(self) -> int:
        return sum(t.requests for t in self.by_type)

    @property
    def preservation_requests(self) -> int:
        return sum(t.requests for t in self.by_type if t.type is RequestType.PRESERVATION)

    def to_json(self) -> dict[str, Any]:
        return {
            "period": {"from": self.start.isoformat(), "to": self.end.isoformat()},
            "requests_total": self.total_requests,
            "requests_by_type": [
                {
                    "type": t.type.value,
                    "label": t.type.label,
                    "requests": t.requests,
                    "accounts_specified": t.accounts_specified,
                    "requests_with_data_produced": t.produced_some,
                    "percent_with_data_produced": None
                    if t.produced_share is None
                    else round(100 * t.produced_share, 1),
                }
                for t in self.by_type
            ],
            "preservation_requests": self.preservation_requests,
            "cybertip_reports_filed": self.cybertip_reports,
            "posts_actioned_by_category": dict(self.actioned),
            "posts_actioned_total": sum(n for _, n in self.actioned),
        }


def build_report(
    start: date,
    end: date,
    requests: Iterable[RequestRow],
    *,
    cybertip_reports: int,
    actioned: Mapping[str, int],
) -> TransparencyReport:
    """Count the period. Every request type gets a row, zero included, so reports compare across periods."""
    if start > end:
        raise InputError(f"period starts {start} after it ends {end}", record="transparency", field="from")
    if cybertip_reports < 0 or any(n < 0 for n in actioned.values()):
        raise InputError("counts cannot be negative", record="transparency", field="counts")
    totals = {t: [0, 0, 0] for t in RequestType}
    for row in requests:
        acc = totals[row.type]
        acc[0] += 1
        acc[1] += row.accounts_specified
        acc[2] += int(row.produced_some)
    by_type = tuple(TypeCounts(t, *totals[t]) for t in RequestType)
    ordered = tuple(sorted(((k or "uncategorized", n) for k, n in actioned.items()), key=lambda kv: (-kv[1], kv[0])))
    return TransparencyReport(start, end, by_type, cybertip_reports, ordered)


class _SafeWriter:
    """A CSV writer whose every cell is neutralised: categories come from platform data, so a category named
    ``=HYPERLINK(...)`` must stay text in the analyst's spreadsheet."""

    def __init__(self, buf: io.StringIO) -> None:
        self._w = csv.writer(buf, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._w.writerow(spreadsheet_row(row))


def to_csv(report: TransparencyReport) -> str:
    """A long-format CSV (section, key, metric, value): one file that spreadsheets and scripts read alike."""
    buf = io.StringIO()
    w = _SafeWriter(buf)
    w.writerow(["section", "key", "metric", "value"])
    w.writerow(["period", "", "from", report.start.isoformat()])
    w.writerow(["period", "", "to", report.end.isoformat()])
    for t in report.by_type:
        w.writerow(["requests", t.type.value, "requests", t.requests])
        w.writerow(["requests", t.type.value, "accounts_specified", t.accounts_specified])
        w.writerow(["requests", t.type.value, "requests_with_data_produced", t.produced_some])
        share = "" if t.produced_share is None else f"{100 * t.produced_share:.1f}"
        w.writerow(["requests", t.type.value, "percent_with_data_produced", share])
    w.writerow(["preservation", "", "requests", report.preservation_requests])
    w.writerow(["cybertipline", "", "reports_filed", report.cybertip_reports])
    for category, n in report.actioned:
        w.writerow(["posts_actioned", category, "posts", n])
    return buf.getvalue()


def bar_chart_svg(title: str, bars: Iterable[tuple[str, float]], *, unit: str = "", width: int = 640) -> str:
    """A horizontal bar chart as inline SVG, labels escaped (categories may come from platform data)."""
    items = list(bars)
    row_h, label_w, pad = 24, 230, 8
    height = pad * 2 + 28 + row_h * max(len(items), 1)
    top = max((v for _, v in items), default=0) or 1
    plot_w = width - label_w - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f'<text x="{pad}" y="{pad + 14}" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    if not items:
        parts.append(f'<text x="{pad}" y="{pad + 44}" font-size="12">no data</text>')
    for i, (label, value) in enumerate(items):
        y = pad + 28 + i * row_h
        w = 0 if value <= 0 else max(1.0, plot_w * value / top)
        shown = f"{value:g}{unit}"
        parts.append(f'<text x="{pad}" y="{y + 15}" font-size="12">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="#3b6ea8"/>')
        parts.append(f'<text x="{label_w + w + 5:.1f}" y="{y + 15}" font-size="12">{escape(shown)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def to_html(report: TransparencyReport) -> str:
    data = report.to_json()
    charts = [
        bar_chart_svg("Requests by type", [(t.type.label, t.requests) for t in report.by_type]),
        bar_chart_svg(
            "Requests where some data was produced",
            [(t.type.label, round(100 * (t.produced_share or 0.0), 1)) for t in report.by_type],
            unit="%",
        ),
        bar_chart_svg("Posts actioned by category", list(report.actioned)),
    ]
    rows = "\n".join(
        f"<tr><td>{escape(r['label'])}</td><td>{r['requests']}</td><td>{r['accounts_specified']}</td>"
        f"<td>{'—' if r['percent_with_data_produced'] is None else str(r['percent_with_data_produced']) + '%'}</td></tr>"
        for r in data["requests_by_type"]
    )
    period = f"{report.start.isoformat()} to {report.end.isoformat()}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Transparency report {escape(period)}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:60em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.2em .6em;text-align:left}}figure{{margin:1.5em 0}}</style></head>
<body>
<h1>Transparency report</h1>
<p>Period: {escape(period)}</p>
<h2>Legal process</h2>
<table><tr><th>Request type</th><th>Requests</th><th>Accounts specified</th><th>Some data produced</th></tr>
{rows}
</table>
<p>Preservation requests: {report.preservation_requests}. Total requests: {report.total_requests}.</p>
<h2>Reports and enforcement</h2>
<p>CyberTipline reports filed: {report.cybertip_reports}. Posts actioned: {data["posts_actioned_total"]}.</p>
{"".join(f"<figure>{c}</figure>" for c in charts)}
</body></html>
"""


def write_report(report: TransparencyReport, out_dir: str | Path) -> list[Path]:
    """Write ``transparency.json``, ``transparency.csv`` and ``transparency.html`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "transparency.json", out / "transparency.csv", out / "transparency.html"]
    paths[0].write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(to_csv(report), encoding="utf-8")
    paths[2].write_text(to_html(report), encoding="utf-8")
    return paths
