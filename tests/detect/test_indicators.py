"""Indicator lexicon: data validation, matching through obfuscation, spans in the ORIGINAL text."""

from __future__ import annotations

import pytest

from adwarden.detect.indicators import IndicatorDetector, LexiconMatcher, load_lexicon
from adwarden.detect.indicators.fastnorm import normalize_batch, normalize_phrase
from adwarden.detect.indicators.lexicon import parse_lexicon
from adwarden.domain import PolicyError

REQUIRED_CATEGORIES = {
    "movement", "youth", "control", "recruitment", "multiple_providers", "exclusion", "money_code",
    "always_available", "new_arrivals", "circuit",
}


@pytest.fixture(scope="module")
def matcher() -> LexiconMatcher:
    return LexiconMatcher(load_lexicon())


def found(m: LexiconMatcher, text: str) -> list[tuple[str, str]]:
    return [(h.indicator.id, text[h.start : h.end]) for h in m.find(text)]


def test_packaged_lexicon_is_versioned_sourced_and_covers_categories() -> None:
    lex = load_lexicon()
    assert lex.version and len(lex.digest) == 64
    assert REQUIRED_CATEGORIES <= set(lex.categories)
    assert {i.category for i in lex.indicators} >= REQUIRED_CATEGORIES
    for ind in lex.indicators:
        assert ind.sources and all(s in lex.sources for s in ind.sources)
        assert ind.id.startswith(ind.category + ".")
        assert 0 < ind.weight <= 100
    assert {"etk", "polaris", "dhs", "ncmec"} <= set(lex.sources)


@pytest.mark.parametrize(
    ("text", "indicator", "span"),
    [
        ("Hi, NEW IN TOWN this week", "movement.new_in_town", "NEW IN TOWN"),
        ("n3w in t0wn", "movement.new_in_town", "n3w in t0wn"),  # leetspeak
        ("nеw іn tоwn", "movement.new_in_town", "nеw іn tоwn"),  # Cyrillic look-alikes
        ("ｊｕｓｔ ｔｕｒｎｅｄ １８", "youth.just_turned_18", "ｊｕｓｔ ｔｕｒｎｅｄ １８"),  # full width
        ("sooooo yoooung", "youth.young", "sooooo yoooung"),  # stretched letters
        ("yoooouuung", "youth.young", "yoooouuung"),
        ("avail 24/7!!", "always_available.24_7", "24/7"),
        ("avail 24-7", "always_available.24_7", "24-7"),
        ("y.o.u.n.g", "youth.young", "y.o.u.n.g"),  # spaced out with separators
        ("t\u200be\u200ben girl", "youth.teen", "t\u200be\u200ben girl"),  # zero-width characters
        ("fr3sh face", "new_arrivals.fresh", "fr3sh face"),
        ("Speaks 3 languages", "movement.foreign_languages", "Speaks 3 languages"),  # regex, gated by trigger
        ("cherry \U0001F352", "youth.emoji", "\U0001F352"),
        ("NO   BLACK   MEN", "exclusion.ethnic", "NO   BLACK   MEN"),
    ],
)
def test_obfuscated_phrases_match_with_original_spans(matcher: LexiconMatcher, text: str, indicator: str,
                                                      span: str) -> None:
    assert (indicator, span) in found(matcher, text)


@pytest.mark.parametrize("text", ["ten minutes away", "the canteen is open", "youngstown ohio", "freshly baked bread"])
def test_word_boundaries_and_real_double_letters(matcher: LexiconMatcher, text: str) -> None:
    ids = {i for i, _ in found(matcher, text)}
    assert not ids & {"youth.teen", "youth.young", "new_arrivals.fresh"}


def test_hit_inside_longer_hit_of_same_indicator_is_dropped(matcher: LexiconMatcher) -> None:
    assert found(matcher, "so young") == [("youth.young", "so young")]


