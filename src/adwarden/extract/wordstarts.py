"""Scan for a pattern that can only match at the start of a word, trying it only there.

The trie patterns of :mod:`adwarden.extract.retrie` begin with one literal character and check the
word boundary right after it (``c(?<![a-z0-9].)...``), so ``re`` tries them at every position whose
character could start a term: most letters of the text, and nearly all of those attempts fail on the
boundary check. :class:`WordStartScan` makes the scan led by the character BEFORE the word instead:
``[^a-z0-9](?=(pattern))`` is tried only after a separator, about one position in five of ad text.

The result is exactly ``[m.span() for m in re.finditer(pattern, text)]`` for such patterns: a match can
only start at 0 or right after a separator, the look-ahead captures what the pattern matches there, and
starts inside the previous match are dropped, which is how ``finditer`` skips them. Measured on the
shared cue scan, CPU per ad (``bench/bench_extract_scans.py``): 28.1 -> 15.7 µs (synthetic 500-character
ads), 31.5 -> 19.6 µs (WA 2013). Inside the short windows around digits of the price scan it is no faster.

>>> WordStartScan(r"c(?<![a-z].)at", "a-z").spans("cat concat cat")
[(0, 3), (11, 14)]
"""

from __future__ import annotations

import re

__all__ = ["WordStartScan"]


class WordStartScan:
    """``finditer`` spans of ``pattern`` (no capturing groups, matches only where the character before
    is outside ``[word_chars]``), tried only after such characters."""

    __slots__ = ("_at_start", "_led")

    def __init__(self, pattern: str, word_chars: str, *, led: str | None = None, first_chars: str = "") -> None:
        """``led``: the same pattern without its word-boundary checks, used only right after a
        separator, where they always hold (skipping them saves an assertion per attempt).
        ``first_chars``: the body of a character class holding every character a match can begin
        with; separators followed by anything else are skipped at once (WA 2013 cue scan, µs of CPU
        per ad: 18.8 -> 15.7 for both together).
        """
        self._at_start = re.compile(pattern)
        ahead = f"(?=[{first_chars}])" if first_chars else ""
        self._led = re.compile(rf"[^{word_chars}]{ahead}(?=({pattern if led is None else led}))")

    def spans(self, text: str, pos: int = 0, endpos: int | None = None) -> list[tuple[int, int]]:
        """Non-overlapping match spans, leftmost first, as ``finditer(text, pos, endpos)`` gives them.

        As there, the boundary check at ``pos`` sees the text before it, and no match runs past ``endpos``.
        """
        if endpos is None:
            endpos = len(text)
        out: list[tuple[int, int]] = []
        last = pos
        first = self._at_start.match(text, pos, endpos)
        if first is not None:
            last = first.end()
            out.append((pos, last))
        for m in self._led.finditer(text, pos, endpos):
            s, e = m.span(1)
            if s >= last:
                out.append((s, e))
                last = e
        return out
