"""The background rescan worker of the API server: runs queued rescan jobs (after ``banks import --no-wait``,
``policy activate --no-wait`` or an HTTP import) without blocking requests.

One thread per server process; it refreshes the screener (banks and policy may have changed in another
process: one small query on the screening-state version tells), then runs every pending or interrupted job to
completion, then sleeps. Jobs are resumable and leased (:data:`adwarden.retro.rescan.LEASE_SECONDS`): a job a CLI
or another server is working is left to it, and a dead worker's job is resumed after its lease expires.
"""

from __future__ import annotations

import logging
import threading

from adwarden.domain import Actor
from adwarden.retro.rescan import RUN_LOCK, Runtime, list_jobs, run_pending

log = logging.getLogger(__name__)


WORKER_ACTOR = Actor.system("rescan-worker")


class RescanWorker:
    def __init__(self, runtime: Runtime, interval: float) -> None:
        self.runtime = runtime
        self.interval = interval
        self._stop = threading.Event()
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
            if not self.runtime.is_current():
                self.runtime.refresh_screener()
            with self.runtime.db.read() as conn:
                if not list_jobs(conn, unfinished_only=True):
                    return 0
            jobs = run_pending(self.runtime, actor=WORKER_ACTOR, lock=False)
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
