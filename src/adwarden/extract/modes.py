"""Service mode (incall / outcall / car dates) and availability (24/7, now, overnight).

Matched on the folded text with patterns that tolerate leetspeak, stretched letters and odd
separators, so ``ＩＮＣＡＬＬ``, ``in-call`` and ``1ncall`` count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from adwarden.extract.base import ExtractContext, Extractor, register
from adwarden.extract.facts import Fact
from adwarden.extract.retrie import phrase_key, tolerant_alternation

__all__ = ["AvailabilityExtractor", "ServiceExtractor"]

_SERVICE_TERMS = {
    "incall": "incall", "incalls": "incall", "in call": "incall", "in calls": "incall",
    "outcall": "outcall", "outcalls": "outcall", "out call": "outcall", "out calls": "outcall",
    "car date": "car", "car dates": "car", "car fun": "car", "car play": "car",
    "in and out call": "both", "in and out calls": "both", "in out call": "both", "in out calls": "both",
}
_AVAIL_TERMS = {
    "24 7": "24/7", "24x7": "24/7", "24 hrs": "24/7", "24 hours": "24/7",
    "24hrs": "24/7", "24 hours a day": "24/7", "around the clock": "24/7", "all day all night": "24/7",
    "all day and all night": "24/7", "day or night": "24/7", "day and night": "24/7", "anytime": "24/7", "any time": "24/7",
    "available now": "now", "avail now": "now", "available right now": "now", "here now": "now",
    "in town now": "now", "right now": "now", "now available": "now", "today only": "now",
    "overnight": "overnight", "overnights": "overnight", "all night": "overnight", "over night": "overnight",
    "late night": "late", "late nights": "late", "after hours": "late",
}


def _key(matched: str) -> str:
    return phrase_key(matched.replace(" and ", " "))


def _compile(terms: dict[str, str]) -> re.Pattern[str]:
    return re.compile(tolerant_alternation(terms))


def _keys(terms: dict[str, str]) -> dict[str, str]:
    return {_key(t): v for t, v in terms.items()}


_SERVICE_RE = _compile(_SERVICE_TERMS)
_SERVICE_KEYS = _keys(_SERVICE_TERMS)
_AVAIL_RE = _compile(_AVAIL_TERMS)
_AVAIL_KEYS = _keys(_AVAIL_TERMS)


@register
class ServiceExtractor(Extractor):
    """``incall``, ``outcall`` or ``car`` mentions (``in & out calls`` gives both)."""

    kind = "service"

    def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
        folded = ctx.folded
        for m in _SERVICE_RE.finditer(folded.text):
            start, end = folded.span(m.start(), m.end())
            value = _SERVICE_KEYS.get(_key(m.group()), "incall" if "in" in m.group()[:3] else "outcall")
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
        folded = ctx.folded
        for m in _AVAIL_RE.finditer(folded.text):
            start, end = folded.span(m.start(), m.end())
            yield Fact("availability", _AVAIL_KEYS.get(_key(m.group()), "24/7"), start, end)
