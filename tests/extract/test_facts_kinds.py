"""Ages, youth language, prices, locations, service mode and availability."""

from __future__ import annotations

import pytest

from adwarden.extract import extract_all
from adwarden.extract.facts import Extraction, Fact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi i'm 19 and new", ["19"]),
        ("I am 22", ["22"]),
        ("19 yo", ["19"]),
        ("19yrs old", ["19"]),
        ("age: 24", ["24"]),
        ("Aged 31", ["31"]),
        ("nineteen years old", ["19"]),
        ("i'm twenty-one", ["21"]),
        ("just turned 18", ["18"]),
        ("I'm 17 years old", ["17"]),
        ("34D, 5'4, 120lbs, $200, 24/7", []),
        ("I'm 5'4 and 120 lbs", []),
        ("open 2 years", []),
    ],
)
def test_ages(text: str, expected: list[str]) -> None:
    assert [f.value for f in extract_all(text).ages] == expected


def test_youth_language() -> None:
    ex = extract_all("Sweet y0uuung t33n, barely-legal and fresh, new to the game")
    assert [f.value for f in ex.youth_language] == ["young", "teen", "barely legal", "fresh", "new to the game"]
    text = "so Y O U N G"  # spaced letters are not matched: too many false positives
    assert [f.value for f in extract_all(text).youth_language] == []
    assert extract_all("steen canteen youngstown?").youth_language == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("qv 80 hh 120 hr 200 roses", [("80", "", 15), ("120", "", 30), ("200", "rose", 60)]),
        ("$100 hh $150 hr", [("100", "dollar", 30), ("150", "dollar", 60)]),
        ("30 min - 200 roses, 1h - 300 roses 350 roses", [("200", "rose", 30), ("300", "rose", 60), ("350", "rose", 60)]),
        ("150hh 250/hr", [("150", "", 30), ("250", "", 60)]),
        ("100-150 donations for fh", [("100", "donation", 60), ("150", "donation", 60)]),
        ("50 roses = 15 min, 80 roses = 30 min", [("50", "rose", 15), ("80", "rose", 30)]),
        ("300 candies overnight", [("300", "candy", 480)]),
        ("special $99", [("99", "dollar", None)]),
        ("5'4 120 lbs 36-24-36 age 25 call 24/7", []),
    ],
)
def test_prices(text: str, expected: list[tuple[str, str, int | None]]) -> None:
    got = [(f.value, f.attrs["currency"], f.attrs["minutes"]) for f in extract_all(text).prices]
    assert got == expected


def test_prices_ignore_phone_digits() -> None:
    got = [f.value for f in extract_all("call 206 555 0147 hh 100").prices]
    assert got == ["100"]


def test_locations() -> None:
    text = "New in Tacoma! Visiting Seattle, WA this week, then Long Beach, CA"
    locs = extract_all(text).locations
    assert [f.value for f in locs] == ["tacoma", "seattle", "long beach"]
    assert text[locs[1].start : locs[1].end] == "Seattle, WA"
    assert locs[1].attrs["state"] == "WA" and locs[1].attrs["country"] == "US"
    assert 47 < locs[1].attrs["lat"] < 48 and -123 < locs[1].attrs["lon"] < -122
    # Common words and first names that are also towns need a cue.
    assert extract_all("Real Best Hot Time with Victoria").locations == ()
    assert [f.value for f in extract_all("Location: Mobile").locations] == ["mobile"]


def test_service_and_availability() -> None:
    ex = extract_all("INCALL & 0utcall, in/out calls, car dates. Available 24/7, here now, all night")
    assert [f.value for f in ex.service] == ["incall", "outcall", "incall", "outcall", "car"]
    assert [f.value for f in ex.availability] == ["24/7", "now", "overnight"]


def test_to_json_shape() -> None:
    out = extract_all("IG: jane_doe99, 206-555-0147, $150 hh, Seattle, WA").to_json()
    assert set(out) == {
        "phones", "emails", "urls", "handles", "payments", "ages", "prices", "locations", "service",
        "availability", "youth_language",
    }
    assert out["phones"] == [{"value": "+12065550147", "start": 16, "end": 28}]
    assert out["handles"][0]["platform"] == "instagram" and out["handles"][0]["value"] == "jane_doe99"
    assert out["prices"][0] == {"value": "150", "currency": "dollar", "minutes": 30, "start": 30, "end": 34}


def test_fact_and_extraction_constructors_set_every_field() -> None:
    # Both classes have a hand-written __init__ (through their slots' setters): every field must land
    # where its name says, defaults included, and the classes stay frozen.
    import dataclasses

    f = Fact("phone", "+12065550147", 5, 17)
    assert (f.kind, f.value, f.start, f.end, dict(f.attrs)) == ("phone", "+12065550147", 5, 17, {})
    g = Fact(kind="age", value="22", start=1, end=3, attrs={"cue": "suffix"})
    assert dataclasses.replace(g, value="23") == Fact("age", "23", 1, 3, {"cue": "suffix"})
    assert hash(Fact("age", "22", 1, 3, {"a": 1})) == hash(Fact("age", "22", 1, 3))  # attrs are not hashed
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.value = "x"  # type: ignore[misc]
    names = [fl.name for fl in dataclasses.fields(Extraction)]
    for i, name in enumerate(names):
        one = Fact("phone", str(i), i, i + 1)
        ex = Extraction(**{name: (one,)})
        assert [getattr(ex, n) for n in names] == [(one,) if n == name else () for n in names]
        positional = Extraction(*[(one,) if n == name else () for n in names])
        assert positional == ex
    with pytest.raises(dataclasses.FrozenInstanceError):
        ex.phones = ()  # type: ignore[misc]
