"""Youth cues: minors stated in every supported language reach the child-safety queue, and every youth cue has
a tested negative (negation, past tense, disclaimers, qualifications, names, the allowlist).

All texts are synthetic and non-explicit (555-01xx numbers, example.com).
"""

from __future__ import annotations

import pytest

from adwarden.detect.indicators import IndicatorDetector, LexiconMatcher, load_lexicon
from adwarden.detect.registry import build_default_registry
from adwarden.domain import PostInput
from adwarden.extract import extract_all
from adwarden.extract.youth_context import youth_context
from adwarden.pipeline import Screener
from adwarden.policy import load_policy


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(build_default_registry(), load_policy())


@pytest.fixture(scope="module")
def matcher() -> LexiconMatcher:
    return LexiconMatcher(load_lexicon())


def queue(screener: Screener, text: str) -> str | None:
    return screener.screen(PostInput(external_id="t", title="Sweet", body=text + " Call 206-555-0142")).verdict.queue


@pytest.mark.parametrize(
    "text",
    [
        # Spanish
        "Hola, tengo 16 años y soy nueva en la ciudad",
        "tengo dieciséis años, escríbeme",
        "soy menor de edad pero muy madura",
        "estudiante de secundaria, discreta",
        # Portuguese
        "Oi, tenho 17 anos, sou nova na cidade",
        "sou menor de idade, me chama",
        # French
        "Bonjour, j'ai 15 ans",
        "je suis mineure et lycéenne",
        # Italian
        "Ciao, ho 16 anni",
        "sono minorenne, scrivimi",
        # Russian
        "Привет, мне 16 лет",
        "я школьница, пиши",
        "малолетка, только для тебя",
        # Chinese
        "我今年十六岁",
        "学生妹，未成年",
        # English, including slang
        "I'm 16 years old and new here",
        "almost 18, so sweet",
        "young teen, 9th grade",
        "barely legal jailbait",
    ],
)
def test_minors_in_every_language_reach_child_safety(screener: Screener, text: str) -> None:
    assert queue(screener, text) == "child-safety"


@pytest.mark.parametrize(
    "text",
    [
        "lol!! so much fun tonight",  # "lol!" is not "loli"
        "Lolli and Mia, two friends in town",  # a name on the allowlist
        "Lolita Blue Star, 25 years old",  # a youth word written as a name
        "ex high school cheerleader, now 25",  # past tense
        "former cheerleader, 28 yo",
        "back in high school I was shy, now 30 years old",
        "Not a teen, a grown woman of 32",  # negation
        "no teens, mature lady only",
        "If you are under 18, leave this page now. Age: 24",  # a disclaimer to the reader
        "Underage visitors must exit this page.",
        "No one under 18 allowed. I am 23",
        "Education: High School. Full time warehouse job",  # a job qualification
        "High school diploma or GED required",
        "minor repairs and minor body work",  # "minor" the adjective
        "no soy menor de edad, tengo 25 años",
        "questa pagina non mostra minorenni",
        "accesso vietato ai minorenni",
        "Я не малолетка, мне 25 лет",
        "clients 25-50 years old welcome",
        "in this business for 12yrs and happy",
        "when I was 16 I moved to Tacoma, now 27 yo",
    ],
)
def test_adults_are_not_sent_to_child_safety(screener: Screener, text: str) -> None:
    assert queue(screener, text) != "child-safety"


@pytest.mark.parametrize(
    ("text", "word", "reason"),
    [
        ("ex high school cheerleader, now 25", "cheerleader", "past"),
        ("former schoolgirl", "schoolgirl", "past"),
        ("in my teens I danced", "teens", "past"),
        ("I ran into a friend from middle school", "middle school", "past"),
        ("not a teen", "teen", "negated"),
        ("no young guys please", "young", "negated"),
        ("不是学生妹", "学生妹", "negated"),
        ("If you are under 18 please leave", "under 18", "reader"),
        ("underage users are not allowed", "underage", "reader"),
        ("teen boys welcome", "teen", "reader"),
        ("Education: High School", "High School", "qualification"),
        ("ensino medio completo", "ensino medio", "qualification"),
        ("Lolita Blue Star", "Lolita", "name"),
        ("Lolli and Mia tonight", "Lolli", "allowlist"),
        ("minor repairs", "minor", "other_sense"),
    ],
)
def test_context_reasons(text: str, word: str, reason: str) -> None:
    i = text.index(word)
    assert youth_context(text, i, i + len(word)) == reason


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("sweet high school girl", "high school"),
        ("young teen, now 16", "teen"),  # "now 16" is her age now: not past
        ("young Lolita here", "Lolita"),  # after a youth word, not a name
        ("LOLITA", "LOLITA"),
        ("dressed as a schoolgirl", "schoolgirl"),
        ("sweet teen 19 years old", "teen"),
        ("no drama, young girl", "young"),
        ("new girl from Lima, young teen", "teen"),
        ("I am a minor.", "minor"),
    ],
)
def test_context_keeps_real_youth_cues(text: str, word: str) -> None:
    i = text.index(word)
    assert youth_context(text, i, i + len(word)) is None


