"""The webhook sender: at-least-once delivery of committed action events, with back-off and a dead-letter list.

How one round works (:meth:`DeliveryWorker.run_once`):

1. *claim*: in a short transaction, take up to ``batch`` due deliveries (``pending`` and
   ``next_attempt_at <= now``; ``SKIP LOCKED`` on PostgreSQL so several senders share the work) and push their
   ``next_attempt_at`` forward by ``lease_seconds``. A sender killed from here on leaves them to be retried
   when the lease runs out: nothing committed is lost, and the receiver may see an event twice with the same
   ``Idempotency-Key``, never a different key for the same event;
2. *send*: POST each body, signed (:mod:`adwarden.actions.signing`), over a pool of keep-alive connections;
3. *record*: in one transaction, mark each ``delivered`` or schedule its retry after an exponential back-off
   with jitter; after ``max_attempts`` it becomes ``dead`` (the dead-letter list; ``replay`` requeues it).

A receiver must answer 2xx with an empty body or a JSON document. Anything else (another status, a timeout, a
dropped connection, a 2xx with a body that is not JSON, a URL that cannot be reached) is recorded on the
delivery and retried; it never stops the sender.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import httpx

from adwarden.actions.signing import sign_headers
from adwarden.audit.log import append_event
from adwarden.storage.sql.database import Database
from adwarden.storage.sql.deliveries_store import (
    Attempt,
    DueDelivery,
    claim_due,
    record_delivered,
    record_failure,
)

HISTORY_KEPT = 20
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """Back-off ``base * factor**(attempt-1)`` seconds, capped, with +-``jitter`` spread; ``max_attempts``
    attempts in all before the dead-letter list."""

    base_seconds: float = 2.0
    factor: float = 2.0
    max_seconds: float = 3600.0
    max_attempts: int = 10
    jitter: float = 0.2

    def delay(self, attempts: int, rand: random.Random) -> float:
        """>>> RetryPolicy(jitter=0).delay(3, random.Random(0))
        8.0
        """
        raw = min(self.max_seconds, self.base_seconds * self.factor ** max(0, attempts - 1))
        return raw * (1 + self.jitter * (2 * rand.random() - 1))


#: A claimed delivery: what one send needs (event key and body, endpoint URL and secret, attempts so far).
_Item = DueDelivery


@dataclass(frozen=True)
class _Result:
    item: _Item
    ok: bool
    status: int | None
    error: str | None
    ms: float


class DeliveryWorker:
    """Sends due deliveries; one per process is enough, several may share a PostgreSQL database."""

    def __init__(self, db: Database, *, batch: int = 200, concurrency: int = 8, timeout: float = 5.0,
                 lease_seconds: float = 30.0, retry: RetryPolicy | None = None, seed: int | None = None) -> None:
        self.db = db
        self.batch = batch
        self.timeout = timeout
        self.lease = timedelta(seconds=lease_seconds)
        self.retry = retry or RetryPolicy()
        self.rand = random.Random(seed)
        self.client = httpx.Client(timeout=timeout, follow_redirects=False,
                                   limits=httpx.Limits(max_connections=concurrency * 2,
                                                       max_keepalive_connections=concurrency * 2))
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="adwarden-webhook")

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.client.close()

    # -- one round --------------------------------------------------------------------------------------
    def run_once(self) -> int:
        """Claim, send and record one batch; returns how many deliveries were attempted."""
        items = self._claim()
        if not items:
            return 0
        results = list(self.pool.map(self._send, items))
        self._record(results)
        return len(results)

    def drain(self, *, deadline_seconds: float = 60.0) -> int:
        """Run rounds until nothing is due (or the deadline passes); returns deliveries attempted."""
        end = time.monotonic() + deadline_seconds
        total = 0
        while time.monotonic() < end:
            n = self.run_once()
            total += n
            if n == 0:
                break
        return total

    def run(self, stop: threading.Event, wake: threading.Event | None = None, poll_seconds: float = 0.5) -> None:
        """Loop until ``stop`` is set; sleep ``poll_seconds`` between empty rounds unless ``wake`` is set."""
        while not stop.is_set():
            try:
                n = self.run_once()
            except Exception as exc:  # a database hiccup must not kill the sender; it retries next round
                log.warning("webhook sender round failed: %s", exc)
                n = 0
            if n == 0:
                if wake is not None:
                    wake.wait(poll_seconds)
                    wake.clear()
                else:
                    stop.wait(poll_seconds)

    # -- steps ------------------------------------------------------------------------------------------
    def _claim(self) -> list[_Item]:
        now = datetime.now(UTC)
        with self.db.transaction() as conn:
            return claim_due(conn, now=now, lease_until=now + self.lease, limit=self.batch)

    def _send(self, item: _Item) -> _Result:
        body = item.body.encode("utf-8")
        started = time.perf_counter()
        try:
            resp = self.client.post(item.url, content=body, headers=sign_headers(item.secret, item.event_id, body,
                                                                            sequence=item.event_seq))
        except Exception as exc:  # timeouts, refused or dropped connections, bad URLs: all recorded, retried
            return _Result(item, False, None, f"{type(exc).__name__}: {exc}"[:500], _ms(started))
        ms = _ms(started)
        if not 200 <= resp.status_code < 300:
            return _Result(item, False, resp.status_code, f"HTTP {resp.status_code}", ms)
        text = resp.content.strip()
        if text:
            try:
                json.loads(text)
            except ValueError:
                return _Result(item, False, resp.status_code, "2xx answer whose body is not JSON", ms)
        return _Result(item, True, resp.status_code, None, ms)

    def _record(self, results: list[_Result]) -> None:
        now = datetime.now(UTC)
        delivered: list[str] = []
        failed: list[str] = []
        ok: list[Attempt] = []
        with self.db.transaction() as conn:
            for r in results:
                attempts = r.item.attempts + 1
                entry = {"at": now.isoformat(), "status": r.status, "error": r.error, "ms": round(r.ms, 2)}
                attempt = Attempt(r.item.event_seq, r.item.endpoint_id, attempts, r.status, r.error,
                                  [*r.item.history, entry][-HISTORY_KEPT:])
                if r.ok:
                    delivered.append(r.item.event_id)
                    ok.append(attempt)
                    continue
                failed.append(r.item.event_id)
                if attempts >= self.retry.max_attempts:
                    record_failure(conn, attempt, dead=True)
                    append_event(conn, name="webhook-dead-lettered", actor="webhook-sender", subject_type="webhook",
                                 subject_id=r.item.endpoint_id, payload={"event_id": r.item.event_id,
                                                                         "attempts": attempts, "error": r.error})
                else:
                    due = now + timedelta(seconds=self.retry.delay(attempts, self.rand))
                    record_failure(conn, replace(attempt, next_attempt_at=due), dead=False)
            record_delivered(conn, ok, now=now)
            append_event(conn, name="webhook-deliveries-recorded", actor="webhook-sender", subject_type="webhook",
                         subject_id="deliveries", payload={"delivered": delivered, "failed": failed})


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
