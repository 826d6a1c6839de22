"""Price classes beyond the basics in test_facts_kinds: where ads put the currency, how they write
units, thousands and ranges, and the numbers next to prices that are not prices."""

from __future__ import annotations

import pytest

from adwarden.extract import extract_all


def prices(text: str) -> list[tuple[str, str, int | None]]:
    return [(f.value, f.attrs["currency"], f.attrs["minutes"]) for f in extract_all(text).prices]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # currency sign after the amount
        ("30min 80$ 1hr 150$", [("80", "dollar", 30), ("150", "dollar", 60)]),
        ("hh 100€ h 180€", [("100", "euro", 30), ("180", "euro", 60)]),
        ("150£ per hour", [("150", "pound", 60)]),
        # amount then a bare "h" unit, or "/h"
        ("100hh 150h 300 2h", [("100", "", 30), ("150", "", 60), ("300", "", 120)]),
        ("rates 100/hh 180/h", [("100", "", 30), ("180", "", 60)]),
        ("$120/half hour $200/hour", [("120", "dollar", 30), ("200", "dollar", 60)]),
        # thousands
        ("overnight $1,200", [("1200", "dollar", 480)]),
        ("overnight 1.5k", [("1500", "", 480)]),
        ("2k roses overnight", [("2000", "rose", 480)]),
        # per-hour written as words in other languages
        ("1 ora 250 euro, mezz'ora 150 euro", [("250", "euro", 60), ("150", "euro", 30)]),
        ("media hora 80 dolares, 1 hora 120 dolares", [("80", "dollar", 30), ("120", "dollar", 60)]),
        # US dollars written out, "usd" before the amount
        ("USD 200 per hour", [("200", "dollar", 60)]),
        ("200 dollars an hour", [("200", "dollar", 60)]),
        # a single price with its duration after a colon
        ("Hour: 200. Half hour: 140", [("200", "", 60), ("140", "", 30)]),
    ],
)
def test_price_layouts(text: str, expected: list[tuple[str, str, int | None]]) -> None:
    assert prices(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "available 24/7, 100% real, 5'6 130lbs",
        "since 2012, 3 girls, 2 hours from Seattle",
        "open 10am-10pm, 1 hour notice",
        "size 8, 34C, 120 lbs",
        "10k followers, ran a 5k",
    ],
)
def test_not_prices(text: str) -> None:
    assert prices(text) == []
