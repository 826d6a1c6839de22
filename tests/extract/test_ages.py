"""Stated ages: every cue class, every language, and the numbers that are not the poster's age.

All texts are synthetic. Each class of the age extractor has positives and negatives here; the facts carry
the cue that made the number an age (``attrs["cue"]``, ``attrs["evidence"]``), which reviewers see.
"""

from __future__ import annotations

import pytest

from adwarden.extract import extract_all
from adwarden.extract.numwords import SPELLED_LANGUAGES, spelled_numbers


def ages(text: str) -> list[str]:
    return [f.value for f in extract_all(text).ages]


def cues(text: str) -> list[tuple[str, str]]:
    return [(f.value, str(f.attrs["cue"])) for f in extract_all(text).ages]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Age 22", "22"),
        ("Age: 22", "22"),
        ("age : 22", "22"),
        ("Age :\n   19 \n Height : 5'6", "19"),
        ("Poster's age: 26\nLocation: Tacoma", "26"),
        ("Age:  21 Location: downtown", "21"),
        ("my age is 23", "23"),
        ("aged 31, discreet", "31"),
    ],
)
def test_structured_age_fields(text: str, expected: str) -> None:
    assert cues(text) == [(expected, "field")]


@pytest.mark.parametrize(
    "text",
    ["22 y/o", "22yo", "22 yo", "22 y.o.", "22yrs", "22 yrs old", "22 years old", "22-year-old", "22 years young",
     "twenty two years old", "twenty-two yo"],
)
def test_suffix_cues(text: str) -> None:
    assert cues(f"Sweet girl, {text}, call me") == [("22", "suffix")]


@pytest.mark.parametrize(
    ("text", "value", "language"),
    [
        ("Hola, tengo 16 años, nueva", "16", "es"),
        ("tengo dieciséis años", "16", "es"),
        ("chica de veintidós años", "22", "es"),
        ("treinta y dos años", "32", "es"),
        ("edad: 17", "17", "es"),
        ("Olá, tenho 17 anos", "17", "pt"),
        ("tenho dezessete anos", "17", "pt"),
        ("vinte e duas aninhos", "22", "pt"),
        ("idade: 15", "15", "pt"),
        ("Bonjour, j'ai 16 ans", "16", "fr"),
        ("j'ai seize ans", "16", "fr"),
        ("vingt et un ans", "21", "fr"),
        ("âge : 23", "23", ""),  # a form field "age:" says nothing about the language
        ("Ciao, ho 16 anni", "16", "it"),
        ("ho sedici anni", "16", "it"),
        ("ventotto anni", "28", "it"),
        ("età: 17", "17", "it"),
        ("Привет, мне 16 лет", "16", "ru"),
        ("мне шестнадцать лет", "16", "ru"),
        ("двадцать два года", "22", "ru"),
        ("Возраст: 17", "17", "ru"),
        ("мне 15, пиши", "15", "ru"),
        ("我今年十六岁", "16", "zh"),
        ("学生妹16岁", "16", "zh"),
        ("年龄：17", "17", "zh"),
        ("二十二岁", "22", "zh"),
    ],
)
def test_ages_in_every_language(text: str, value: str, language: str) -> None:
    facts = extract_all(text).ages
    assert [f.value for f in facts] == [value]
    assert facts[0].attrs.get("language", "") == language


def test_spelled_numbers_cover_10_to_79_in_every_language() -> None:
    for lang in SPELLED_LANGUAGES:
        values = set(spelled_numbers(lang).values())
        assert values == set(range(10, 80)), lang
    with pytest.raises(ValueError, match="no number words for language 'xx'"):
        spelled_numbers("xx")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm 19 and new", [("19", "self")]),
        ("i am twenty-one, sweet", [("21", "self")]),
        ("just turned 18", [("18", "turned")]),
        ("turned 18 last week!", [("18", "turned")]),
        ("acabo de cumplir 18", [("18", "turned")]),
        ("I moved here when I was about 16. Text me", [("16", "past")]),
    ],
)
def test_self_turned_and_past_cues(text: str, expected: list[tuple[str, str]]) -> None:
    assert cues(text) == expected


def test_past_age_is_marked_past() -> None:
    (fact,) = extract_all("when i was 16 i moved here, now 25 years old").ages[:1]
    assert fact.attrs["past"] is True
    assert ages("when i was 16 i moved here, now 25 years old") == ["16", "25"]


def test_title_age_at_the_end_of_a_line() -> None:
    facts = extract_all("Sweet and discreet, new in town - 23\nCall me, 555-0142").ages
    assert [(f.value, f.attrs["cue"]) for f in facts] == [("23", "title")]
    assert facts[0].attrs["evidence"] == "- 23"
    assert ages("Relaxing massage special - 35 - Example Site") == ["35"]


@pytest.mark.parametrize(
    "text",
    [
        "Qv - 60\nHalf hour - 100",  # rate lines
        "incall 30 min - 80",
        "call 206 - 555 - 0147 - 24",  # the last link of a chain of numbers
        "Sweet and new - 16",  # a line-final "- 16" is too weak to say someone is a minor
    ],
)
def test_title_rule_negatives(text: str) -> None:
    assert ages(text) == []


def test_ranges_give_both_ends() -> None:
    facts = extract_all("we hire hostesses 21-30 years of age").ages
    assert [(f.value, f.attrs["cue"], f.attrs.get("range")) for f in facts] == [("21", "range", True),
                                                                                 ("30", "range", True)]
    assert ages("19 to 25 yo") == ["19", "25"]


@pytest.mark.parametrize(
    "text",
    [
        "$220 for the hour",
        "5'2 and 110 lbs",
        "34D-24-36",
        "in business since 1999",
        "clients 25-50 years old welcome",
        "gentlemen 30 to 60 yo only",
        "men over 40 years old",
        "in this business for 12yrs",
        "10 años de experiencia",
        "ETA 20 min",
        "available 24/7",
        "100% real, #1 in town",
        "open 22 years",
    ],
)
def test_numbers_that_are_not_the_posters_age(text: str) -> None:
    assert ages(text) == []


def test_one_fact_per_statement_and_evidence_in_the_span() -> None:
    text = "Hi, I am 19 yo and new"
    (fact,) = extract_all(text).ages
    assert fact.value == "19"
    assert text[fact.start : fact.end] == "I am 19 yo"
    assert fact.attrs["evidence"] == "I am 19 yo"


def test_span_maps_to_original_text_when_folding_changes_it() -> None:
    text = "ｓｗｅｅｔ  Возраст: 17 ✨"
    (fact,) = extract_all(text).ages
    assert text[fact.start : fact.end] == "Возраст: 17"
