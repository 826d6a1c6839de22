"""Weighting evidence by language: [languages.XX] in the policy, ``language`` in a condition, and language
detection per post."""

from __future__ import annotations

import pytest

from adwarden.domain import Evidence, PolicyError
from adwarden.extract.language import SUPPORTED, detect_language
from adwarden.policy import evaluate, load_policy
from adwarden.policy.loader import parse_policy

BASE = b"""
[policy]
version = "t"
review_threshold = 40
default_queue = "general"
[[queues]]
name = "general"
[[queues]]
name = "child-safety"
restricted = true
"""


def ev(language: str, weight: float = 20.0) -> Evidence:
    return Evidence("indicator", f"youth.teen_{language}", weight, category="youth", attrs={"language": language})


def test_language_scale_and_cap() -> None:
    policy = parse_policy(BASE + b"[languages.pt]\nscale = 0.5\n[languages.es]\nscale = 2.0\ncap = 30\n")
    assert evaluate(policy, [ev("pt")]).risk == 10.0
    assert evaluate(policy, [ev("es")]).risk == 30.0  # 40 points capped at 30
    assert evaluate(policy, [ev("en")]).risk == 20.0  # no weight for en: unchanged
    caps = [c.source for c in evaluate(policy, [ev("es")]).contributions]
    assert "cap:language:es" in caps


def test_condition_on_language() -> None:
    policy = parse_policy(BASE + b"""
[[rules]]
id = "ru-youth"
queue = "child-safety"
when = { category = "youth", language = "ru" }
""")
    assert evaluate(policy, [ev("ru")]).queue == "child-safety"
    assert evaluate(policy, [ev("fr")]).queue != "child-safety"


def test_unknown_languages_are_errors_with_lines() -> None:
    with pytest.raises(PolicyError) as err:
        parse_policy(BASE + b"[languages.xx]\nscale = 1\n[[rules]]\nid = 'r'\nadd = 1\nwhen = { language = 'yy' }\n",
                     source="p.toml")
    text = str(err.value)
    assert "p.toml:11: unknown language 'xx'" in text
    assert "unknown language 'yy'" in text


def test_default_policy_loads_with_no_language_weights() -> None:
    assert load_policy().languages == {}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hola, soy nueva en la ciudad y me encanta conocer gente", "es"),
        ("Olá, sou nova na cidade e adoro conhecer pessoas novas", "pt"),
        ("Bonjour, je suis nouvelle en ville et j'adore rencontrer", "fr"),
        ("Ciao, sono nuova in città e mi piace conoscere gente", "it"),
        ("Привет, я новенькая в городе", "ru"),
        ("你好，我是新来的，喜欢认识新朋友", "zh"),
        ("Hi, I am new in town and love to meet new people", "en"),
        ("555-0142 $$$ !!!", "und"),
    ],
)
def test_detect_language(text: str, code: str) -> None:
    got = detect_language(text)
    assert got.code == code
    assert got.code in (*SUPPORTED, "und")


def test_youth_evidence_records_the_post_language() -> None:
    from adwarden.detect.facts import facts_evidence
    from adwarden.extract import extract_all

    text = "Soy una chica joven, age: 16"
    ev16 = [e for e in facts_evidence(extract_all(text), text, language=lambda: "es")
            if e.label == "stated_age_under_18"]
    assert ev16[0].attrs["language"] == "es"  # "age: 16" is a form field: the post's language is recorded
    assert ev16[0].attrs["cue"] == "field"
