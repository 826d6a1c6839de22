"""Phone extraction through each obfuscation class, and the false positives it must avoid.

All numbers are in the fictional 555-01xx range (or other countries' documentation ranges).
"""

from __future__ import annotations

import pytest

from adwarden.extract import extract_all


def phones(text: str, **kw: str) -> list[str]:
    return [f.value for f in extract_all(text, **kw).phones]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call 206-555-0147", ["+12065550147"]),
        ("(206) 555-0147", ["+12065550147"]),
        ("206.555.0147", ["+12065550147"]),
        ("2065550147", ["+12065550147"]),
        ("+1 206 555 0147", ["+12065550147"]),
        ("1-206-555-0147", ["+12065550147"]),
        # number words, misspellings, "oh" for zero
        ("two oh six five five five oh one four seven", ["+12065550147"]),
        ("tw0 zer0 s1x fiv fyve f1ve zro one fuor sevn", ["+12065550147"]),
        ("two zero six five five five zero one four sven", ["+12065550147"]),
        # homoglyphs: O/o for 0, l/I for 1
        ("2O6-555-Ol47", ["+12065550147"]),
        ("2o6 555 o1I7", ["+12065550117"]),
        # separators of every kind, including emoji
        ("206🌹555🌹0147", ["+12065550147"]),
        ("*206~*555~01**47", ["+12065550147"]),
        ("206 ... 555 ... 0147", ["+12065550147"]),
        # full-width, mathematical, circled and keycap digits
        ("２０６５５５０１４７", ["+12065550147"]),
        ("𝟐𝟎𝟔 𝟓𝟓𝟓 𝟎𝟏𝟒𝟕", ["+12065550147"]),
        ("②⓪⑥-⑤⑤⑤-⓪①④⑦", ["+12065550147"]),
        ("2️⃣0️⃣6️⃣5️⃣5️⃣5️⃣0️⃣1️⃣4️⃣7️⃣", ["+12065550147"]),
        # digits spaced out one by one
        ("2 0 6 5 5 5 0 1 4 7", ["+12065550147"]),
        # words and digits mixed, tens words
        ("2ONE6-FIVE5five-0ONE4SEVEN", ["+12165550147"]),
        ("two oh six fifty five five oh one forty seven", ["+12065550147"]),
        ("2twentysix-5fivefive-0onefourseven", ["+12265550147"]),
        ("{2one6}..{5five5}..{0one4seven}", ["+12165550147"]),
        ("2o6 five5five o1 4 seven", ["+12065550147"]),
        # several numbers in one text
        ("call 206-555-0147 or text (425) 555-0199", ["+12065550147", "+14255550199"]),
    ],
)
def test_obfuscation_classes(text: str, expected: list[str]) -> None:
    assert phones(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "$200 $300 $400 $500",
        "100 roses qv 150 roses hh 250 roses hr",
        "measurements 34D-24-36, 5'4\" 120lbs",
        "height 5'7 weight 130 lbs size 36-24-36",
        "posted 11/28/2013 10:43 pm",
        "open 10:30-11:30 and 2:00-4:00",
        "zip 98101, 98102 and 98103",
        "Post ID: 2065550147",
        "ad #4255550199 ref no. 2065550123",
        "i am 21 years old, 24/7, 420 friendly",
        "order 12345678901234 tracking 555012345678",
        "1999 2000 2001 2002",
        "one night two girls three hours",
    ],
)
def test_false_positive_classes(text: str) -> None:
    assert phones(text) == []


def test_date_next_to_a_phone_lends_no_digits() -> None:
    assert phones("posted 11/28/2013 206-555-0147") == ["+12065550147"]
    assert phones("$150 hh 206 555 0147 24/7") == ["+12065550147"]


def test_span_points_at_the_original_characters() -> None:
    text = "Hi! call ２０６-five5five-O147 now"
    f = extract_all(text).phones[0]
    assert text[f.start : f.end] == "２０６-five5five-O147"
    text = "x (206) 555-0147"
    f = extract_all(text).phones[0]
    assert text[f.start : f.end] == "(206) 555-0147"


def test_international_numbers_keep_their_country_code() -> None:
    assert phones("call +44 20 7946 0958") == ["+442079460958"]
    assert phones("call 0044 20 7946 0958", location="London") == ["+442079460958"]
    assert phones("whatsapp +61 491 570 156") == ["+61491570156"]


def test_region_from_location_and_url() -> None:
    # National format is read in the country the post is in.
    assert phones("call 020 7946 0958", location="London, UK") == ["+442079460958"]
    assert phones("call 0491 570 156", location="Melbourne") == ["+61491570156"]
    assert phones("call 020 7946 0958", url="https://ads.example.co.uk/london/1") == ["+442079460958"]
    assert phones("call 0491 570 156", url="https://melbourne.example.com/ads/1") == ["+61491570156"]
    # Without a hint the default region (US) applies and these are not US numbers.
    assert phones("call 020 7946 0958") == []
    # A US number stays a US number on a foreign page.
    assert phones("call 206-555-0147", location="London") == ["+12065550147"]
    assert phones("0491 570 156", region="AU") == ["+61491570156"]


def test_phone_in_url() -> None:
    url = "https://ads.example.com/seattle/jane-206-555-0147/12345"
    ex = extract_all("", url=url)
    assert [f.value for f in ex.phones] == ["+12065550147"]
    assert ex.phones[0].attrs["source"] == "url"
    assert url[ex.phones[0].start : ex.phones[0].end] == "206-555-0147"
    # Found in both: reported once, from the text.
    ex = extract_all("call 206-555-0147", url=url)
    assert len(ex.phones) == 1 and "source" not in ex.phones[0].attrs
