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
from bisect import bisect_left
from collections.abc import Iterable, Sequence

import ahocorasick

__all__ = ["AnyOf", "LiteralLedScan", "LiteralSets", "occurs_within"]


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
        return self.matches_at(text, starts, pos, endpos)

    def matches_at(
        self, text: str, starts: Sequence[int], pos: int = 0, endpos: int | None = None
    ) -> list[re.Match[str]]:
        """:meth:`matches`, given the sorted starts of the words' occurrences inside ``[pos, endpos)``
        (from a shared :class:`LiteralSets` pass over the text, say)."""
        if endpos is None:
            endpos = len(text)
        out: list[re.Match[str]] = []
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


class LiteralSets:
    """Several named lists of literal words, all found in ONE automaton pass over a text.

    Extractors register the words they test for (the phone extractor's number words, the price hints,
    the payment services) with :meth:`add` at import time; :meth:`find` returns, per list, every
    occurrence as ``(start, end)``, sorted. Each pass of an automaton over a 500-character ad costs
    about the same whatever the words (the pass, not the matches, is the cost), so one pass for three
    lists replaces three whole-text passes plus one short pass per window around the digits of the
    price scan (WA 2013, µs of CPU per ad: 4.1 + 4.0 + 2.7 for the three whole-text passes against
    7.1 for the shared one; see docs/PERFORMANCE.md).

    >>> sets = LiteralSets()
    >>> sets.add("unit", ["min", "hr"])
    >>> sets.add("word", ["one"])
    >>> sets.find("someone for 30 min")
    {'unit': [(15, 18)], 'word': [(4, 7)]}
    """

    __slots__ = ("_automaton", "_lists", "_names")

    def __init__(self) -> None:
        self._lists: dict[str, tuple[str, ...]] = {}
        self._names: tuple[str, ...] = ()
        self._automaton: list[ahocorasick.Automaton | None] = []  # built on first use

    def add(self, name: str, words: Iterable[str]) -> None:
        """Register (or replace) the list ``name``; empty words are ignored."""
        self._lists[name] = tuple(w for w in words if w)
        self._names = tuple(self._lists)
        self._automaton.clear()

    def _built(self) -> ahocorasick.Automaton | None:
        if not self._automaton:
            lists: dict[str, list[int]] = {}
            for index, words in enumerate(self._lists.values()):
                for word in words:
                    owners = lists.setdefault(word, [])
                    if index not in owners:
                        owners.append(index)
            automaton: ahocorasick.Automaton | None = None
            if lists:
                automaton = ahocorasick.Automaton()
                for word, owners in lists.items():
                    # (length - 1, the lists the word is in): one tuple per hit, no bit loop
                    automaton.add_word(word, (len(word) - 1, tuple(owners)))
                automaton.make_automaton()
            self._automaton.append(automaton)
        return self._automaton[0]

    def find(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """``{name: [(start, end), ...]}``: every occurrence of every word of each list, sorted."""
        names = self._names
        lists: list[list[tuple[int, int]]] = [[] for _ in names]
        automaton = self._automaton[0] if self._automaton else self._built()
        if automaton is not None and text:
            for end, (back, owners) in automaton.iter(text):
                span = (end - back, end + 1)
                for i in owners:
                    lists[i].append(span)
            for found in lists:
                if len(found) > 1:
                    found.sort()
        return dict(zip(names, lists, strict=True))


def occurs_within(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Does one of the sorted ``(start, end)`` occurrences lie inside ``[start, end)``?

    The same answer as :meth:`AnyOf.within` over the same words, from the occurrences
    :meth:`LiteralSets.find` returned for the whole text.
    """
    i = bisect_left(spans, (start, -1))
    n = len(spans)
    while i < n:
        a, b = spans[i]
        if a >= end:
            return False
        if b <= end:
            return True
        i += 1
    return False
