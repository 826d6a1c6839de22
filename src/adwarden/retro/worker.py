"""The background rescan worker of the API server: runs queued rescan jobs (after ``banks import --no-wait``,
``policy activate --no-wait`` or an HTTP import) without blocking requests.

One thread per server process; it refreshes the screener (banks and policy may have changed in another
process), then runs every pending or interrupted job to completion, then sleeps. Jobs are resumable, so a
restart continues where the last committed batch stopped. Run one server (or one ``adwarden rescan``) per
database at a time: two processes working the same job would both re-assess its batches.
"""

from __future__ import annotations

import logging
import threading

from adwarden.domain import Actor
from adwarden.retro import refresh_screener
from adwarden.retro.rescan import RUN_LOCK, list_jobs, run_pending
from adwarden.runtime import Runtime

log = logging.getLogger(__name__)


def stored_state(runtime: Runtime) -> tuple[object, ...]:
    """A cheap signature of what the screener loads from storage: bank entries, bank updates, activations."""
    from sqlalchemy import func, select

    from adwarden.storage.sql.tables_banks import bank_entries, banks, policy_activations

    with runtime.db.read() as conn:
        entries = conn.execute(select(func.count(), func.max(bank_entries.c.id)).select_from(bank_entries)).one()
        updated = conn.execute(select(func.max(banks.c.updated_at))).scalar()
        activation = conn.execute(select(func.max(policy_activations.c.id))).scalar()
    return (tuple(entries), updated, activation)

WORKER_ACTOR = Actor.system("rescan-worker")


class RescanWorker:
    def __init__(self, runtime: Runtime, interval: float) -> None:
        self.runtime = runtime
        self.interval = interval
        self._stop = threading.Event()
        self._state: tuple[object, ...] | None = None
        self._thread = threading.Thread(target=self._loop, name="adwarden-rescan", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def run_once(self) -> int:
        """Reload banks and policy if another process changed them, then run every queued job; returns how
        many jobs were worked. Checking costs two small queries; reloading happens only on a change."""
        if not RUN_LOCK.acquire(blocking=False):
            return 0
        try:
            state = stored_state(self.runtime)
            if state != self._state:
                refresh_screener(self.runtime)
                self._state = state
            with self.runtime.db.read() as conn:
                if not list_jobs(conn, unfinished_only=True):
                    return 0
            fn = self.runtime.extras.get("network_facts_for_post")
            jobs = run_pending(self.runtime.db, self.runtime.screener, actor=WORKER_ACTOR,
                               network_facts=fn if callable(fn) else None, lock=False)
            return len(jobs)
        finally:
            RUN_LOCK.release()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # noqa: BLE001 - the worker must survive one bad job; the job keeps its cursor
                log.exception("rescan worker: a job failed; it will be retried")
            self._stop.wait(self.interval)
