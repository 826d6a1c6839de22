"""Trafficking-indicator lexicon (versioned data with sources) and its fast matcher.

>>> det = IndicatorDetector()
>>> [e.label for e in det.evidence_for("New in town, available 24/7")]
['movement.new_in_town', 'always_available.24_7']
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

from adwarden.detect.base import Detector, ScreenContext
from adwarden.detect.indicators.lexicon import Indicator, Lexicon, load_lexicon
from adwarden.detect.indicators.matcher import Hit, LexiconMatcher
from adwarden.domain import Evidence

__all__ = ["Hit", "IndicatorDetector", "Indicator", "Lexicon", "LexiconMatcher", "hit_evidence", "load_lexicon"]

#: At most this many hits of one indicator are reported per post (a phrase repeated 40 times is one reason).
MAX_HITS_PER_INDICATOR = 5


def hit_evidence(hits: Sequence[Hit]) -> list[Evidence]:
    """Evidence for matcher hits: label = indicator id, category, weight, the matched original text and span."""
    out: list[Evidence] = []
    counts: dict[str, int] = {}
    for h in hits:
        n = counts.get(h.indicator.id, 0)
        if n >= MAX_HITS_PER_INDICATOR:
            continue
        counts[h.indicator.id] = n + 1
        ind = h.indicator
        out.append(Evidence(
            "indicator", ind.id, ind.weight, category=ind.category, value=h.text, start=h.start, end=h.end,
            attrs={"sources": list(ind.sources), "language": ind.language},
        ))
    return out


class IndicatorDetector(Detector):
    """Matches the indicator lexicon against the post text; one evidence per hit (span in the original)."""

    version = "1"

    def __init__(self, lexicon: Lexicon | None = None, *, lexicon_path: Path | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else load_lexicon(lexicon_path)

    @cached_property
    def matcher(self) -> LexiconMatcher:
        """The lexicon's automaton, built on first use (with the fold tables under it, 0.6-0.8 s of CPU).

        Why not in ``__init__``: every process builds its screener at start-up, but not every process screens.
        A file ingest's storing process hands screening to a worker it forks before warming up, so an
        automaton built there was never used; a process that screens builds it on its first post (a server
        and a scan warm up before serving or forking, so they still build it once, up front)."""
        return LexiconMatcher(self.lexicon)

    def describe_version(self) -> str:
        return f"{self.version}+lexicon:{self.lexicon.version}:{self.lexicon.digest[:12]}"

    def evidence_for(self, text: str) -> list[Evidence]:
        return hit_evidence(self.matcher.find(text))

    def evidence_many(self, texts: list[str]) -> list[list[Evidence]]:
        """Evidence for many texts in one vectorised pass: the fast path for scans and batch jobs (several times
        faster per text than :meth:`evidence_for`; see docs/PERFORMANCE.md#indicators)."""
        return [hit_evidence(h) for h in self.matcher.find_many(texts)]

    def detect(self, ctx: ScreenContext) -> Sequence[Evidence]:
        return self.evidence_for(ctx.text)
