"""The NANP fast path must give exactly the answer of ``phonenumbers`` (parse + is_valid_number)."""

from __future__ import annotations

import random

import phonenumbers

from adwarden.extract.phone_validate import cache_info, nanp_e164, validate


def _reference(digits: str, region: str) -> str | None:
    try:
        num = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def test_fast_path_agrees_with_phonenumbers_on_every_area_code_and_random_numbers() -> None:
    rng = random.Random(13)
    samples = [f"{npa:03d}{rng.randrange(10**7):07d}" for npa in range(1000)]
    samples += [f"{rng.randrange(10**10):010d}" for _ in range(3000)]
    samples += [f"{npa:03d}555{rng.randrange(100, 200):04d}" for npa in range(200, 1000)]
    disagreements = [(d, r) for d in samples for r in ("US", "CA", "PR")
                     if validate(d, r, False) != _reference(d, r)]
    assert disagreements == []


def test_eleven_digits_with_the_leading_one_and_plus_one() -> None:
    assert validate("12065550147", "US", False) == "+12065550147"
    assert validate("12065550147", "GB", True) == "+12065550147"
    assert validate("18765550147", "US", False) == _reference("18765550147", "US")


def test_non_nanp_goes_through_phonenumbers() -> None:
    assert validate("07700900123", "GB", False) == "+447700900123"
    assert validate("447700900123", "US", True) == "+447700900123"
    assert validate("0770090012", "GB", False) is None


def test_invalid_shapes_are_rejected_without_error() -> None:
    assert nanp_e164("123") is None
    assert nanp_e164("20655501a7") is None
    assert validate("0000000000", "US", False) is None


def test_repeated_candidates_hit_the_cache() -> None:
    before = cache_info()
    for _ in range(3):
        validate("2065550199", "US", False)
    after = cache_info()
    assert after["hits"] >= before["hits"] + 2
