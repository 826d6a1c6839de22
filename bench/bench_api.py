"""Benchmark: the API sustains 200 posts/s for a minute with p99 latency under 50 ms on loopback.

Starts `adwarden serve` on a free loopback port with a fresh SQLite database, drives it with Locust (headless,
FastHttpUser; by default 20 users x 10 requests/s each = 200 requests/s offered) for --seconds, and reads
Locust's own statistics. Locust runs on the same two cores as the server; its own floor (the same load against
/healthz) is reported in docs/PERFORMANCE.md. `--users 100 --rate-per-user 2 --spawn-rate 13` gives the
many-senders shape also recorded there.

    .venv/bin/python bench/bench_api.py --seconds 60
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--rate-per-user", type=float, default=10.0)
    ap.add_argument("--spawn-rate", type=float, default=20.0)
    args = ap.parse_args()
    here = Path(__file__).resolve().parent
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        # the screening worker is what a server outside the test environment runs by default
        env = {"ADWARDEN_API_SCREEN_WORKERS": "1", **os.environ, "ADWARDEN_DATA_DIR": tmp,
               "ADWARDEN_DATABASE_URL": f"sqlite:///{tmp}/api.db"}
        server = subprocess.Popen([sys.executable, "-m", "adwarden", "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("server did not start") from None
                    time.sleep(0.3)
            prefix = Path(tmp) / "locust"
            lenv = {**env, "BENCH_RATE_PER_USER": str(args.rate_per_user)}
            subprocess.run(
                [sys.executable, "-m", "locust", "-f", str(here / "locustfile.py"), "--headless",
                 "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.seconds}s",
                 "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary"],
                env=lenv, check=False, capture_output=True, timeout=args.seconds + 120)
            with open(f"{prefix}_stats.csv", newline="") as f:
                rows = {r["Name"]: r for r in csv.DictReader(f)}
        finally:
            server.terminate()
            server.wait(timeout=30)
    agg = rows.get("Aggregated") or rows["/v1/posts"]
    result = {
        "offered_rps": args.users * args.rate_per_user,
        "users": args.users,
        "spawn_rate": args.spawn_rate,
        "seconds": args.seconds,
        "requests": int(agg["Request Count"]),
        "failures": int(agg["Failure Count"]),
        "achieved_rps": round(float(agg["Requests/s"]), 1),
        "p50_ms": float(agg["50%"]),
        "p95_ms": float(agg["95%"]),
        "p99_ms": float(agg["99%"]),
        "max_ms": float(agg["Max Response Time"]),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
