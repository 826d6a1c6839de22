"""Literal substrings found in one C-level pass (an Aho-Corasick automaton): presence tests and scans.

Extractors skip texts, or stretches of text, that hold none of their trigger substrings (a price needs
``min``, ``hr``, ``$``, ``roses``...). ``any(w in text for w in words)`` scans the text once per word;
one :mod:`ahocorasick` pass finds the first occurrence of any of them and stops there. Measured on the
40 price hints, CPU per ad (``bench/bench_extract_scans.py``): whole text 4.5 -> 2.5 µs (synthetic
500-character ads) and 6.6 -> 3.8 µs (WA 2013); all windows around digit runs, finding them included,
17.5 -> 10.8 and 26.8 -> 14.8 µs. For a handful of words it is no faster than ``in`` (six payment names:
2.5 µs both), and on non-ASCII text with a few words it is slower (the eleven Cyrillic and Chinese age cue
hints: 3.7 -> 6.0 µs, so the age extractor keeps its ``in`` tests).

>>> AnyOf(["min", "hr"]).within("call 30 mins", 5)
True
>>> AnyOf(["min", "hr"]).within("call 30 mins", 0, 9)
False

:class:`LiteralLedScan` does the same for a regular expression whose every match begins with one of a
list of words (the number words of :mod:`adwarden.extract.numwords`): the automaton finds where those
words occur and the expression is tried only there. Measured on the number-word scan, CPU per ad:
10.1 -> 7.6 µs (synthetic), 12.4 -> 5.6 µs (WA 2013).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import ahocorasick

__all__ = ["AnyOf", "LiteralLedScan"]


def _automaton(words: Iterable[str]) -> ahocorasick.Automaton | None:
    """An automaton of the non-empty ``words`` (storing their lengths), or ``None`` when there are none."""
    automaton = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
    for word in words:
        if word:
            automaton.add_word(word)
    if not len(automaton):
        return None  # an empty automaton cannot be searched
    automaton.make_automaton()
    return automaton


class AnyOf:
    """A fixed set of non-empty substrings, looked for all at once."""

    __slots__ = ("_automaton",)

    def __init__(self, words: Iterable[str]) -> None:
        self._automaton = _automaton(words)

    def within(self, text: str, start: int = 0, end: int | None = None) -> bool:
        """Does one of the words occur inside ``text[start:end]`` (as ``any(w in text[start:end] ...)``)?"""
        if end is None:
            end = len(text)
        if start >= end or self._automaton is None:
            return False
        return next(self._automaton.iter(text, start, end), None) is not None


class LiteralLedScan:
    """``finditer`` spans of ``pattern``, every match of which begins with one of ``words``.

    Exactly ``[m.span() for m in re.compile(pattern).finditer(text, pos, endpos)]``: a match must start
    where one of the words starts, so trying the expression at every such start, left to right and
    skipping starts inside the previous match, finds the same matches.
    """

    __slots__ = ("_automaton", "_rx")

    def __init__(self, pattern: str, words: Iterable[str]) -> None:
        self._rx = re.compile(pattern)
        self._automaton = _automaton(words)

    @property
    def pattern(self) -> re.Pattern[str]:
        """The compiled expression."""
        return self._rx

    def matches(self, text: str, pos: int = 0, endpos: int | None = None) -> list[re.Match[str]]:
        """Non-overlapping matches, leftmost first (what ``finditer`` yields)."""
        if endpos is None:
            endpos = len(text)
        out: list[re.Match[str]] = []
        if self._automaton is None or pos >= endpos:
            return out
        starts = sorted({end - length + 1 for end, length in self._automaton.iter(text, pos, endpos)})
        last = pos
        match = self._rx.match
        for s in starts:
            if s < last:
                continue
            m = match(text, s, endpos)
            if m is not None:
                last = m.end()
                out.append(m)
        return out

    def spans(self, text: str, pos: int = 0, endpos: int | None = None) -> list[tuple[int, int]]:
        """Non-overlapping match spans, leftmost first."""
        return [m.span() for m in self.matches(text, pos, endpos)]
