"""Foreign numbers in full ads: the region comes from the URL's host, the location, a country or city
named in the text, a country code written without ``+``, or the ad's language; and no number is
pulled out of an ID, a date or a price. Misspelled number words are read as digits.

All numbers are fictional or documentation examples (555-01xx in NANP, Ofcom's 07700 900xxx drama
range, the example numbers ``phonenumbers`` ships for other countries); all domains are example.com.
"""

from __future__ import annotations

import pytest

from adwarden.extract import extract_all


def phones(text: str, **kw: str | None) -> list[str]:
    return [f.value for f in extract_all(text, **kw).phones]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call two oh six fiev five five oh one four seven", ["+12065550147"]),
        ("two zero six five five five zreo one fuor sevne", ["+12065550147"]),
        ("tow oh six", []),  # an English word is not a misspelled "two", and 3 digits are no phone
        ("two oh six fvie five five oh one four eihgt", ["+12065550148"]),
        ("nien one six five five five zeor one four seven", ["+19165550147"]),
    ],
)
def test_misspelled_number_words(text: str, expected: list[str]) -> None:
    assert phones(text) == expected


@pytest.mark.parametrize(
    ("text", "kw", "expected"),
    [
        # UK mobile written nationally; the UK is said by the URL, the location or the text
        ("Text me 07700 900123 x", {"url": "https://london.example.com/ads/1"}, ["+447700900123"]),
        ("Text me 07700 900123 x", {"location": "Manchester, UK"}, ["+447700900123"]),
        ("New in London! Text me on 07700 900123", {}, ["+447700900123"]),
        ("visiting the UK this week, 07700 900124", {}, ["+447700900124"]),
        # city names in the local language in the host, country by the location in another script
        ("звони 8 916 123-45-67", {"url": "https://moskva.example.com/x/1"}, ["+79161234567"]),
        ("chiamami 333 123 4567", {"url": "https://milano.example.com/annunci/9"}, ["+393331234567"]),
        ("llámame 099 123 4567", {"url": "https://quito.example.com/anuncio/7"}, ["+593991234567"]),
        ("звони 8 916 123-45-67", {"location": "Москва"}, ["+79161234567"]),
        ("chiamami 333 123 4567", {"location": "Roma"}, ["+393331234567"]),
        # country code written without "+"
        ("whatsapp 44 7700 900125", {}, ["+447700900125"]),
        ("whatsapp 7 916 123 45 67", {}, ["+79161234567"]),
        ("whatsapp 593 99 123 4567", {}, ["+593991234567"]),
        ("whatsapp 39 333 123 4567", {}, ["+393331234567"]),
        ("whatsapp 00 39 333 123 4567", {}, ["+393331234567"]),
        # the language says where the ad is
        ("Привет, я новенькая в городе, звони 8 916 123 45 67", {}, ["+79161234567"]),
        ("Ciao ragazzi, sono nuova in città, chiamami al 333 123 4567", {}, ["+393331234567"]),
        # a script alone (too short to classify), a city page whose name is also a first name
        ("8(916)1234567 звони", {}, ["+79161234567"]),
        ("tel. 06 12 34 56 78 bisous", {"url": "https://paris.example.com/x"}, ["+33612345678"]),
        ("call me 0412 345 678", {"location": "Sydney"}, ["+61412345678"]),
        ("Appelle-moi au 06 12 34 56 78, je suis nouvelle à Paris", {}, ["+33612345678"]),
        ("Ruf mich an: 0151 12345678, bin neu in Berlin", {}, ["+4915112345678"]),
        # a US number stays a US number in a foreign ad
        ("chiamami 206-555-0147", {"url": "https://milano.example.com/a"}, ["+12065550147"]),
        ("chiamami 12065550147", {"url": "https://milano.example.com/a"}, ["+12065550147"]),
        ("chiamami 1 206 555 0147", {"url": "https://milano.example.com/a"}, ["+12065550147"]),
    ],
)
def test_region_signals(text: str, kw: dict[str, str], expected: list[str]) -> None:
    assert phones(text, **kw) == expected


@pytest.mark.parametrize(
    ("text", "kw"),
    [
        ("annuncio id 3331234567 pubblicato", {"url": "https://milano.example.com/a"}),
        ("Post ID: 79161234567", {}),
        ("pubblicato il 12.03.2015 alle 10:45", {"url": "https://milano.example.com/a"}),
        ("posted 2013-10-10 14:22:05 UTC", {}),
        ("€150 30 min €250 1 ora €400 2 ore", {"url": "https://milano.example.com/a"}),
        ("$150 $250 $400 $600 $1000", {}),
        ("ref 201310101422", {}),
        ("listing 4477009001", {}),
    ],
)
def test_no_number_from_ids_dates_prices(text: str, kw: dict[str, str]) -> None:
    assert phones(text, **kw) == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # an age at the end of the slug, then the post ID: never one number
        ("https://seattle.example.com/FemaleEscorts/new-in-town-sweet-25/13538952", []),
        # a date directory, then an ID
        ("https://archive.example.com/arch/20140101/ads/2514/13538952", []),
        ("https://seattle.example.com/ads/call-206-555-0147-now-25/13538952", ["+12065550147"]),
        ("https://example.com/ad/longisland/206-555-0148/1/123456", ["+12065550148"]),
    ],
)
def test_numbers_in_urls_stay_inside_one_segment(url: str, expected: list[str]) -> None:
    assert phones("sweet and new", url=url) == expected
