"""Facts -> evidence, the default registry, and the whole screening path with the default policy."""

from __future__ import annotations

from types import MappingProxyType

from adwarden.detect.facts import LABELS, facts_evidence
from adwarden.detect.registry import build_default_registry, default_vocabulary
from adwarden.domain import Action, PostInput
from adwarden.extract.facts import Extraction, Fact
from adwarden.pipeline import Screener
from adwarden.policy import load_policy


def labels(ex: Extraction) -> list[str]:
    return [e.label for e in facts_evidence(ex)]


def test_stated_ages() -> None:
    assert labels(Extraction(ages=(Fact("age", "16", 0, 5),))) == ["stated_age_under_18"]
    assert labels(Extraction(ages=(Fact("age", "19", 0, 5),))) == ["stated_age_18_19"]
    assert labels(Extraction(ages=(Fact("age", "25", 0, 5),))) == []
    assert labels(Extraction(ages=(Fact("age", "2", 0, 5),))) == []
    e = facts_evidence(Extraction(ages=(Fact("age", "15", 3, 8),)))[0]
    assert (e.category, e.start, e.end, e.attrs["age"]) == ("youth", 3, 8, 15)


def test_several_providers_phones_places_and_availability() -> None:
    ex = Extraction(
        ages=(Fact("age", "21", 0, 2), Fact("age", "24", 10, 12)),
        phones=tuple(Fact("phone", f"+1206555014{i}", i * 20, i * 20 + 12) for i in range(3)),
        locations=tuple(Fact("location", c, 0, 1) for c in ("seattle", "tacoma", "everett")),
        availability=(Fact("availability", "24/7", 50, 54),),
        youth_language=(Fact("youth_language", "jailbait", 60, 68), Fact("youth_language", "young", 70, 75)),
        prices=(Fact("price", "60", 80, 90, MappingProxyType({"minutes": 15})),),
    )
    got = labels(ex)
    assert got == ["youth_language_underage", "youth_language", "always_available", "several_providers",
                   "several_phones", "many_locations", "short_session_price"]
    assert set(got) <= set(LABELS)


def test_default_registry_and_vocabulary() -> None:
    reg = build_default_registry()
    assert reg.names() == ("indicator", "facts")
    vocab = default_vocabulary()
    assert {"indicator", "facts", "bank"} <= set(vocab.detectors)
    assert "youth" in vocab.categories and "stated_age_under_18" in (vocab.detectors["facts"].labels or ())


def test_screen_end_to_end_with_default_policy() -> None:
    screener = Screener(build_default_registry(), load_policy())
    post = PostInput("p1", title="New in town", body="Sweet girl, 16 yo, available 24/7. Call 206 555 0147")
    s = screener.screen(post)
    assert s.verdict.action == Action.HOLD and s.verdict.queue == "child-safety" and s.verdict.preserve
    got = {(e.detector, e.label) for e in s.verdict.reasons}
    assert {("facts", "stated_age_under_18"), ("indicator", "movement.new_in_town"),
            ("indicator", "always_available.24_7")} <= got
    for e in s.verdict.reasons:
        if e.detector == "indicator":
            assert e.start is not None and e.end is not None
            assert post.text[e.start : e.end] == e.value
    benign = screener.screen(PostInput("p2", body="Selling a used bicycle, good condition, pick up downtown"))
    assert benign.verdict.action == Action.ALLOW and not benign.verdict.open_case


def test_minimum_age_requirements_are_not_stated_ages() -> None:
    text = "Cashier wanted. Applicants must be 16 or older."
    start = text.index("16")
    ex = Extraction(ages=(Fact("age", "16", start, start + 2),))
    assert labels(ex) == ["stated_age_under_18"]  # without the text there is no context
    assert [e.label for e in facts_evidence(ex, text)] == []
    text2 = "Sweet girl, 16 yo"
    s2 = text2.index("16")
    assert [e.label for e in facts_evidence(Extraction(ages=(Fact("age", "16", s2, s2 + 5),)), text2)] == [
        "stated_age_under_18"]
