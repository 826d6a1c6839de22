"""Webhooks against a real loopback receiver: signed, retried through failures, dead-lettered, replayed, and
exactly once per idempotency key after the sender is killed with SIGKILL mid-delivery; SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from adwarden.actions.delivery import DeliveryWorker, RetryPolicy
from adwarden.actions.endpoints import register_endpoint
from adwarden.actions.feed import dead_letters, delivery_status, read_feed, replay
from adwarden.actions.receiver import Receiver
from adwarden.domain import Actor
from adwarden.review.decisions import record_decision
from adwarden.runtime import Runtime
from adwarden.storage.sql.tables_review import action_events, webhook_deliveries
from tests.factories import risky_post

ADMIN = Actor.system("ops")
MOD = Actor("mia", frozenset({"moderator"}))
PLATFORM = Actor("shop", frozenset({"platform"}))
FAST = RetryPolicy(base_seconds=0.01, factor=1.0, max_seconds=0.01, max_attempts=4, jitter=0)


def _decide(rt: Runtime, n: int, prefix: str = "w") -> list[str]:
    outs = rt.ingest([risky_post(f"{prefix}-{i}") for i in range(n)], actor=PLATFORM)
    keys = []
    for o in outs:
        assert o.case_id is not None
        d = record_decision(rt.db, o.case_id, "violating-trafficking", actor=MOD, policy=rt.screener.policy)
        keys.extend(d.action_events)
    return keys


def _drain(worker: DeliveryWorker, rounds: int = 50) -> None:
    for _ in range(rounds):
        worker.run_once()
        time.sleep(0.02)


def test_signed_delivery_survives_failures_then_dead_letters_and_replays(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    with Receiver() as rcv:
        ep = register_endpoint(rt.db, site="example-classifieds", url=rcv.url, actor=ADMIN)
        assert ep.secret
        rcv.secret = ep.secret
        rcv.timeout_seconds = 1.0
        rcv.failures.extend(["500", "drop", "timeout", "garbage"])
        keys = _decide(rt, 2)
        worker = DeliveryWorker(rt.db, timeout=0.5, lease_seconds=5, retry=FAST, concurrency=1)
        try:
            _drain(worker)
            assert sorted(set(rcv.keys())) == sorted(keys) and rcv.bad_signatures == 0
            assert sorted({int(r["sequence"]) for r in rcv.received}) == [1, 2]  # the feed cursor of each event
            status = delivery_status(rt.db, keys[0], actor=ADMIN, sites=None)
            d = status["deliveries"][0]
            assert d["status"] == "delivered"
            errors = [h["error"] for k in keys for h in delivery_status(rt.db, k, actor=ADMIN, sites=None)[
                "deliveries"][0]["history"] if h["error"]]
            assert any("HTTP 500" in e for e in errors) and any("not JSON" in e for e in errors)
            assert len(errors) == 4  # 500, dropped connection, timeout, garbage: each recorded and retried

            rcv.failures.extend(["500"] * FAST.max_attempts)
            dead_key = _decide(rt, 1, prefix="dead")[0]
            _drain(worker, rounds=10)
            assert [x["event_id"] for x in dead_letters(rt.db, actor=ADMIN, sites=None)] == [dead_key]
            assert dead_key not in rcv.keys()
            assert replay(rt.db, actor=ADMIN, sites=None, all_dead=True) == 1
            _drain(worker, rounds=5)
            assert dead_key in rcv.keys() and dead_letters(rt.db, actor=ADMIN, sites=None) == []
        finally:
            worker.close()


def test_unreachable_or_bad_url_is_recorded_never_crashes(runtime: Runtime) -> None:
    rt = runtime
    register_endpoint(rt.db, site="example-classifieds", url="http://127.0.0.1:9/nothing-listens", actor=ADMIN)
    key = _decide(rt, 1)[0]
    worker = DeliveryWorker(rt.db, timeout=0.5, retry=FAST)
    try:
        _drain(worker, rounds=6)
    finally:
        worker.close()
    d = delivery_status(rt.db, key, actor=ADMIN, sites=None)["deliveries"][0]
    assert d["status"] == "dead" and d["attempts"] == FAST.max_attempts and "Connect" in d["last_error"]


def test_feed_is_ordered_with_a_cursor_and_scoped_to_the_platform_site(runtime: Runtime) -> None:
    rt = runtime
    keys = _decide(rt, 3)
    first = read_feed(rt.db, after=None, actor=PLATFORM, sites=frozenset({"example-classifieds"}), limit=2)
    rest = read_feed(rt.db, after=first.next_cursor, actor=PLATFORM, sites=frozenset({"example-classifieds"}))
    assert [e["event"]["id"] for e in first.events + rest.events] == keys
    other = read_feed(rt.db, after=None, actor=PLATFORM, sites=frozenset({"another-site"}))
    assert other.events == []


def test_kill_9_mid_delivery_then_restart_delivers_each_event_exactly_once(backend_runtime: Runtime,
                                                                          tmp_path: Path) -> None:
    rt = backend_runtime
    with Receiver() as rcv:
        ep = register_endpoint(rt.db, site="example-classifieds", url=rcv.url, actor=ADMIN)
        rcv.secret = ep.secret or ""
        rcv.timeout_seconds = 0.3
        rcv.failures.extend(["timeout"] * 10)  # slow receiver: the kill lands while requests are in flight
        keys = _decide(rt, 40, prefix="k")
        env = {**os.environ, "ADWARDEN_DATABASE_URL": rt.settings.resolved_database_url,
               "ADWARDEN_DATA_DIR": str(tmp_path), "ADWARDEN_ENVIRONMENT": "test",
               "PYTHONPATH": os.pathsep.join(sys.path)}
        cmd = [sys.executable, "-c", "from adwarden.cli.main import main; main()", "webhooks", "run", "--lease-seconds", "1",
               "--batch", "10", "--concurrency", "2", "--poll-seconds", "0.1"]
        sender = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while len(set(rcv.keys())) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        sender.send_signal(signal.SIGKILL)
        sender.wait()
        got_before = set(rcv.keys())
        assert 0 < len(got_before) < len(keys)  # killed mid-way
        restarted = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while set(rcv.keys()) != set(keys) and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            restarted.send_signal(signal.SIGTERM)
            restarted.wait(timeout=20)
    assert set(rcv.keys()) == set(keys)  # nothing committed was lost
    with rt.db.read() as conn:
        statuses = conn.execute(select(webhook_deliveries.c.status)).scalars().all()
        assert conn.execute(select(action_events.c.id)).scalars().all() == keys
    assert set(statuses) == {"delivered"} and len(statuses) == len(keys)
    # Exactly once per idempotency key at a receiver that dedups on it; raw repeats only for requests in flight.
    repeats = len(rcv.keys()) - len(set(rcv.keys()))
    assert repeats <= 10
