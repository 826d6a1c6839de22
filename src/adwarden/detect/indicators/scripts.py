"""Lexicon phrases in scripts the fast normalizer folds away: Cyrillic and Chinese.

The vectorised normalizer (:mod:`adwarden.detect.indicators.fastnorm`) folds every character to one byte:
Latin letters, digits and Cyrillic or Greek letters that look like Latin ones keep their identity, and every
other letter becomes one placeholder. That is what makes it fast, but a Russian word such as
``малолетка`` keeps only its look-alike letters and a Chinese phrase such as ``未成年`` keeps nothing, so
phrases like these are matched here instead: one Aho-Corasick automaton over the lower-cased original
text, run only on texts that are not ASCII (an ad in English pays one ``str.isascii`` call).

Word boundaries are checked for alphabetic scripts (``лет`` does not match inside ``шлет``); Chinese has no
spaces, so a Chinese phrase matches anywhere.

>>> m = ScriptMatcher([(0, "малолетка", 0), (1, "未成年", 0)])
>>> m.find("Я не малолетка! 未成年")
[(0, 5, 14), (1, 16, 19)]
"""

from __future__ import annotations

import re
import unicodedata

import ahocorasick

from adwarden.detect.indicators.fastnorm import OTHER_LETTER, normalize_phrase

__all__ = ["ScriptMatcher", "needs_script_matcher"]

_PHRASE = 0
_EXCLUDE = 2
# Letters of the scripts matched here (Cyrillic, kana, CJK, Hangul): a text without any is skipped after one
# character-class scan (most non-ASCII ads only have emoji).
_SCRIPT_LETTER = re.compile("[\u0400-\u04ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def needs_script_matcher(phrase: str) -> bool:
    """True when the fast normalizer cannot represent ``phrase`` (it has letters it folds to a placeholder)."""
    return chr(OTHER_LETTER) in normalize_phrase(phrase)


def _lower(text: str) -> str:
    """Lower-cased text with the same length (characters whose lower case is longer stay as they are)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _cjk(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))


class ScriptMatcher:
    """Phrases (indicator index, phrase, kind 0 = phrase / 2 = exclude) over the lower-cased original text."""

    def __init__(self, entries: list[tuple[int, str, int]]) -> None:
        self._automaton = ahocorasick.Automaton()
        keys: dict[str, list[tuple[int, int]]] = {}
        for idx, phrase, kind in entries:
            key = unicodedata.normalize("NFKC", phrase).lower().strip()
            if key:
                keys.setdefault(key, []).append((idx, kind))
        for key, values in keys.items():
            self._automaton.add_word(key, (len(key), not _cjk(key[0]) and not _cjk(key[-1]), tuple(values)))
        self.size = len(keys)
        if keys:
            self._automaton.make_automaton()

    def __bool__(self) -> bool:
        return self.size > 0

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """(indicator index, start, end) of every phrase in ``text`` (original offsets), minus excluded ones."""
        if not self.size or text.isascii() or _SCRIPT_LETTER.search(text) is None:
            return []
        nfc = unicodedata.normalize("NFC", text)
        low = _lower(nfc if len(nfc) == len(text) else text)
        hits: list[tuple[int, int, int]] = []
        excluded: list[tuple[int, int, int]] = []
        n = len(low)
        for end, (length, bounded, values) in self._automaton.iter(low):
            start = end - length + 1
            stop = end + 1
            if bounded and ((start > 0 and low[start - 1].isalpha()) or (stop < n and low[stop].isalpha())):
                continue
            for idx, kind in values:
                (excluded if kind == _EXCLUDE else hits).append((idx, start, stop))
        if excluded:
            hits = [h for h in hits if not any(x[0] == h[0] and x[1] <= h[1] and h[2] <= x[2] for x in excluded)]
        return sorted(set(hits), key=lambda h: (h[1], -h[2]))