def test_batch_matches_single_and_never_crosses_texts(matcher: LexiconMatcher) -> None:
    texts = ["blah new", "in town", "", "Just turned 18 and new in town", "é" * 5 + " young"]
    batch = matcher.find_many(texts)
    assert batch == [matcher.find(t) for t in texts]
    assert batch[0] == [] and batch[1] == []
    assert [h.indicator.id for h in batch[3]] == ["youth.just_turned_18", "movement.new_in_town"]
    assert batch[4][0].text == "young"


def test_phrase_normalization_is_the_text_normalization() -> None:
    assert normalize_phrase("Sweeet  T33N!!") == "sweet teen"
    n = normalize_batch(["AB  cd"])
    assert n.text == " ab cd "


def test_detector_evidence_shape() -> None:
    det = IndicatorDetector()
    ev = det.evidence_for("xx NEW in town")
    assert len(ev) == 1
    e = ev[0]
    assert (e.detector, e.label, e.category, e.value, e.start, e.end) == (
        "indicator", "movement.new_in_town", "movement", "NEW in town", 3, 14)
    assert e.weight > 0 and e.attrs["sources"]
    assert det.describe_version().startswith("1+lexicon:")
    many = det.evidence_for(" ".join(["fresh"] * 20))
    assert len(many) == 5  # at most five hits of one indicator per post
    assert det.evidence_many(["xx NEW in town", "nothing", "avail 24/7"]) == [
        ev, [], det.evidence_for("avail 24/7")]


BAD_LEXICON = """\
[lexicon]
version = "x"
[sources.a]
title = "A"
[categories.youth]
description = "y"
[[indicators]]
id = "youth.one"
category = "youth"
weight = 500
sources = ["a", "zz"]
phrases = ["one"]
[[indicators]]
id = "youth.one"
category = "nope"
weight = 5
sources = ["a"]
phrases = []
patterns = ["(unclosed"]
"""


def test_lexicon_errors_all_at_once_with_lines() -> None:
    with pytest.raises(PolicyError) as info:
        parse_lexicon(BAD_LEXICON.encode(), source="lex.toml")
    msgs = "\n".join(info.value.problems)
    assert "lex.toml:10: indicator 'youth.one': weight must be" in msgs
    assert "lex.toml:11: indicator 'youth.one': unknown source 'zz'" in msgs
    assert "lex.toml:14: indicator id 'youth.one' is used twice" in msgs
    assert "lex.toml:15: indicator 'youth.one': unknown category 'nope'" in msgs
    assert "lex.toml:19: indicator 'youth.one': pattern '(unclosed' does not compile" in msgs


def test_custom_lexicon_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "lex.toml"
    f.write_text('[lexicon]\nversion = "1"\n[sources.s]\ntitle = "S"\n[categories.c]\n'
                 '[[indicators]]\nid = "c.x"\ncategory = "c"\nweight = 3\nsources = ["s"]\nphrases = ["blue moon"]\n')
    det = IndicatorDetector(lexicon_path=f)
    assert [e.label for e in det.evidence_for("once in a BLUE  m00n")] == ["c.x"]


def test_exclusion_phrases_cancel_contained_hits(matcher: LexiconMatcher) -> None:
    assert "youth.school" in {i for i, _ in found(matcher, "she is in high school")}
    assert "youth.school" not in {i for i, _ in found(matcher, "High School Diploma or GED required")}
    assert "youth.school" not in {i for i, _ in found(matcher, "high-school graduates welcome")}


def test_large_batches_are_chunked_with_identical_results(matcher: LexiconMatcher) -> None:
    from adwarden.detect.indicators.matcher import CHUNK_CHARS

    base = ["New in town " + "filler words here " * 200 + " available 24/7", "Oak desk for sale " * 50,
            "so young and fr3sh, call my manager"]
    texts = base * (CHUNK_CHARS // 3000 + 3)
    assert sum(map(len, texts)) > CHUNK_CHARS * 1.5
    got = matcher.find_many(texts)
    singles = [matcher.find(t) for t in base]
    assert got == singles * (len(texts) // 3)
