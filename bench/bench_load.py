"""Benchmark: sustained posts/s against one server while a CLI ingest and a bank import run beside it.

Starts `adwarden serve` on a free loopback port (never another interface) with a fresh database (a SQLite file
in a temporary directory, or with `--database-url postgresql+psycopg://...` a database of its own created on
that server and dropped afterwards), then for
`--duration` seconds offers `--rate` posts/s open-loop (each request is sent at its scheduled time, whatever
the previous answers did) from a bounded thread pool. Meanwhile it runs, as separate processes on the same
database, `adwarden ingest` of a generated synthetic file and `adwarden banks import` of a small bank (whose
rescan runs in the CLI). At the end it counts:

* errors: answers other than 200/201 and transport failures;
* lost: posts the server acknowledged (200/201) that are not stored afterwards (every one is looked up in the
  database, and one in 240 is also read back through the API);
* latency p50 / p99 / max of acknowledged requests, counted from each request's scheduled time (so waiting for a
  free sender when the server falls behind is included), and the achieved rate.

It runs twice in one invocation: first the API load alone (the baseline), then with the CLI commands, and
reports the ratio of the achieved rates.

All posts are synthetic and non-explicit (555-01xx numbers, example.com). Bounded: at most 3,600 s and 1,000
posts/s; exit 1 when anything was lost or erred.

    .venv/bin/python bench/bench_load.py --duration 60 --rate 200
    .venv/bin/python bench/bench_load.py --duration 600 --rate 200 --database-url postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bench_ingest import fresh_database

HOST = "127.0.0.1"  # loopback only, by design
MAX_DURATION, MAX_RATE = 3600, 1000


def _free_port() -> int:
    s = socket.socket()
    s.bind((HOST, 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


def _not_stored(db_url: str, post_ids: list[str]) -> list[str]:
    """Those of ``post_ids`` with no row in the run's database (read directly: checking 120,000 posts one GET at
    a time took longer than the run)."""
    from sqlalchemy import create_engine, select

    from adwarden.storage.sql.tables import posts

    engine = create_engine(db_url)
    found: set[str] = set()
    try:
        with engine.connect() as conn:
            for lo in range(0, len(post_ids), 1000):
                chunk = post_ids[lo : lo + 1000]
                found.update(r[0] for r in conn.execute(select(posts.c.id).where(posts.c.id.in_(chunk))))
    finally:
        engine.dispose()
    return [p for p in post_ids if p not in found]


def _post(i: int, prefix: str) -> dict[str, object]:
    return {
        "external_id": f"{prefix}-{i}",
        "site": "bench.example.com",
        "category": "furniture" if i % 3 else "services",
        "title": f"Oak table number {i}",
        "body": f"Solid oak table, seats six. Pickup downtown. Call 206-555-01{i % 100:02d}.",
        "location": "Seattle, WA",
        "url": f"https://bench.example.com/{prefix}/{i}",
        "account": {"id": f"u-{i % 500}", "email": f"seller{i % 500}@example.com"},
    }


def _wait_ready(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(f"{url}/healthz", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("server did not start") from None
            time.sleep(0.3)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=int, default=60, help=f"seconds of load, at most {MAX_DURATION}")
    ap.add_argument("--rate", type=float, default=200.0, help=f"posts per second offered, at most {MAX_RATE}")
    ap.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    ap.add_argument("--cli-posts", type=int, default=5000, help="posts in the concurrent CLI ingest file")
    ap.add_argument("--workers", type=int, default=64, help="concurrent requests at most")
    ap.add_argument("--with-cli-only", action="store_true",
                    help="run only the phase with the CLI commands beside the load (no API-alone baseline phase)")
    args = ap.parse_args()
    if not (1 <= args.duration <= MAX_DURATION and 0 < args.rate <= MAX_RATE):
        raise SystemExit(f"--duration must be 1..{MAX_DURATION} and --rate 0..{MAX_RATE}")
    phases = {"baseline (API load alone)": False, "with CLI ingest and bank import": True}
    if args.with_cli_only:
        del phases["baseline (API load alone)"]
    results = {name: _phase(args, side) for name, side in phases.items()}
    ratio = None
    if len(results) == 2:
        base, full = results.values()
        ratio = (round(float(full["achieved_rate"]) / float(base["achieved_rate"]), 2)  # type: ignore[arg-type]
                 if base["achieved_rate"] else None)
    print(json.dumps({"phases": results, "achieved_rate_ratio_vs_baseline": ratio}, indent=2))
    sys.exit(1 if any(r["errors"] or r["lost"] for r in results.values()) else 0)


def _phase(args: argparse.Namespace, side: bool) -> dict[str, object]:
    """One server on a fresh database, the offered load, and (when ``side``) the concurrent CLI commands."""
    port = _free_port()
    url = f"http://{HOST}:{port}"
    with tempfile.TemporaryDirectory() as tmp, fresh_database(args.database_url, Path(tmp), "load") as db_url:
        env = {**os.environ, "ADWARDEN_DATA_DIR": tmp, "ADWARDEN_DATABASE_URL": db_url,
               "ADWARDEN_ENVIRONMENT": "development"}
        server = subprocess.Popen([sys.executable, "-m", "adwarden", "serve", "--host", HOST, "--port", str(port)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_ready(url, server)
            return _run(url, env, Path(tmp), args, side=side)
        finally:
            server.terminate()
            server.wait(timeout=30)


def _run(url: str, env: dict[str, str], tmp: Path, args: argparse.Namespace, *, side: bool) -> dict[str, object]:
    cli_file = tmp / "cli.jsonl"
    cli_file.write_text("".join(json.dumps(_post(i, "cli")) + "\n" for i in range(args.cli_posts)))
    bank = tmp / "bank.csv"
    bank.write_text("kind,value,label\n" + "".join(f"phone,20655501{i:02d},bench\n" for i in range(0, 100, 7)))
    adwarden = [sys.executable, "-m", "adwarden"]
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    acked: list[str] = []
    client = httpx.Client(base_url=url, timeout=30, limits=httpx.Limits(max_connections=args.workers))

    def send(i: int, due: float) -> None:
        # Latency counts from the request's scheduled time, so time spent waiting for a free sender (when the
        # server falls behind and every connection is busy) is part of it, as it is for a real client.
        started = due
        try:
            r = client.post("/v1/posts", json=_post(i, "api"))
        except httpx.HTTPError as exc:
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
            return
        elapsed = time.perf_counter() - started
        with lock:
            if r.status_code in (200, 201):
                latencies.append(elapsed)
                acked.append(r.json()["post_id"])
            else:
                errors.append(f"{r.status_code}: {r.text[:200]}")

    total = int(args.duration * args.rate)
    procs = [subprocess.Popen([*adwarden, "ingest", str(cli_file), "--json"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)] if side else []
    t0 = time.perf_counter()
    bank_started = not side
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        for i in range(total):
            due = t0 + i / args.rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            if not bank_started and time.perf_counter() - t0 > args.duration / 3:
                procs.append(subprocess.Popen([*adwarden, "banks", "import", "bench-bank", str(bank), "--json"],
                                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
                bank_started = True
            pool.submit(send, i, due)
    wall = time.perf_counter() - t0
    print(f"load done: {len(acked)} acknowledged, {len(errors)} errors in {wall:.0f} s; waiting for the CLI",
          file=sys.stderr, flush=True)
    side_results = []
    for proc in procs:
        out, err = proc.communicate(timeout=900)
        side_results.append({"command": " ".join(str(a) for a in proc.args[2:4]), "exit": proc.returncode,  # type: ignore[index]
                             "stderr": err.decode(errors="replace")[-300:]})
        if proc.returncode != 0:
            errors.append(f"side command failed: {side_results[-1]}")
    print("side commands done; checking every acknowledged post is stored", file=sys.stderr, flush=True)
    lost = _not_stored(env["ADWARDEN_DATABASE_URL"], acked)
    # and a sample through the API, which must answer for them too
    lost += [pid for pid in acked[:: max(1, len(acked) // 500)] if client.get(f"/v1/posts/{pid}").status_code != 200]
    client.close()
    ordered = sorted(latencies)

    def pct(p: float) -> float | None:
        return round(1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1) if ordered else None

    return {
        "offered_rate": args.rate, "duration_s": args.duration, "sent": total, "acknowledged": len(acked),
        "achieved_rate": round(len(acked) / wall, 1), "errors": len(errors), "error_samples": errors[:5],
        "lost": len(lost), "p50_ms": pct(0.50), "p99_ms": pct(0.99),
        "max_ms": round(1000 * ordered[-1], 1) if ordered else None,
        "mean_ms": round(1000 * statistics.fmean(ordered), 1) if ordered else None,
        "database": args.database_url.split("@")[-1] if args.database_url else "sqlite (temporary file)",
        "side_commands": side_results,
    }


if __name__ == "__main__":
    main()
