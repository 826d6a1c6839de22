"""Screening on the second core while the first one writes: a bounded pipeline for file ingest.

Why: screening (extraction, detectors, policy) and storing (SQLite inserts, commit, audit, network linking) each
take about half of an ingest's time, and both are CPU-bound Python, so threads cannot overlap them. A forked
worker process inherits the already-built screener (no second start-up), screens batch k+1 while the main
process commits batch k, and hands back plain picklable screenings. The main process still commits every batch
before acknowledging it, so crash safety is unchanged. At most ``ahead`` batches are in flight, so memory stays
bounded however large the file.
"""

from __future__ import annotations

import copyreg
import multiprocessing
import types
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from multiprocessing.pool import AsyncResult, Pool
from typing import Any, Generic, TypeVar

from adwarden.domain import PostInput
from adwarden.pipeline import WARM_UP_POST, Screener, Screening

T = TypeVar("T")


def _mappingproxy(d: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    return types.MappingProxyType(d)


def _reduce_mappingproxy(m: types.MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _mappingproxy, (dict(m),)


# Extracted facts keep their attributes in read-only mappingproxies; teach pickle to carry them.
copyreg.pickle(types.MappingProxyType, _reduce_mappingproxy)

_WORKER_SCREENER: Screener | None = None



def screen_batch(posts: Sequence[PostInput]) -> list[Screening]:
    """Screen ``posts`` in a worker of :func:`fork_screening_pool` with the screener it inherited."""
    assert _WORKER_SCREENER is not None, "the worker was not forked from a parent with a screener"
    return [_WORKER_SCREENER.screen(p) for p in posts]


def fork_screening_pool(screener: Screener, workers: int) -> Pool | None:
    """A pool of ``workers`` processes forked now, each inheriting ``screener`` (warmed up first so that they
    inherit its lazy tables instead of building them again); None where ``fork`` is not available. Batches go
    to it with ``pool.apply_async(screen_batch, (posts,))``."""
    if workers <= 0 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    screener.screen(WARM_UP_POST)
    global _WORKER_SCREENER
    _WORKER_SCREENER = screener
    return multiprocessing.get_context("fork").Pool(workers)


class ScreeningPipeline(Generic[T]):
    """Screens batches of posts ahead of the consumer, in order.

    ``workers=0`` screens in the calling process (no pool): the same results, one core.
    """

    def __init__(self, screener: Screener, *, workers: int = 1, ahead: int = 3) -> None:
        self.screener = screener
        self.workers = workers
        self.ahead = max(1, ahead)
        self._pool: Pool | None = None

    def __enter__(self) -> ScreeningPipeline[T]:
        self._pool = fork_screening_pool(self.screener, self.workers)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def run(self, batches: Iterable[tuple[Sequence[PostInput], T]]) -> Iterator[tuple[Sequence[PostInput],
                                                                                     list[Screening], T]]:
        """Yield ``(posts, screenings, tag)`` for each ``(posts, tag)`` batch, in input order."""
        if self._pool is None:
            for posts, tag in batches:
                yield posts, [self.screener.screen(p) for p in posts], tag
            return
        pending: deque[tuple[Sequence[PostInput], AsyncResult[list[Screening]], T]] = deque()
        for posts, tag in batches:
            pending.append((posts, self._pool.apply_async(screen_batch, (list(posts),)), tag))
            while len(pending) > self.ahead:
                p, res, t = pending.popleft()
                yield p, res.get(), t
        while pending:
            p, res, t = pending.popleft()
            yield p, res.get(), t
