"""A sorted set of non-overlapping spans with O(log n) "is this position covered?" lookups.

Extractors use it to skip what another extractor already claimed (digits of a phone number are not
a price; a profile URL's name is not also a bare ``@`` handle) without a quadratic scan, which
matters on pathological inputs with tens of thousands of matches.

>>> s = SpanSet([(10, 20), (0, 5)])
>>> s.covers(3), s.covers(5), s.covers(19), s.covers(25)
(True, False, True, False)
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Iterable

__all__ = ["SpanSet"]


class SpanSet:
    """Half-open ``[start, end)`` spans; overlapping additions are kept as given."""

    __slots__ = ("_starts", "_spans")

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._spans = sorted(spans)
        self._starts = [a for a, _ in self._spans]

    def add(self, start: int, end: int) -> None:
        """Add one span (cheap when spans arrive in increasing order, as scans produce them)."""
        if not self._spans or start >= self._spans[-1][0]:
            self._spans.append((start, end))
            self._starts.append(start)
        else:
            insort(self._spans, (start, end))
            self._starts = [a for a, _ in self._spans]

    def covers(self, pos: int) -> bool:
        """Is ``pos`` inside one of the spans?"""
        i = bisect_right(self._starts, pos) - 1
        # Spans may overlap: look back over the few that start before ``pos``.
        while i >= 0:
            a, b = self._spans[i]
            if pos < b:
                return True
            if b <= pos and i > 0 and self._spans[i - 1][1] <= a:
                return False
            i -= 1
        return False

    def __bool__(self) -> bool:
        return bool(self._spans)

    def __len__(self) -> int:
        return len(self._spans)
