"""Group commit for the API: one writer thread stores whatever posts are waiting in one transaction.

Why: a transaction per HTTP request spends most of its time on fixed costs (begin, chain head, commit). At a
few hundred posts per second one writer draining a queue turns N transactions into one without adding waiting
time at low load (it never waits for a batch to fill: it takes what is queued). Each caller still gets its own
outcome only after the transaction holding its post has committed, so an answer is never sent for a post
that is not stored.
"""

from __future__ import annotations

import queue
import threading
from collections import defaultdict
from concurrent.futures import Future
from dataclasses import dataclass, field

from adwarden.domain import Actor, PostInput
from adwarden.pipeline import Screener, Screening
from adwarden.screening.service import IngestOutcome, ingest_posts
from adwarden.storage.sql.database import Database


@dataclass
class _Item:
    post: PostInput
    screening: Screening
    actor: Actor
    future: Future[IngestOutcome] = field(default_factory=Future)


class IngestBatcher:
    """Submit posts from many threads; a single writer stores them in batches of up to ``max_batch``."""

    def __init__(self, db: Database, screener: Screener, *, max_batch: int = 64) -> None:
        self.db = db
        self.screener = screener
        self.max_batch = max_batch
        self._queue: queue.Queue[_Item | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="adwarden-ingest-writer", daemon=True)
        self._started = False
        self._lock = threading.Lock()

    def _ensure_started(self) -> None:
        with self._lock:
            if not self._started:
                self._thread.start()
                self._started = True

    def submit(self, post: PostInput, *, actor: Actor, timeout: float = 60.0) -> IngestOutcome:
        """Screen ``post`` in the calling thread, then wait until the writer has committed it."""
        self._ensure_started()
        item = _Item(post, self.screener.screen(post), actor)
        self._queue.put(item)
        return item.future.result(timeout=timeout)

    def close(self) -> None:
        if self._started:
            self._queue.put(None)
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            self._store(batch)
            if stop:
                return

    def _store(self, batch: list[_Item]) -> None:
        by_actor: dict[Actor, list[_Item]] = defaultdict(list)
        for item in batch:
            by_actor[item.actor].append(item)
        for actor, items in by_actor.items():
            try:
                outcomes = ingest_posts(self.db, [i.post for i in items], self.screener, actor=actor,
                                        screenings=[i.screening for i in items])
            except Exception:  # noqa: BLE001 - isolate the failing post: retry one by one
                self._store_one_by_one(items, actor)
                continue
            for item, outcome in zip(items, outcomes, strict=True):
                item.future.set_result(outcome)

    def _store_one_by_one(self, items: list[_Item], actor: Actor) -> None:
        for item in items:
            try:
                (outcome,) = ingest_posts(self.db, [item.post], self.screener, actor=actor,
                                          screenings=[item.screening])
            except Exception as exc:  # noqa: BLE001 - handed to the waiting request, which raises it
                item.future.set_exception(exc)
            else:
                item.future.set_result(outcome)
