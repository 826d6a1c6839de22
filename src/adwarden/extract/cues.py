"""One shared scan for the fixed cue words and phrases of every extractor.

Several extractors look for fixed words: service mode (``incall``), availability (``24/7``), youth
language (``barely legal``), age cues (``i'm``, ``age:``) and handle cues (``ig:``, ``snapchat``).
Each scan of a text costs about as much as any other, whatever it looks for, so they all share
ONE scan per text: every module registers its terms with :func:`add_terms` at import time and
reads the hits of its kind from :func:`cue_hits` (computed once per text, kept in ``ctx.memo``).

The patterns tolerate stretched letters and odd separators always, and leetspeak when the text
has a digit or ``@$!|`` inside a word (see :func:`adwarden.extract.retrie.tolerant_alternation`),
so ``ＩＮＣＡＬＬ``, ``in-call``, ``1ncall``, ``t33n``, ``yooung`` and ``1nstagram`` all count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from adwarden.extract.base import ExtractContext
from adwarden.extract.retrie import phrase_key, tolerant_alternation, tolerant_first_chars, tolerant_pattern
from adwarden.extract.wordstarts import WordStartScan

__all__ = ["add_terms", "cue_hits", "cue_hits_of", "phrase_hits"]

_TERMS: dict[str, list[tuple[str, str]]] = {}
# A leet character inside a word (``t33n``) or starting one (``1ncall``). The letter after it, which both
# cases need, is checked first: in ads most digits are followed by another digit (phone numbers).
_LEET_SIGNAL = re.compile(r"[013457@$!|](?=[a-z])(?:(?<=[a-z].)|(?<![0-9].)(?=[a-z]{2}))")


@dataclass(frozen=True, slots=True)
class _Compiled:
    leet: WordStartScan
    plain: WordStartScan
    by_key: Mapping[str, list[tuple[str, str]]]
    each: list[tuple[re.Pattern[str], list[tuple[str, str]]]]


_COMPILED: list[_Compiled] = []


def _key(matched: str) -> str:
    return phrase_key(matched.replace(" and ", " ").replace("&", " "))


def add_terms(kind: str, terms: Mapping[str, str]) -> None:
    """Register ``term -> value`` cues of ``kind``. A term may belong to several kinds."""
    for term, value in terms.items():
        entry = _TERMS.setdefault(term, [])
        if (kind, value) not in entry:
            entry.append((kind, value))
    _COMPILED.clear()
    _classify.cache_clear()


def _compiled() -> _Compiled:
    if not _COMPILED:
        _COMPILED.append(
            _Compiled(
                # Every term is checked for a word boundary right after its first character, so the
                # scan is led by the separator before a word (see adwarden.extract.wordstarts).
                leet=_word_start_scan(leet=True),
                plain=_word_start_scan(leet=False),
                by_key={_key(t): kv for t, kv in _TERMS.items()},
                each=[(re.compile(tolerant_pattern(t) + "$"), kv) for t, kv in _TERMS.items()],
            )
        )
    return _COMPILED[0]


def _word_start_scan(leet: bool) -> WordStartScan:
    return WordStartScan(
        tolerant_alternation(_TERMS, leet=leet),
        "a-z0-9",
        led=tolerant_alternation(_TERMS, leet=leet, boundary=False),
        first_chars=tolerant_first_chars(_TERMS, leet=leet),
    )


@lru_cache(maxsize=4096)
def _classify(matched: str) -> tuple[tuple[str, str], ...]:
    c = _compiled()
    found = c.by_key.get(_key(matched))
    if found is not None:
        return tuple(found)
    for rx, kv in c.each:  # rare: an ambiguous leet digit ("1" for l or i)
        if rx.match(matched):
            return tuple(kv)
    return ()


def cue_hits(ctx: ExtractContext) -> list[tuple[str, str, int, int]]:
    """(kind, value, folded start, folded end) of every registered cue in ``ctx``, computed once."""
    hits: list[tuple[str, str, int, int]] | None = ctx.memo.get("cues")
    if hits is None:
        c = _compiled()
        text = ctx.folded.text
        scan = c.leet if _LEET_SIGNAL.search(text) else c.plain
        hits = []
        for a, b in scan.spans(text):
            for kind, value in _classify(text[a:b]):
                hits.append((kind, value, a, b))
        ctx.memo["cues"] = hits
    return hits


_NO_HITS: list[tuple[str, int, int]] = []


def cue_hits_of(ctx: ExtractContext, kind: str) -> list[tuple[str, int, int]]:
    """(value, folded start, folded end) of the cues of one ``kind``, in order.

    The hits are split by kind once per text: five extractors read them, and most texts have no hit
    of most kinds.
    """
    by_kind: dict[str, list[tuple[str, int, int]]] | None = ctx.memo.get("cues_by_kind")
    if by_kind is None:
        by_kind = {}
        for k, value, a, b in cue_hits(ctx):
            if k in by_kind:
                by_kind[k].append((value, a, b))
            else:
                by_kind[k] = [(value, a, b)]
        ctx.memo["cues_by_kind"] = by_kind
    return by_kind.get(kind, _NO_HITS)


def phrase_hits(ctx: ExtractContext, kind: str) -> Iterator[tuple[str, int, int]]:
    """(value, original start, original end) of the cues of one ``kind``."""
    hits = cue_hits_of(ctx, kind)
    if not hits:
        return
    span = ctx.folded.span
    for value, a, b in hits:
        start, end = span(a, b)
        yield value, start, end
