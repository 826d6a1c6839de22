"""Screening on the second core while the first one writes: a bounded pipeline for file ingest.

Why: screening (extraction, detectors, policy) and storing (SQLite inserts, commit, audit, network linking) each
take about half of an ingest's time, and both are CPU-bound Python, so threads cannot overlap them. A forked
worker process inherits the already-built screener (no second start-up), screens batch k+1 while the main
process commits batch k, and hands back plain picklable screenings. The main process still commits every batch
before acknowledging it, so crash safety is unchanged. At most ``ahead`` batches are in flight, so memory stays
bounded however large the file. A JSONL file goes to the worker as undecoded lines (:meth:`ScreeningPipeline.
run_chunks`): the worker reads and validates them too, so the storing process, which bounds the pipeline, does not.
"""

from __future__ import annotations

import copyreg
import multiprocessing
import types
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.pool import AsyncResult, Pool
from typing import Any, Generic, TypeVar

from adwarden.domain import PostInput
from adwarden.ingest.files import ChunkRecords, JsonlChunk, read_chunk
from adwarden.pipeline import WARM_UP_POST, Screener, Screening

T = TypeVar("T")
R = TypeVar("R")
A = TypeVar("A")
G = TypeVar("G")
#: Work a file ingest does per batch once it is screened, pure and picklable (e.g. the rows to store); done in
#: the worker too when there is one.
Preparer = Callable[[Sequence[PostInput], list[Screening]], list[Any]]


