"""``detect_language`` keeps the model's answer per distinct sample: the same answers as the model, and a
repeated sample (a network's template with another name or age) is not classified again."""

from __future__ import annotations

import random

from adwarden.extract import language
from adwarden.extract.language import _classify, detect_language

_WORDS = ("hola soy nueva en la ciudad y tengo ganas de conocerte new in town sweet girl call me "
          "ciao sono nuova bonjour je suis nouvelle olá sou nova").split()


def _uncached(sample: str) -> language.Language:
    return _classify.__wrapped__(sample)  # type: ignore[attr-defined]


def test_cached_answers_are_the_models_answers() -> None:
    rng = random.Random(3)
    for _ in range(60):
        text = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 30))) + f" {rng.randint(18, 40)}"
        head = text[: language.SAMPLE_CHARS * 4]
        sample = " ".join(language._NOISE.sub(" ", head).split())[: language.SAMPLE_CHARS]
        got = detect_language(text)
        if got.method == "model":
            assert got == _uncached(sample), text


def test_a_repeated_sample_is_classified_once() -> None:
    text = "Hola, soy nueva en la ciudad y tengo muchas ganas de conocerte, tengo {} años"
    first = detect_language(text.format(21))
    before = _classify.cache_info()
    again = detect_language(text.format(24))  # digits are not sampled: the same sample
    after = _classify.cache_info()
    assert again == first and first.code == "es"
    assert after.hits == before.hits + 1 and after.misses == before.misses
