"""Country of a URL and of a location field: hosts and local city names first, never an ad's slug
or a bigger namesake of a neighbourhood named after the city."""

from __future__ import annotations

import pytest

from adwarden.extract.places import countries_in_text, country_from_text, country_from_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://moskva.example.com/x/1", "RU"),
        ("https://milano.example.com/annunci/9", "IT"),
        ("https://quito.example.com/anuncio/7", "EC"),
        ("https://saopaulo.example.com/a", "BR"),
        ("https://roma.example.com/a", "IT"),
        ("https://london.example.co.uk/ads/1", "GB"),
        ("https://example.com/escorts/london/123", "GB"),
        # an archived copy: the original host is a path segment; the title slug is not a place
        ("https://archive.example.net/arch/20140101/tacoma.example.com/ads/new-girl-from-mongolia-22/13538952", "US"),
        ("https://example.com/ads/sweet-girl-from-japan-new-in-town/99", None),
        ("https://www.example.com/", None),
    ],
)
def test_country_from_url(url: str, expected: str | None) -> None:
    assert country_from_url(url) == expected


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("Tacoma, Tacoma/Aberdeen (outcalls only)", "US"),
        ("Bellingham, Mt Vernon Burlington", "US"),
        ("Москва", "RU"),
        ("Roma", "IT"),
        ("Manchester, UK", "GB"),
    ],
)
def test_country_from_location(location: str, expected: str) -> None:
    assert country_from_text(location) == expected


def test_countries_in_text_need_a_location_word_for_latin_names() -> None:
    assert countries_in_text("New in London! Then visiting Italy, from Japan") == ("GB", "IT")
    assert countries_in_text("Hi I am Sofia, sweet girl from Brazil") == ()
    assert countries_in_text("звони, Москва") == ("RU",)
