"""Match a lexicon against ad text with one Aho-Corasick automaton, mapping every hit to the original text.

All phrases of all indicators (and their variants: one doubled letter, so ``baaaby`` -> ``baaby`` still
matches ``baby``; letters spaced out, ``n e w``) go into one :mod:`ahocorasick` automaton over the text
normalized by :func:`~adwarden.detect.indicators.fastnorm.normalize_fast`. Phrases are stored with a space
on each side and the text is padded, so the automaton itself enforces word boundaries and a scan is one
pass in C. Regex patterns run only for indicators whose trigger phrase was found, which keeps the common
path free of regex scans.

>>> from adwarden.detect.indicators.lexicon import load_lexicon
>>> m = LexiconMatcher(load_lexicon())
>>> [(h.indicator.id, h.text) for h in m.find("NEW in t0wwwn, available 24/7")]
[('movement.new_in_town', 'NEW in t0wwwn'), ('always_available.24_7', '24/7')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

import ahocorasick
import numpy as np

from adwarden.detect.indicators.fastnorm import TOKEN_CHAR, normalize_batch, normalize_phrase
from adwarden.detect.indicators.lexicon import Indicator, Lexicon

_PHRASE = 0
_TRIGGER = 1
_TOKENS = frozenset(TOKEN_CHAR.values())
_MAX_PAIR_LETTERS = 16  # two doubled letters are enumerated for phrases up to this many letters


class Hit(NamedTuple):
    """One indicator found in the text: ``start``/``end`` index the ORIGINAL text; ``text`` is that slice."""

    indicator: Indicator
    start: int
    end: int
    text: str


def phrase_variants(phrase: str) -> set[str]:
    """The normalized phrase plus the variants the matcher also accepts (see the module docstring).

    Stretched letters are squashed to two, so a phrase also matches with one or two of its letters doubled
    (``yoouung``); letters spaced out (``y o u n g``) match too.
    """
    base = normalize_phrase(phrase)
    if not base:
        return set()
    out = {base}
    if all(ch in _TOKENS or ch == " " for ch in base):
        return out
    singles = [i for i, ch in enumerate(base) if ch.isalpha() and base[i - 1 : i] != ch and base[i + 1 : i + 2] != ch]
    for n, i in enumerate(singles):
        out.add(base[: i + 1] + base[i] + base[i + 1 :])
        if len(singles) <= _MAX_PAIR_LETTERS:
            for j in singles[n + 1 :]:
                if j == i + 1 and base[i] == base[j]:
                    continue
                out.add(base[: i + 1] + base[i] + base[i + 1 : j + 1] + base[j] + base[j + 1 :])
    letters = [ch for ch in base if ch != " "]
    if len(letters) >= 4 and all(ch.isalpha() for ch in letters):
        out.add(" ".join(letters))
    return out


class LexiconMatcher:
    """A compiled lexicon. Build once (milliseconds), then :meth:`find` per text."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._indicators = lexicon.indicators
        entries: dict[str, set[tuple[int, int]]] = {}
        for idx, ind in enumerate(self._indicators):
            for phrase in ind.phrases:
                for v in phrase_variants(phrase):
                    entries.setdefault(v, set()).add((_PHRASE, idx))
            for trig in ind.triggers:
                for v in phrase_variants(trig):
                    entries.setdefault(v, set()).add((_TRIGGER, idx))
        self._automaton = ahocorasick.Automaton()
        for key, values in entries.items():
            padded = not all(ch in _TOKENS for ch in key)
            stored = f" {key} " if padded else key
            self._automaton.add_word(stored, (len(stored), padded, tuple(sorted(values))))
        self._automaton.make_automaton()
        self._patterns = {
            idx: tuple(re.compile(p) for p in ind.patterns) for idx, ind in enumerate(self._indicators) if ind.patterns
        }
        self.size = len(entries)

    def _raw_hits(self, norm_text: str) -> Iterator[tuple[int, int, int]]:
        """(indicator index, start, end) over the normalized text, end exclusive, pads excluded."""
        triggered: set[int] = set()
        for end, (length, padded, values) in self._automaton.iter(norm_text):
            start = end - length + 1
            a, b = (start + 1, end) if padded else (start, end + 1)
            for kind, idx in values:
                if kind == _PHRASE:
                    yield idx, a, b
                else:
                    triggered.add(idx)
        for idx in sorted(triggered):
            for pat in self._patterns.get(idx, ()):
                for m in pat.finditer(norm_text):
                    if m.end() > m.start():
                        yield idx, m.start(), m.end()

    def find(self, text: str) -> list[Hit]:
        """Every indicator hit in ``text``, ordered by position; a hit inside a longer hit of the same
        indicator is dropped (``young`` inside ``so young``)."""
        return self.find_many([text])[0]

    def find_many(self, texts: list[str]) -> list[list[Hit]]:
        """:meth:`find` for many texts in one vectorised pass (much faster per text for batches)."""
        norm = normalize_batch(texts)
        raw = sorted(set(self._raw_hits(norm.text)), key=lambda h: (h[1], -h[2]))
        out: list[list[Hit]] = [[] for _ in texts]
        if not raw:
            return out
        kept_idx: list[int] = []
        kept_a: list[int] = []
        kept_b: list[int] = []
        reach: dict[int, int] = {}
        for idx, a, b in raw:
            if reach.get(idx, -1) >= b:
                continue
            reach[idx] = b
            kept_idx.append(idx)
            kept_a.append(a)
            kept_b.append(b)
        positions = norm.positions()
        total = int(norm.starts[-1] + norm.lengths[-1])
        # Normalized index k >= 1 (after the leading pad) came from joined-original index positions[k - 1].
        first = positions[np.asarray(kept_a) - 1]
        b_idx = np.asarray(kept_b) - 1
        past_end = b_idx >= len(positions)
        stop = positions[np.minimum(b_idx, len(positions) - 1)]
        stop[past_end] = total
        which = np.searchsorted(norm.starts, first, side="right") - 1
        local_start = first - norm.starts[which]
        local_stop = np.minimum(stop - norm.starts[which], norm.lengths[which])
        for idx, i, s0, s1 in zip(kept_idx, which.tolist(), local_start.tolist(), local_stop.tolist(), strict=True):
            out[i].append(Hit(self._indicators[idx], s0, s1, texts[i][s0:s1]))
        return out