def test_suppressed_hits_are_only_returned_on_request(matcher: LexiconMatcher) -> None:
    text = "ex high school cheerleader, now 25"
    assert [h.indicator.category for h in matcher.find(text)] == []
    kept = matcher.find(text, keep_suppressed=True)
    assert {h.suppressed for h in kept} == {"past"}
    assert matcher.find_many([text, "sweet teen"], keep_suppressed=False)[1][0].indicator.id == "youth.teen"


def test_lexicon_allowlist_is_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "lex.toml"
    f.write_text('[lexicon]\nversion = "1"\n[sources.s]\ntitle = "S"\n[categories.youth]\n'
                 '[context]\ncategories = ["youth"]\nallow = ["Tina"]\n'
                 '[[indicators]]\nid = "youth.x"\ncategory = "youth"\nweight = 3\nsources = ["s"]\n'
                 'phrases = ["tina", "teena"]\n')
    det = IndicatorDetector(lexicon_path=f)
    assert det.lexicon.allow == frozenset({"tina"})
    assert [e.value for e in det.evidence_for("Tina and teena")] == []  # Tina: data list; teena: built-in


def test_context_section_is_validated(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from adwarden.domain import PolicyError

    f = tmp_path / "lex.toml"
    f.write_text('[lexicon]\nversion = "1"\n[sources.s]\ntitle = "S"\n[categories.c]\n'
                 '[context]\ncategories = ["nope"]\ncolour = 1\n'
                 '[[indicators]]\nid = "c.x"\ncategory = "c"\nweight = 3\nsources = ["s"]\nphrases = ["blue"]\n')
    with pytest.raises(PolicyError) as err:
        load_lexicon(f)
    text = str(err.value)
    assert "unknown category 'nope'" in text and "unknown key 'colour' in [context]" in text


def test_youth_language_facts_use_the_same_context_rules() -> None:
    assert [f.value for f in extract_all("not a teen, ex cheerleader").youth_language] == []
    assert [f.value for f in extract_all("sweet teen cheerleader").youth_language] == ["teen", "cheerleader"]


def test_reason_shows_the_age_cue(screener: Screener) -> None:
    s = screener.screen(PostInput(external_id="t", body="Hola, tengo 16 años"))
    (ev,) = [e for e in s.evidence if e.label == "stated_age_under_18"]
    assert ev.attrs["cue"] == "suffix" and ev.attrs["evidence"] == "16 años" and ev.attrs["language"] == "es"
    assert s.verdict.queue == "child-safety"


_NEGATION_WORDS = ("not", "no ", "nao", "não", "pas ", "nет", "нет", "aun no", "ainda nao")
_NEGATE = {"en": "not a {}", "es": "no soy {}", "pt": "não sou {}", "fr": "pas {}", "it": "non sono {}", "ru": "я не {}",
           "zh": "不是{}", "emoji": "no {}"}


def _youth_phrases() -> list[tuple[str, str, str]]:
    out = []
    for ind in load_lexicon().indicators:
        if ind.category != "youth":
            continue
        phrase = next(p for p in ind.phrases if not any(w in p for w in _NEGATION_WORDS))
        out.append((ind.id, ind.language, phrase))
    return out


@pytest.mark.parametrize(("indicator", "language", "phrase"), _youth_phrases())
def test_every_youth_indicator_fires_and_has_a_negative(matcher: LexiconMatcher, indicator: str, language: str,
                                                        phrase: str) -> None:
    """Each youth indicator fires on its phrase, and is suppressed when negated and when in the past."""
    def fired(text: str) -> bool:
        return indicator in {h.indicator.id for h in matcher.find(text)}

    assert fired(f"sweet {phrase} here"), phrase
    assert not fired(_NEGATE[language].format(phrase)), phrase
    assert not fired(f"former {phrase}, now 30"), phrase
