"""Group commit for the API: one writer thread screens and stores whatever posts are waiting, in one
transaction.

Why: a transaction per HTTP request spends most of its time on fixed costs (begin, chain head, commit). At a
few hundred posts per second one writer draining a queue turns N transactions into one without adding waiting
time at low load (it never waits for a batch to fill: it takes what is queued). Screening runs in the writer
too: CPU-bound Python in many request threads would fight the writer for the GIL (a convoy that turns
milliseconds of work into tens of milliseconds of latency), while one thread doing all of it stays fast.
Each caller gets its own outcome only after the transaction holding its post has committed, so an answer is
never sent for a post that is not stored. A duplicate's outcome carries the stored verdict of its post.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from multiprocessing.pool import AsyncResult, Pool
from typing import Protocol

from adwarden.domain import Actor, Assessment, PostInput
from adwarden.pipeline import Screener, Screening
from adwarden.screening.parallel import fork_screening_pool, screen_batch
from adwarden.screening.service import IngestOutcome
from adwarden.storage.sql.database import Database
from adwarden.storage.sql.queries import latest_assessment

#: Most posts the writer stores in one transaction. 256 was tried against this 64 in the 10-minute load test
#: beside a file ingest (docs/PERFORMANCE.md) and did not shorten the backlog the ingest causes (p99 13.2 s
#: against 13.8 s, p50 110 against 72 ms): what limits the writer then is CPU shared with the ingest, not turns
#: of the write lock.
MAX_BATCH = 64

class IngestHost(Protocol):
    """What the writer needs of the process (:class:`adwarden.runtime.Runtime` is one)."""

    db: Database
    screener: Screener

    def ingest(self, items: Sequence[PostInput], *, actor: Actor,
               screenings: Sequence[Screening] | None = None) -> list[IngestOutcome]: ...


@dataclass
class _Item:
    post: PostInput
    actor: Actor
    future: Future[IngestOutcome] = field(default_factory=Future)


@dataclass
class _Batch:
    """Items taken together, and (when a worker screens them) the screener it was forked with and its answer."""

    items: list[_Item]
    screener: Screener | None = None
    result: AsyncResult[list[Screening]] | None = None


class IngestBatcher:
    """Submit posts from many threads; a single writer stores them in batches of up to ``max_batch``.

    ``screen_workers``: forked processes that screen batch k+1 while the writer stores batch k (0: the writer
    screens). Why: the server's event loop and its writer share one GIL, and near saturation every extra
    percent of CPU they hold adds far more than a percent to latency; screening is pure (extraction, detectors,
    policy) and about a fifth of the writer's work, so a process on the second core takes it off the GIL.
    Screenings come back only for the screener the pool was forked with: when the process's screener changes
    (a bank import or a policy activation, learnt by the rescan worker or by the ingest transaction), the pool
    is forked again and the batch in between is screened by the writer, so no post is stored with an old verdict.
    """

    #: Seconds to wait for a worker's screenings before screening the batch in the writer instead (a worker
    #: that died takes its task with it; the pool is then forked again).
    SCREEN_TIMEOUT = 30.0

    def __init__(self, runtime: IngestHost, *, max_batch: int = MAX_BATCH, screen_workers: int = 0) -> None:
        self.runtime = runtime
        self.db = runtime.db
        self.max_batch = max_batch
        self.screen_workers = screen_workers
        self._queue: queue.Queue[_Item | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="adwarden-ingest-writer", daemon=True)
        self._started = False
        self._lock = threading.Lock()
        self._pool: Pool | None = None
        self._pool_screener: Screener | None = None

    def _ensure_started(self) -> None:
        with self._lock:
            if not self._started:
                self._thread.start()
                self._started = True

    def enqueue(self, post: PostInput, *, actor: Actor) -> Future[IngestOutcome]:
        """Queue ``post``; the future resolves once the writer has committed it."""
        self._ensure_started()
        item = _Item(post, actor)
        self._queue.put(item)
        return item.future

    def submit(self, post: PostInput, *, actor: Actor, timeout: float = 60.0) -> IngestOutcome:
        """Queue ``post`` and block until it is committed (for threads; the API awaits :meth:`submit_async`)."""
        return self.enqueue(post, actor=actor).result(timeout=timeout)

    async def submit_async(self, post: PostInput, *, actor: Actor, timeout: float = 60.0) -> IngestOutcome:
        """Queue ``post`` and await its commit without holding a thread."""
        return await asyncio.wait_for(asyncio.wrap_future(self.enqueue(post, actor=actor)), timeout)

    def close(self) -> None:
        if self._started:
            self._queue.put(None)
            self._thread.join(timeout=30)

    def _run(self) -> None:
        try:
            self._loop()
        finally:
            self._close_pool()

    def _loop(self) -> None:
        """Take what is queued, send it to be screened, store the batch taken before it meanwhile."""
        pending: _Batch | None = None
        while True:
            items, stop = self._take(block=pending is None)
            taken = self._screen_ahead(items) if items else None
            if pending is not None:
                self._store(pending)
            pending = taken
            if stop:
                if pending is not None:
                    self._store(pending)
                return

    def _take(self, *, block: bool) -> tuple[list[_Item], bool]:
        """Up to ``max_batch`` queued items (waiting for the first one when ``block``) and whether to stop."""
        batch: list[_Item] = []
        if block:
            first = self._queue.get()
            if first is None:
                return batch, True
            batch.append(first)
        while len(batch) < self.max_batch:
            try:
                nxt = self._queue.get_nowait()
            except queue.Empty:
                break
            if nxt is None:
                return batch, True
            batch.append(nxt)
        return batch, False

    # -- screening ahead -------------------------------------------------------------------------------------
    def _screen_ahead(self, items: list[_Item]) -> _Batch:
        if self.screen_workers <= 0:
            return _Batch(items)
        screener = self.runtime.screener
        if self._pool is None or self._pool_screener is not screener:
            self._close_pool()
            self._pool = fork_screening_pool(screener, self.screen_workers)
            self._pool_screener = screener
        if self._pool is None:
            return _Batch(items)
        return _Batch(items, screener, self._pool.apply_async(screen_batch, ([i.post for i in items],)))

    def _screened(self, batch: _Batch) -> list[Screening]:
        """The batch's screenings: the worker's when they were made by the process's screener, else the
        writer's own."""
        screener = self.runtime.screener
        if batch.result is not None and batch.screener is screener:
            try:
                return batch.result.get(timeout=self.SCREEN_TIMEOUT)
            except Exception:  # noqa: BLE001 - a worker error or a dead worker: screen here, fork anew
                self._close_pool()
        return [screener.screen(i.post) for i in batch.items]

    def _close_pool(self) -> None:
        pool, self._pool, self._pool_screener = self._pool, None, None
        if pool is not None:
            pool.terminate()
            pool.join()

    # -- storing -------------------------------------------------------------------------------------------------
    def _store(self, batch: _Batch) -> None:
        try:
            screenings = self._screened(batch)
        except Exception:  # noqa: BLE001 - a post that cannot be screened fails alone, one by one
            for item in batch.items:
                self._store_one_by_one([item], item.actor)
            return
        by_actor: dict[Actor, list[tuple[_Item, Screening]]] = defaultdict(list)
        for item, scr in zip(batch.items, screenings, strict=True):
            by_actor[item.actor].append((item, scr))
        for actor, pairs in by_actor.items():
            items = [i for i, _ in pairs]
            try:
                outcomes = self.runtime.ingest([i.post for i in items], actor=actor,
                                               screenings=[scr for _, scr in pairs])
            except Exception:  # noqa: BLE001 - isolate the failing post: retry one by one
                self._store_one_by_one(items, actor)
                continue
            self._resolve(items, outcomes)

    def _store_one_by_one(self, items: list[_Item], actor: Actor) -> None:
        for item in items:
            try:
                (outcome,) = self.runtime.ingest([item.post], actor=actor)
            except Exception as exc:  # noqa: BLE001 - handed to the waiting request, which raises it
                item.future.set_exception(exc)
            else:
                self._resolve([item], [outcome])

    def _resolve(self, items: list[_Item], outcomes: list[IngestOutcome]) -> None:
        dup_ids = [o.post_id for o in outcomes if o.assessment is None]
        stored: dict[str, Assessment | None] = {}
        if dup_ids:
            with self.db.read() as conn:
                stored = {pid: latest_assessment(conn, pid) for pid in set(dup_ids)}
        for item, outcome in zip(items, outcomes, strict=True):
            if outcome.assessment is None:
                outcome = replace(outcome, assessment=stored.get(outcome.post_id))
            item.future.set_result(outcome)
