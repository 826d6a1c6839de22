"""Stated ages.

A stated age is a number the text ties to age (``19 yo``, ``i'm 19``, ``age: 19``, ``19yrs``,
``nineteen years old``, ``just turned 18``), never any two-digit number: ``34D``, ``5'4``, ``$200``
and ``24/7`` are not ages. Ages under 18 are kept as stated (they matter most); the plausible range
is 10-79. Words that describe youth without a number are in :mod:`adwarden.extract.modes`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import MappingProxyType

from adwarden.extract.base import ExtractContext, Extractor, register
from adwarden.extract.cues import add_terms, cue_hits
from adwarden.extract.facts import Fact

__all__ = ["AgeExtractor"]

_TEEN_WORDS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_UNIT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_SPELLED = (
    r"(?:(?:" + "|".join(_TENS_WORDS) + r")(?:[\s-]?(?:" + "|".join(_UNIT_WORDS) + r"))?|"
    + "|".join(_TEEN_WORDS) + r")"
)
_NUM = rf"(\d{{2}}|{_SPELLED})"
# Cue words are found first with literal-led patterns (fast to scan); the number next to a cue is
# then read with an anchored pattern.
_SUFFIX_CUE = re.compile(r"y(?:o|/o|\.o\.?|rs?\.?(?:\s?old)?|ears?(?:\s?-?\s?old)?)(?![a-z])")
# Words after which ages are stated ("i'm 19", "age: 19", "just turned 18"), found by the shared
# cue scan (adwarden.extract.cues); the number after them is read with an anchored pattern.
add_terms(
    "age_cue",
    {
        "i'm": "i'm", "im": "i'm", "i am": "i'm", "age": "age", "aged": "age", "turned": "turned",
        "turning": "turned", "just turned": "turned", "barely": "barely",
    },
)
_CUE_TAIL = re.compile(r"\s?(?:is\s)?[:=\-]?\s?(?:only\s|just\s|now\s)?")
_NUM_BEFORE = re.compile(rf"(?<![\w$.'/]){_NUM}\s?-?\s?\Z")
_NUM_AFTER = re.compile(
    rf"{_NUM}(?![\w'\"%$/.,]|\s?(?:min|hr|hour|inch|lbs|pounds|kg|ft|cm|dollars|roses|am|pm))"
)


_SPELLED_ENDS = tuple({*_TEEN_WORDS, *_TENS_WORDS, *_UNIT_WORDS})


def _age_value(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    s = s.replace("-", " ")
    parts = s.split()
    total = 0
    for p in parts:
        if p in _TEEN_WORDS:
            total += _TEEN_WORDS[p]
        elif p in _TENS_WORDS:
            total += _TENS_WORDS[p]
        elif p in _UNIT_WORDS:
            total += _UNIT_WORDS[p]
    if total == 0:
        for w, v in {**_TENS_WORDS, **_TEEN_WORDS}.items():
            if s.startswith(w):
                rest = s[len(w) :].strip()
                return v + _UNIT_WORDS.get(rest, 0)
        return None
    return total


@register
class AgeExtractor(Extractor):
    """Stated ages (10-79) tied to an age cue."""

    kind = "age"

    def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
        folded = ctx.folded
        text = folded.text
        found: list[tuple[int, int, str]] = []
        for m in _SUFFIX_CUE.finditer(text):
            s = m.start()
            if s > 0 and text[s - 1].isalpha() and not text[max(0, s - 25) : s].rstrip("- ").endswith(_SPELLED_ENDS):
                continue
            before = _NUM_BEFORE.search(text[max(0, s - 22) : s])
            if before is not None:
                found.append((s - (len(text[max(0, s - 22) : s]) - before.start()), m.end(), before.group(1)))
        for kind, _value, s, e in cue_hits(ctx):
            if kind != "age_cue":
                continue
            tail = _CUE_TAIL.match(text, e)
            after = _NUM_AFTER.match(text, tail.end() if tail is not None else e)
            if after is not None:
                found.append((s, after.end(), after.group(1)))
        last_end = -1
        for a, b, raw in sorted(found):
            age = _age_value(raw)
            if age is None or not 10 <= age <= 79:
                continue
            if a < last_end:
                continue  # "i am 19 yo": one statement, one fact
            last_end = b
            start, end = folded.span(a, b)
            yield Fact("age", str(age), start, end, MappingProxyType({"spelled": not raw.isdigit()}))
