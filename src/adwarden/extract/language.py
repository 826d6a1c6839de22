"""The language a post is written in, with a maintained detector whose models ship inside the package.

Detection uses `lingua-language-detector <https://github.com/pemistahl/lingua-py>`_ (Apache-2.0; its
n-gram models are part of the wheel, nothing is downloaded), restricted to the languages AdWarden has
lexicon terms and age cues for (:data:`SUPPORTED`), in its low-accuracy mode (trigrams only), which is
the fast mode meant for texts of a sentence or more. Two things keep the cost per ad bounded:

* a script shortcut: a text whose letters are mostly Han characters is ``zh`` and mostly Cyrillic is
  ``ru``, without calling the model;
* a sample: only the first :data:`SAMPLE_CHARS` characters of letters and spaces (digits, URLs, emoji
  and punctuation removed) are classified. The cost of the model grows with the length of the text, and
  an ad's language is settled well before its end.

A text with too few letters, or where the best language is not clearly ahead, is ``und``
(undetermined, ISO 639-2). Measured cost per ad: docs/PERFORMANCE.md#language.

The model's answer depends only on the sample, so it is kept per distinct sample (:func:`_classify`,
an LRU cache): posts of one network repeat a template whose sample differs at most in a name or a city
(digits are not sampled), so on the synthetic scan corpus the 262 of 20,000 posts whose language is
asked for have 49 distinct samples, and each model call costs about 135 µs of CPU.

>>> detect_language("Hola, soy nueva en la ciudad y tengo muchas ganas de conocerte").code
'es'
>>> detect_language("call 555-0147").code
'und'
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["SAMPLE_CHARS", "SUPPORTED", "Language", "detect_language"]

#: ISO 639-1 codes of the languages detected (the lexicon and age extractor cover each of them).
SUPPORTED = ("en", "es", "pt", "fr", "it", "ru", "zh")
SAMPLE_CHARS = 120
_MIN_LETTERS = 12
_MIN_CONFIDENCE = 0.5

_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[\W\d_]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class Language:
    """A detected language: ISO 639-1 ``code`` (or ``und``), ``confidence`` in 0..1 and how it was found
    (``script``, ``model`` or ``too-short``)."""

    code: str
    confidence: float
    method: str


_DETECTOR: list[Any] = []
_LOCK = threading.Lock()


def _detector() -> Any:
    if not _DETECTOR:
        with _LOCK:
            if not _DETECTOR:
                from lingua import IsoCode639_1, LanguageDetectorBuilder

                codes = [getattr(IsoCode639_1, c.upper()) for c in SUPPORTED]
                _DETECTOR.append(
                    LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()
                )
    return _DETECTOR[0]


def detect_language(text: str) -> Language:
    """The language of ``text`` (see the module docstring). Never raises on any string."""
    head = text[: SAMPLE_CHARS * 4]
    letters = _LETTER.findall(head)
    if len(letters) < _MIN_LETTERS:
        if len(_HAN.findall(head)) >= 4:
            return Language("zh", 1.0, "script")
        return Language("und", 0.0, "too-short")
    han = len(_HAN.findall(head))
    if han * 2 >= len(letters):
        return Language("zh", round(han / len(letters), 3), "script")
    cyr = len(_CYRILLIC.findall(head))
    if cyr * 2 >= len(letters):
        return Language("ru", round(cyr / len(letters), 3), "script")
    sample = " ".join(_NOISE.sub(" ", head).split())[:SAMPLE_CHARS]
    if len(sample) < _MIN_LETTERS:
        return Language("und", 0.0, "too-short")
    return _classify(sample)


@lru_cache(maxsize=8192)
def _classify(sample: str) -> Language:
    """The model's language of a sample (a pure function of it, so cached; a :class:`Language` is frozen)."""
    values = _detector().compute_language_confidence_values(sample)
    if not values:
        return Language("und", 0.0, "model")
    best = values[0]
    if best.value < _MIN_CONFIDENCE:
        return Language("und", round(float(best.value), 3), "model")
    return Language(best.language.iso_code_639_1.name.lower(), round(float(best.value), 3), "model")
