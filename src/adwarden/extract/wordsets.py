"""One shared automaton pass per text for the literal words several extractors look for.

The phone extractor needs where number words occur (``five``, ``sevn``), the price extractor whether a
price hint (``min``, ``$``, ``roses``) occurs in the text and in each window around its digits, the
payment extractor whether a payment service is named. Each used to run its own Aho-Corasick pass; a
pass costs about the same whatever it looks for, so the lists are registered here at import time
(:func:`add_words`) and found in ONE pass per text (:func:`word_hits`, kept in ``ctx.memo``).
"""

from __future__ import annotations

from collections.abc import Iterable

from adwarden.extract.base import ExtractContext
from adwarden.extract.literals import LiteralSets

__all__ = ["add_words", "word_hits"]

_SETS = LiteralSets()


def add_words(name: str, words: Iterable[str]) -> None:
    """Register the word list ``name`` (a second call with the same name replaces it)."""
    _SETS.add(name, words)


def word_hits(ctx: ExtractContext, name: str) -> list[tuple[int, int]]:
    """Sorted ``(start, end)`` of every occurrence of the words of list ``name`` in ``ctx.folded.text``."""
    hits: dict[str, list[tuple[int, int]]] | None = ctx.memo.get("words")
    if hits is None:
        hits = ctx.memo["words"] = _SETS.find(ctx.folded.text)
    return hits[name]
