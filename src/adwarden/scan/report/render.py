"""Render the findings (:mod:`adwarden.scan.summary`) as one self-contained HTML file.

Why self-contained: an analyst opens it offline, mails it, or keeps it with a case file; so the CSS is inline,
the charts are inline SVG, and nothing is fetched (no fonts, scripts or images; URLs from ads are shown as
text, never as links). Ad text is hostile input: Jinja2's autoescaping is on, and the two places that add
markup to ad text (the highlighted span of an excerpt, the slots of a template) escape every piece first.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape

from adwarden.scan.report.charts import hbars, vbars

__all__ = ["render_report"]

_SLOT = re.compile(r"\{(name|age|price|phone|city|number|text)\}")


def highlight(excerpt: dict[str, Any]) -> Markup:
    """An excerpt with its marked span in ``<mark>``, everything escaped."""
    text = str(excerpt.get("text") or "")
    mark = excerpt.get("mark")
    if not mark:
        return escape(text)
    a, b = int(mark[0]), int(mark[1])
    return escape(text[:a]) + Markup("<mark>") + escape(text[a:b]) + Markup("</mark>") + escape(text[b:])


def slots(skeleton: str) -> Markup:
    """A template skeleton with each ``{kind}`` slot as a labelled, highlighted chip."""
    out = Markup("")
    pos = 0
    for m in _SLOT.finditer(skeleton):
        out += escape(skeleton[pos : m.start()])
        out += Markup('<span class="slot slot-{0}">{0}</span>').format(m.group(1))
        pos = m.end()
    return out + escape(skeleton[pos:])


def short(value: object, keep: int = 56) -> str:
    """A long id (often a URL) cut to its distinctive end: ``...olympia/huge-dds-38/15115395``."""
    text = str(value)
    return text if len(text) <= keep else "\u2026" + text[-(keep - 1):]


def _env() -> Environment:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["highlight"] = highlight
    env.filters["slots"] = slots
    env.filters["short"] = short
    env.filters["num"] = lambda v: f"{v:,}" if isinstance(v, int) else v
    return env


def _read(name: str) -> str:
    return resources.files("adwarden.scan.report").joinpath(name).read_text(encoding="utf-8")


def render_report(summary: dict[str, Any]) -> str:
    """The report as an HTML string."""
    by_id = {r["id"]: r for r in summary["networks"]}
    top_ids = list(dict.fromkeys([*summary["top"]["riskiest"], *summary["top"]["largest"]]))
    charts = {
        "timeline": Markup(vbars([(d["day"], d["posts"]) for d in summary["timeline"]], title="posts per day")),
        "cities": Markup(hbars([(c["city"], c["posts"]) for c in summary["cities"][:15]], title="top cities")),
        "indicators": Markup(hbars([(i["label"], i["posts"]) for i in summary["indicators"][:15]],
                                   title="top evidence labels", label_width=260)),
        "sizes": Markup(hbars([(f"{s['size']} posts", s["networks"]) for s in summary["network_sizes"]],
                              title="networks by size", label_width=120, width=420)),
        "actions": Markup(hbars(list(summary["totals"]["actions"].items()), title="verdicts",
                                label_width=80, width=420)),
    }
    template = _env().from_string(_read("report.html"))
    return template.render(
        s=summary,
        t=summary["totals"],
        css=Markup(_read("report.css")),
        charts=charts,
        riskiest=[by_id[i] for i in summary["top"]["riskiest"]],
        largest=[by_id[i] for i in summary["top"]["largest"]],
        detailed=[by_id[i] for i in top_ids],
        max_rejected=1000,
    )
