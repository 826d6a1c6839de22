"""Where else an ad may be, for reading phone numbers that are not valid in the post's region.

The post's region (from the caller, the URL or the location field; see
:func:`adwarden.extract.places.resolve_region`) decides how ``333 123 4567`` is read. Many ads on a
US site are written for elsewhere, or come without a URL or location at all; their text still says
where they are:

* a country or a large city named in the text (``New in London``, ``visiting the UK``,
  ``Москва``), see :func:`adwarden.extract.places.countries_in_text`;
* the language of the ad (Italian -> Italy, Russian -> Russia, Ukraine, Kazakhstan, Belarus), with
  ``py3langid`` (a maintained, offline, pure-Python port of langid.py).

These *fallback regions* are only consulted for a digit sequence that gives no valid number in the
post's region (or a shorter one than a fallback region gives), so a US ad with a US number never
pays for them, and they are computed once per text, on first need.

>>> fallback_regions("Ciao ragazzi, sono nuova in città", "US")
('IT',)
"""

from __future__ import annotations

import re
import threading
from typing import Any

from adwarden.extract.places import countries_in_text

__all__ = ["LANGUAGE_REGIONS", "fallback_regions", "has_foreign_letters", "language_of"]

#: Regions whose numbers an ad in a language is likely to carry, most likely first. English is not
#: listed: it says nothing about where an ad is.
LANGUAGE_REGIONS: dict[str, tuple[str, ...]] = {
    "ru": ("RU", "UA", "KZ", "BY"), "uk": ("UA",), "be": ("BY",), "kk": ("KZ",),
    "it": ("IT",), "es": ("ES", "MX", "CO", "AR", "EC", "PE", "CL", "VE"), "pt": ("BR", "PT"),
    "fr": ("FR", "BE", "CH"), "de": ("DE", "AT", "CH"), "nl": ("NL", "BE"), "pl": ("PL",), "cs": ("CZ",),
    "sk": ("SK",), "ro": ("RO",), "hu": ("HU",), "el": ("GR",), "tr": ("TR",), "bg": ("BG",), "sr": ("RS",),
    "hr": ("HR",), "sv": ("SE",), "da": ("DK",), "no": ("NO",), "fi": ("FI",), "zh": ("CN", "HK", "TW"),
    "ja": ("JP",), "ko": ("KR",), "th": ("TH",), "vi": ("VN",), "id": ("ID",), "ms": ("MY",), "tl": ("PH",),
    "hi": ("IN",), "ar": ("AE", "SA", "EG"), "he": ("IL",),
}
_MIN_PROBABILITY = 0.5
_MIN_LETTERS = 12
_FEW_FOREIGN_LETTERS = 8
_IDENTIFIER: list[Any] = []
_LOCK = threading.Lock()


def _identifier() -> Any:
    if not _IDENTIFIER:
        with _LOCK:
            if not _IDENTIFIER:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                ident.set_languages(["en", *LANGUAGE_REGIONS])
                _IDENTIFIER.append(ident)
    return _IDENTIFIER[0]


# Letters outside ASCII in the scripts and accents of the languages above.
_FOREIGN_LETTER = re.compile(r"[À-ɏͰ-ϿЀ-ӿ\u0590-\u06ff\u0900-\u097f\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
# Common English words with the spaces around them, counted with ``str.count`` (C-fast).
_ENGLISH = (" the ", " and ", " you ", " me ", " to ", " for ", " my ", " i'm ", " im ", " your ", " with ",
            " call ", " text ", " is ", " in ", " not ", " now ")


def has_foreign_letters(text: str) -> bool:
    """Does the text use accents or a script other than Latin (its language is worth identifying)?"""
    return _FOREIGN_LETTER.search(text, 0, 2000) is not None


def _plainly_english(text: str) -> bool:
    """At least three common English words and hardly any accented or non-Latin letters (a name like
    "Renée", an "ñ" in "piñata"): the classifier can be skipped."""
    low = " " + text[:2000].lower().replace("\n", " ") + " "
    count = 0
    for w in _ENGLISH:
        count += low.count(w)
        if count >= 3:
            break
    else:
        return False
    return len(_FOREIGN_LETTER.findall(text, 0, 2000)) < _FEW_FOREIGN_LETTERS


def language_of(text: str) -> str | None:
    """ISO 639-1 language of ``text`` when the classifier is confident, else ``None``."""
    if _plainly_english(text) or sum(ch.isalpha() for ch in text[:2000]) < _MIN_LETTERS:
        return None
    lang, prob = _identifier().classify(text[:2000])
    return str(lang) if prob >= _MIN_PROBABILITY else None


# Scripts that name a language (or a group of countries) on their own, for texts too short to classify.
_SCRIPTS = (
    (re.compile(r"[Ѐ-ӿ]"), "ru"), (re.compile(r"[Ͱ-Ͽ]"), "el"), (re.compile(r"[\u0590-\u05ff]"), "he"),
    (re.compile(r"[\u0e00-\u0e7f]"), "th"), (re.compile(r"[\uac00-\ud7af]"), "ko"),
    (re.compile(r"[\u3040-\u30ff]"), "ja"), (re.compile(r"[\u4e00-\u9fff]"), "zh"),
)


def _script_language(text: str) -> str | None:
    """The language a short text's script implies (Cyrillic -> Russian and its neighbours), if any."""
    if not has_foreign_letters(text):
        return None
    for rx, lang in _SCRIPTS:
        if rx.search(text, 0, 2000) is not None:
            return lang
    return None


def fallback_regions(text: str, region: str) -> tuple[str, ...]:
    """Regions other than ``region`` that the text names or whose language it is written in, in order."""
    out: list[str] = []
    for iso in countries_in_text(text):
        if iso != region and iso not in out:
            out.append(iso)
    lang = language_of(text) or _script_language(text)
    for iso in LANGUAGE_REGIONS.get(lang or "", ()):
        if iso != region and iso not in out:
            out.append(iso)
    return tuple(out)
