"""Small inline SVG bar charts for the offline report (no JavaScript, no external assets).

Every label is escaped here (labels come from ad data: city names, indicator ids), and the SVG is returned
as a string the template inserts as markup.

>>> svg = hbars([("Seattle, WA", 3), ("<b>", 1)])
>>> "&lt;b&gt;" in svg and "<b>" not in svg
True
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["hbars", "vbars"]

_BAR = "#b8322a"
_AXIS = "#888"


def hbars(items: Sequence[tuple[str, int]], *, width: int = 560, row: int = 20, label_width: int = 220,
          title: str = "") -> str:
    """Horizontal bars, one row per ``(label, value)``, largest scale = the largest value."""
    if not items:
        return '<p class="empty">nothing to chart</p>'
    top = max(v for _, v in items) or 1
    bar_space = width - label_width - 70
    height = row * len(items) + 8
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for n, (label, value) in enumerate(items):
        y = 4 + n * row
        w = max(1.0, bar_space * value / top) if value else 0.0
        short = label if len(label) <= 34 else label[:33] + "\u2026"
        parts.append(f'<text x="{label_width - 6}" y="{y + row * 0.7:.1f}" text-anchor="end" font-size="12">'
                     f'{escape(short)}<title>{escape(label)}</title></text>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{_BAR}"/>')
        parts.append(f'<text x="{label_width + w + 4:.1f}" y="{y + row * 0.7:.1f}" font-size="12">{value:,}</text>')
    parts.append("</svg>")
    return "".join(parts)


def vbars(items: Sequence[tuple[str, int]], *, width: int = 900, height: int = 180, title: str = "",
          max_bars: int = 400) -> str:
    """Vertical bars over an ordered axis (days); labels for the first, middle and last bar only. More than
    ``max_bars`` items are summed into that many buckets so the chart stays readable."""
    if not items:
        return '<p class="empty">nothing to chart</p>'
    if len(items) > max_bars:
        step = -(-len(items) // max_bars)
        items = [(items[i][0], sum(v for _, v in items[i : i + step])) for i in range(0, len(items), step)]
    top = max(v for _, v in items) or 1
    plot_h = height - 36
    bw = (width - 50) / len(items)
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="4" y="14" font-size="11" fill="{_AXIS}">{top:,}</text>',
             f'<line x1="44" y1="{plot_h + 6}" x2="{width}" y2="{plot_h + 6}" stroke="{_AXIS}"/>']
    for n, (label, value) in enumerate(items):
        h = plot_h * value / top
        x = 46 + n * bw
        parts.append(f'<rect x="{x:.1f}" y="{plot_h + 6 - h:.1f}" width="{max(bw - 1, 0.6):.1f}" height="{h:.1f}" '
                     f'fill="{_BAR}"><title>{escape(label)}: {value:,}</title></rect>')
    for n in sorted({0, len(items) // 2, len(items) - 1}):
        x = 46 + n * bw
        parts.append(f'<text x="{x:.1f}" y="{height - 6}" font-size="11" fill="{_AXIS}">'
                     f'{escape(items[n][0])}</text>')
    parts.append("</svg>")
    return "".join(parts)
