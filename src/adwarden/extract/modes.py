"""Service mode (incall / outcall / car dates), availability (24/7, now, overnight) and youth language.

Fixed phrase lists, matched by the shared cue scan (:mod:`adwarden.extract.cues`), which tolerates
leetspeak, stretched letters and odd separators: ``ＩＮＣＡＬＬ``, ``in-call``, ``1ncall``, ``t33n`` and
``yooung`` all count.
"""

from __future__ import annotations

from collections.abc import Iterator

from adwarden.extract.base import ExtractContext, Extractor, register
from adwarden.extract.cues import add_terms, phrase_hits
from adwarden.extract.facts import Fact
from adwarden.extract.youth_context import youth_context

__all__ = ["AvailabilityExtractor", "ServiceExtractor", "YouthLanguageExtractor"]

_SERVICE_TERMS = {
    "incall": "incall", "incalls": "incall", "in call": "incall", "in calls": "incall",
    "outcall": "outcall", "outcalls": "outcall", "out call": "outcall", "out calls": "outcall",
    "car date": "car", "car dates": "car", "car fun": "car", "car play": "car",
    "in and out call": "both", "in and out calls": "both", "in out call": "both", "in out calls": "both",
}
_AVAIL_TERMS = {
    "24 7": "24/7", "24x7": "24/7", "24 hrs": "24/7", "24 hours": "24/7",
    "24hrs": "24/7", "24 hours a day": "24/7", "around the clock": "24/7", "all day all night": "24/7",
    "all day and all night": "24/7", "day or night": "24/7", "day and night": "24/7", "anytime": "24/7",
    "any time": "24/7",
    "available now": "now", "avail now": "now", "available right now": "now", "here now": "now",
    "in town now": "now", "right now": "now", "now available": "now", "today only": "now",
    "overnight": "overnight", "overnights": "overnight", "all night": "overnight", "over night": "overnight",
    "late night": "late", "late nights": "late", "after hours": "late",
}
# Youth terms -> canonical term (words that describe youth without a number).
_YOUTH_TERMS = {
    "young": "young", "younger": "young", "youngest": "young", "teen": "teen", "teens": "teen",
    "teenager": "teen", "teenage": "teen", "barely legal": "barely legal", "barely 18": "barely legal",
    "just legal": "barely legal", "fresh": "fresh", "fresh face": "fresh", "fresh faced": "fresh",
    "new to the game": "new to the game", "new to this": "new to the game", "first time": "first time",
    "school girl": "school girl", "schoolgirl": "school girl", "high school": "high school",
    "highschool": "high school", "daddys girl": "daddy's girl", "daddy's girl": "daddy's girl",
    "daddys little girl": "daddy's girl", "daddy's little girl": "daddy's girl", "little girl": "little girl",
    "lil girl": "little girl", "babygirl": "baby girl", "baby girl": "baby girl", "baby face": "baby face",
    "babyface": "baby face", "underage": "underage", "under age": "underage", "jailbait": "jailbait",
    "lolita": "lolita", "loli": "lolita", "virgin": "virgin", "innocent": "innocent", "tiny": "tiny",
    "girl next door": "girl next door", "just turned": "just turned",
    "cheerleader": "cheerleader", "pigtails": "pigtails", "sweet sixteen": "underage", "minor": "underage",
    "youthful": "young", "yung": "young",
}
add_terms("service", _SERVICE_TERMS)
add_terms("availability", _AVAIL_TERMS)
add_terms("youth_language", _YOUTH_TERMS)


@register
class ServiceExtractor(Extractor):
    """``incall``, ``outcall`` or ``car`` mentions (``in & out calls`` gives both)."""

    kind = "service"

    def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
        for value, start, end in phrase_hits(ctx, "service"):
            if value == "both":
                yield Fact("service", "incall", start, end)
                yield Fact("service", "outcall", start, end)
            else:
                yield Fact("service", value, start, end)


@register
class AvailabilityExtractor(Extractor):
    """Availability: ``24/7``, ``now``, ``overnight``, ``late``."""

    kind = "availability"

    def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
        for value, start, end in phrase_hits(ctx, "availability"):
            yield Fact("availability", value, start, end)


@register
class YouthLanguageExtractor(Extractor):
    """Words that describe youth without a number; value is the canonical term.

    Each hit goes through the youth context rules (:func:`adwarden.extract.youth_context.youth_context`):
    "not a teen", "ex cheerleader, now 25", "if you are under 18", "Lolita" as a name are not youth
    language about the person. A match that ends on ``!`` or ``|`` read as a letter ("lol!" as "loli") is
    punctuation, not leetspeak."""

    kind = "youth_language"

    def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
        text = ctx.text
        for value, start, end in phrase_hits(ctx, "youth_language"):
            if text[end - 1 : end] in ("!", "|") or youth_context(text, start, end) is not None:
                continue
            yield Fact("youth_language", value, start, end)
