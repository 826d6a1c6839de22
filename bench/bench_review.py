"""Benchmark: claim-next + decide, p99 <= 30 ms with 100k open cases on SQLite.

Builds a SQLite database with --cases synthetic open cases (posts and cases inserted in bulk, spread over the
policy's open queues with random priorities and ages; one webhook endpoint registered, so every decision also
writes its outbox event and delivery row, as in production). Then one reviewer repeatedly claims the next case of
the general queue and decides it (violating-spam / remove) through the same service functions the API calls,
timing each claim+decide pair. The baseline, measured in the same run, is the same loop against a database with
--baseline-cases open cases, so the ratio shows what queue size costs.

    .venv/bin/python bench/bench_review.py --cases 100000 --iterations 1000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from adwarden.actions.endpoints import register_endpoint
from adwarden.domain import Actor
from adwarden.policy import load_policy
from adwarden.review.claims import claim_next
from adwarden.review.decisions import record_decision
from adwarden.storage.sql.database import Database
from adwarden.storage.sql.tables import cases, posts

SITE = "bench-site"


def build(path: Path, n: int, seed: int = 7) -> Database:
    db = Database(f"sqlite:///{path}")
    db.migrate()
    rand = random.Random(seed)
    now = datetime.now(UTC)
    queues = ["general", "trafficking"]
    chunk = 10_000
    with db.transaction() as conn:
        for lo in range(0, n, chunk):
            rows_p, rows_c = [], []
            for i in range(lo, min(n, lo + chunk)):
                pid = f"p-{i:08d}"
                rows_p.append({"id": pid, "site": SITE, "external_id": f"ad-{i}", "account_id": None,
                               "latest_version": 1, "current_version": 1, "created_at": now, "updated_at": now})
                opened = now - timedelta(minutes=rand.randint(0, 60 * 48))
                rows_c.append({"id": f"c-{i:08d}", "post_id": pid, "status": "open", "queue": queues[i % 2],
                               "priority": rand.randint(40, 100), "risk": rand.uniform(40, 100), "opened_at": opened,
                               "updated_at": opened})
            conn.execute(insert(posts), rows_p)
            conn.execute(insert(cases), rows_c)
    register_endpoint(db, site=SITE, url="http://127.0.0.1:9/bench", actor=Actor.system("bench"))
    db.engine.dispose()
    raw = sqlite3.connect(path)  # start from a checkpointed file, as a long-running server would be
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    return db


def run(db: Database, iterations: int) -> tuple[list[float], float]:
    """Wall milliseconds of each claim+decide pair, and the mean CPU milliseconds per pair (load-independent)."""
    policy = load_policy()
    mod = Actor("bench-moderator", frozenset({"moderator"}))
    out = []
    cpu0 = time.process_time()
    for _ in range(iterations):
        t0 = time.perf_counter()
        claim = claim_next(db, "general", actor=mod, policy=policy)
        assert claim is not None
        record_decision(db, claim.case_id, "violating-spam", actor=mod, policy=policy)
        out.append((time.perf_counter() - t0) * 1000)
    return out, (time.process_time() - cpu0) * 1000 / iterations


def summary(result: tuple[list[float], float]) -> dict[str, float]:
    ms, cpu = result
    qs = statistics.quantiles(ms, n=100)
    return {"p50_ms": round(qs[49], 2), "p99_ms": round(qs[98], 2), "mean_ms": round(statistics.fmean(ms), 2),
            "cpu_ms_per_pair": round(cpu, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--baseline-cases", type=int, default=1_000)
    ap.add_argument("--iterations", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        big = build(Path(tmp) / "big.db", args.cases)
        built = time.perf_counter() - t0
        small = build(Path(tmp) / "small.db", args.baseline_cases)
        run(big, 50)  # warm-up: connection pool, statement caches
        run(small, 50)
        base = summary(run(small, min(args.iterations, args.baseline_cases // 2 - 50)))
        main_ = summary(run(big, args.iterations))
    print(json.dumps({"load_average_1m": os.getloadavg()[0], "open_cases": args.cases, "iterations": args.iterations, "build_seconds": round(built, 1),
                      "claim_next_plus_decide": main_, "baseline_open_cases": args.baseline_cases,
                      "baseline": base, "p99_ratio_vs_baseline": round(main_["p99_ms"] / base["p99_ms"], 2)},
                     indent=2))


if __name__ == "__main__":
    main()
