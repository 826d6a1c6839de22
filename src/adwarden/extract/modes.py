"""Service mode (incall / outcall / car dates), availability (24/7, now, overnight) and youth language.

All three are fixed phrase lists, so they share ONE scan of the folded text (the first extractor
that runs stores the hits in ``ctx.memo``). The patterns tolerate leetspeak, stretched letters and
odd separators (see :func:`adwarden.extract.retrie.tolerant_alternation`), so ``ＩＮＣＡＬＬ``,
``in-call``, ``1ncall``, ``t33n`` and ``yooung`` all count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from adwarden.extract.base import ExtractContext, Extractor, register
from adwarden.extract.facts import Fact
from adwarden.extract.retrie import phrase_key, tolerant_alternation, tolerant_pattern

__all__ = ["AvailabilityExtractor", "ServiceExtractor", "YouthLanguageExtractor", "phrase_hits"]

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

_ALL: dict[str, tuple[str, str]] = {}
for _terms, _kind in ((_SERVICE_TERMS, "service"), (_AVAIL_TERMS, "availability"), (_YOUTH_TERMS, "youth_language")):
    for _t, _v in _terms.items():
        _ALL.setdefault(_t, (_kind, _v))


def _key(matched: str) -> str:
    return phrase_key(matched.replace(" and ", " ").replace("&", " "))


_PHRASES_RE = re.compile(tolerant_alternation(_ALL))
_BY_KEY = {_key(t): kv for t, kv in _ALL.items()}
_EACH = [(re.compile(tolerant_pattern(t) + "$"), kv) for t, kv in _ALL.items()]


def _classify(matched: str) -> tuple[str, str] | None:
    found = _BY_KEY.get(_key(matched))
    if found is not None:
        return found
    for rx, kv in _EACH:  # rare: an ambiguous leet digit ("1" for l or i)
        if rx.match(matched):
            return kv
    return None


def phrase_hits(ctx: ExtractContext) -> list[tuple[str, str, int, int]]:
    """(kind, value, original start, original end) of every fixed phrase, computed once per text."""
    hits = ctx.memo.get("phrases")
    if hits is None:
        folded = ctx.folded
        hits = []
        for m in _PHRASES_RE.finditer(folded.text):
            kv = _classify(m.group())
            if kv is None:
                continue
            start, end = folded.span(m.start(), m.end())
            hits.append((kv[0], kv[1], start, end))
        ctx.memo["phrases"] = hits
    return hits  # type: ignore[no-any-return]


@register
class ServiceExtractor(Extractor):
    """``incall``, ``outcall`` or ``car`` mentions (``in & out calls`` gives both)."""

    kind = "service"

    def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
        for kind, value, start, end in phrase_hits(ctx):
            if kind != "service":
                continue
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
        for kind, value, start, end in phrase_hits(ctx):
            if kind == "availability":
                yield Fact("availability", value, start, end)


@register
class YouthLanguageExtractor(Extractor):
    """Words that describe youth without a number; value is the canonical term."""

    kind = "youth_language"

    def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
        for kind, value, start, end in phrase_hits(ctx):
            if kind == "youth_language":
                yield Fact("youth_language", value, start, end)