def _mappingproxy(d: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    return types.MappingProxyType(d)


def _reduce_mappingproxy(m: types.MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _mappingproxy, (dict(m),)


# Extracted facts keep their attributes in read-only mappingproxies; teach pickle to carry them.
copyreg.pickle(types.MappingProxyType, _reduce_mappingproxy)

_WORKER_SCREENER: Screener | None = None
_WORKER_PREPARER: Preparer | None = None


def screen_batch(posts: Sequence[PostInput]) -> list[Screening]:
    """Screen ``posts`` in a worker of :func:`fork_screening_pool` with the screener it inherited, as one batch
    (:meth:`~adwarden.pipeline.Screener.screen_many`).

    The screenings come back :meth:`~adwarden.pipeline.Screening.for_storing` (without their extraction):
    every caller hands them to a storing process, which never reads it, and unpickling it cost that process
    about 22 µs per post."""
    assert _WORKER_SCREENER is not None, "the worker was not forked from a parent with a screener"
    return [s.for_storing() for s in _WORKER_SCREENER.screen_many(posts)]


def screen_and_prepare_batch(posts: Sequence[PostInput]) -> tuple[list[Screening], list[Any]]:
    """Screen ``posts`` as :func:`screen_batch` does, then run the preparer the worker inherited on them (with
    the full screenings). The screenings come back without their identifiers too: the prepared rows carry
    them (see :meth:`~adwarden.pipeline.Screening.for_storing`)."""
    assert _WORKER_PREPARER is not None, "the worker was not forked with a preparer"
    assert _WORKER_SCREENER is not None, "the worker was not forked from a parent with a screener"
    screenings = _WORKER_SCREENER.screen_many(posts)
    return [s.for_storing(rows_prepared=True) for s in screenings], _WORKER_PREPARER(posts, screenings)


def read_screen_and_prepare_chunk(chunk: JsonlChunk) -> tuple[ChunkRecords, list[Screening], list[Any]]:
    """Read and validate a chunk of a JSONL file (:func:`~adwarden.ingest.files.read_chunk`), then screen and
    prepare its posts as :func:`screen_and_prepare_batch` does. The storing process gets the posts back
    pickled (about 12 µs per post to unpickle) instead of decoding, validating and pickling them itself
    (about 45 µs)."""
    got = read_chunk(chunk)
    screenings, prepared = screen_and_prepare_batch(got.posts)
    return got, screenings, prepared


def _start_worker(warm: bool) -> None:
    """A worker's start: warm the screener up (unless the parent did), then freeze what it inherited and built
    (the tables, the screener) out of the collector's reach and make young collections rarer; without this
    the collector took about 8% of a worker's CPU. The threshold is the worker's own, whatever its parent's
    (:func:`~adwarden.screening.collector.collect_every`)."""
    from adwarden.screening.collector import collect_every, freeze_long_lived

    assert _WORKER_SCREENER is not None
    if warm:
        _WORKER_SCREENER.screen(WARM_UP_POST)
    freeze_long_lived()
    collect_every()


def fork_screening_pool(screener: Screener, workers: int, *, prepare: Preparer | None = None,
                        warm_parent: bool = True) -> Pool | None:
    """A pool of ``workers`` processes forked now, each inheriting ``screener`` and ``prepare``; None where
    ``fork`` is not available. Batches go to it with ``pool.apply_async(screen_batch, (posts,))`` (or
    :func:`screen_and_prepare_batch`).

    ``warm_parent``: the screener is warmed up (its lazy tables built, about 2 s) before the fork, so that the
    workers inherit the tables and the parent has them too (the API's writer screens again after a bank
    change). Without it each worker warms itself up as it starts, while the parent goes on: right for a file
    ingest, whose storing process never screens (unless a bank import lands meanwhile, when it builds them on
    first use) and meanwhile warms up its own side, the movement gazetteer and the linker."""
    if workers <= 0 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    if warm_parent:
        screener.screen(WARM_UP_POST)
    global _WORKER_SCREENER, _WORKER_PREPARER
    _WORKER_SCREENER = screener
    _WORKER_PREPARER = prepare
    return multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker, initargs=(not warm_parent,))


class ScreeningPipeline(Generic[T]):
    """Screens batches of posts ahead of the consumer, in order.

    ``workers=0`` screens in the calling process (no pool): the same results, one core. The workers warm up
    the screener themselves (``warm_parent=False`` of :func:`fork_screening_pool`). ``prepare`` (see
    :data:`Preparer`) runs on each screened batch, in the worker when there is one, and
    :meth:`run_prepared` yields its result with the batch.
    """

    def __init__(self, screener: Screener, *, workers: int = 1, ahead: int = 3,
                 prepare: Preparer | None = None) -> None:
        self.screener = screener
        self.workers = workers
        self.ahead = max(1, ahead)
        self.prepare = prepare
        self._pool: Pool | None = None

    def __enter__(self) -> ScreeningPipeline[T]:
        self._pool = fork_screening_pool(self.screener, self.workers, prepare=self.prepare, warm_parent=False)
        return self

    @property
    def forked(self) -> bool:
        """Whether the batches are screened in a worker process (False with ``workers=0`` or without ``fork``)."""
        return self._pool is not None

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
                yield posts, self.screener.screen_many(posts), tag
            return
        for posts, res, tag in self._ahead(((list(p), t) for p, t in batches), screen_batch):
            yield posts, res, tag

    def run_prepared(self, batches: Iterable[tuple[Sequence[PostInput], T]]) -> Iterator[
            tuple[Sequence[PostInput], list[Screening], list[Any], T]]:
        """Yield ``(posts, screenings, prepare(posts, screenings), tag)`` for each ``(posts, tag)``, in order."""
        prepare = self.prepare
        if prepare is None:
            raise ValueError("run_prepared needs a pipeline built with prepare=")
        if self._pool is None:
            for posts, tag in batches:
                screenings = self.screener.screen_many(posts)
                yield posts, screenings, prepare(posts, screenings), tag
            return
        for posts, (screenings, prepared), tag in self._ahead(((list(p), t) for p, t in batches),
                                                              screen_and_prepare_batch):
            yield posts, screenings, prepared, tag

    def run_chunks(self, chunks: Iterable[JsonlChunk]) -> Iterator[tuple[ChunkRecords, list[Screening], list[Any]]]:
        """Yield ``(records, screenings, prepare(records.posts, screenings))`` for each chunk of a JSONL file, in
        order: the worker reads and validates the chunk too (:func:`read_screen_and_prepare_chunk`), so the
        calling process only cuts the file into lines. Without a pool, the same in this process."""
        prepare = self.prepare
        if prepare is None:
            raise ValueError("run_chunks needs a pipeline built with prepare=")
        if self._pool is None:
            for chunk in chunks:
                got = read_chunk(chunk)
                screenings = self.screener.screen_many(got.posts)
                yield got, screenings, prepare(got.posts, screenings)
            return
        for _, result, _ in self._ahead(((c, None) for c in chunks), read_screen_and_prepare_chunk):
            yield result

    def _ahead(self, work: Iterable[tuple[A, G]], fn: Callable[[A], R]) -> Iterator[tuple[A, R, G]]:
        """``fn(arg)`` of each ``(arg, tag)``, run in the pool at most ``ahead`` items in front of the consumer."""
        assert self._pool is not None
        pending: deque[tuple[A, AsyncResult[R], G]] = deque()
        for arg, tag in work:
            pending.append((arg, self._pool.apply_async(fn, (arg,)), tag))
            while len(pending) > self.ahead:
                p, res, t = pending.popleft()
                yield p, res.get(), t
        while pending:
            p, res, t = pending.popleft()
            yield p, res.get(), t
