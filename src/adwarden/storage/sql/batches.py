"""Splitting long id lists into statements of bounded size.

Why: ``IN (...)`` lists and multi-row inserts have backend limits (SQLite's bound-parameter cap, PostgreSQL's
statement size), so the stores send at most a few hundred ids per statement.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def chunked(seq: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``seq`` in consecutive slices of at most ``size`` items."""
    for i in range(0, len(seq), size):
        yield seq[i : i + size]
