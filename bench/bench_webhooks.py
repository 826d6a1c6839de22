"""Benchmark: webhook delivery >= 500 events/s to a local receiver; decision-to-receiver p99 <= 1 s.

Throughput: --events action events are written through the outbox (``emit``, 500 per transaction) to a fresh
SQLite database with one endpoint on a local loopback receiver (``adwarden.actions.receiver``, which verifies every
signature); then the delivery worker drains them (claim, sign, POST, record, as in production) and the wall time
gives events/s. The receiver runs in its own process (bench/webhook_receiver_asgi.py: uvicorn, signatures
verified). Baseline in the same run: the same signed bodies POSTed to the same receiver by the same kind of
client pool with no database at all, i.e. what the receiver and loopback allow.

Latency: the worker runs in a thread woken after each commit (as the API runs it); a reviewer decides
--decisions cases, one every --interval seconds; each event's latency is from the decision's commit (the
service call returning) to its arrival at the receiver.

    .venv/bin/python bench/bench_webhooks.py --events 5000 --decisions 200
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from adwarden.actions.delivery import DeliveryWorker
from adwarden.actions.endpoints import register_endpoint
from adwarden.actions.notify import Wakeup
from adwarden.actions.outbox import emit
from adwarden.actions.receiver import Receiver
from adwarden.actions.signing import sign_headers
from adwarden.domain import Actor
from adwarden.policy import load_policy
from adwarden.review.decisions import record_decision
from adwarden.storage.sql.database import Database

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_review import SITE, build  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def throughput(tmp: Path, n: int, concurrency: int) -> dict[str, float]:
    secret = secrets.token_urlsafe(32)
    port = _free_port()
    here = Path(__file__).resolve().parent
    proc = subprocess.Popen([sys.executable, str(here / "webhook_receiver_asgi.py"), secret, str(port)])
    url = f"http://127.0.0.1:{port}/hook"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise SystemExit("receiver did not start") from None
            time.sleep(0.2)
    try:
        return _throughput(tmp, url, secret, n, concurrency)
    finally:
        proc.terminate()
        proc.wait(10)


def _throughput(tmp: Path, url: str, secret: str, n: int, concurrency: int) -> dict[str, float]:
    db = Database(f"sqlite:///{tmp / 'tp.db'}")
    db.migrate()
    register_endpoint(db, site=SITE, url=url, actor=Actor.system("bench"), secret=secret)
    for lo in range(0, n, 500):
        with db.transaction() as conn:
            for i in range(lo, min(n, lo + 500)):
                emit(conn, site=SITE, event_type="post.enforcement", data={"action": "remove", "n": i})
    raw = sqlite3.connect(tmp / "tp.db")
    bodies = [r[0] for r in raw.execute("SELECT payload FROM action_events ORDER BY seq")]
    raw.close()
    worker = DeliveryWorker(db, batch=200, concurrency=concurrency)
    t0 = time.perf_counter()
    worker.drain(deadline_seconds=600)
    seconds = time.perf_counter() - t0
    worker.close()
    counts = httpx.get(url).json()
    assert counts["distinct"] == n and counts["bad_signatures"] == 0, counts
    # Baseline: the same signed POSTs, same pool size, no database.
    client = httpx.Client(limits=httpx.Limits(max_connections=concurrency * 2))

    def post(body: str) -> None:
        b = body.encode()
        client.post(url, content=b, headers=sign_headers(secret, "baseline", b)).raise_for_status()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(post, bodies))
    base = time.perf_counter() - t0
    client.close()
    return {"events": n, "seconds": round(seconds, 2), "events_per_second": round(n / seconds, 1),
            "baseline_events_per_second": round(n / base, 1), "ratio_vs_baseline": round(base / seconds, 2)}


def latency(tmp: Path, rcv: Receiver, decisions: int, interval: float) -> dict[str, float]:
    db = build(tmp / "lat.db", decisions + 100)
    ep = register_endpoint(db, site=SITE, url=rcv.url, actor=Actor.system("bench"))
    rcv.secret = ep.secret or ""
    from adwarden.review.claims import claim_next

    wake = Wakeup()
    stop = threading.Event()
    worker = DeliveryWorker(db, concurrency=4)
    # The endpoint registered by build() points nowhere; disable it so only the receiver counts.
    with db.transaction() as conn:
        conn.exec_driver_sql("UPDATE webhook_endpoints SET active = 0 WHERE url LIKE '%:9/bench'")
    thread = threading.Thread(target=worker.run, args=(stop, wake.event, 0.5), daemon=True)
    thread.start()
    policy = load_policy()
    mod = Actor("bench-moderator", frozenset({"moderator"}))
    committed: dict[str, float] = {}
    for _ in range(decisions):
        c = claim_next(db, "general", actor=mod, policy=policy) or claim_next(db, "trafficking", actor=mod,
                                                                            policy=policy)
        assert c is not None
        d = record_decision(db, c.case_id, "violating-spam", actor=mod, policy=policy, notify=wake)
        committed[d.action_events[0]] = time.perf_counter()
        time.sleep(interval)
    deadline = time.monotonic() + 30
    while len(set(rcv.keys()) & set(committed)) < len(committed) and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    wake()
    thread.join(10)
    worker.close()
    lat = [(rcv.arrivals[k] - t) * 1000 for k, t in committed.items() if k in rcv.arrivals]
    assert len(lat) == len(committed), f"{len(lat)} of {len(committed)} arrived"
    qs = statistics.quantiles(lat, n=100)
    return {"decisions": decisions, "p50_ms": round(qs[49], 1), "p99_ms": round(qs[98], 1), "max_ms": round(max(lat), 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=5000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--decisions", type=int, default=200)
    ap.add_argument("--interval", type=float, default=0.05, help="Seconds between decisions.")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tp = throughput(Path(tmp), args.events, args.concurrency)
        with Receiver() as rcv:
            lat = latency(Path(tmp), rcv, args.decisions, args.interval)
    print(json.dumps({"load_average_1m": os.getloadavg()[0], "throughput": tp, "decision_to_receiver": lat},
                     indent=2))


if __name__ == "__main__":
    main()
